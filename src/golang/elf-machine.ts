import { open } from 'node:fs/promises';
import type { Architecture } from '../lambda/lifecycle.js';

/** What an executable's first bytes say it is. */
export type ExecutableKind =
  { kind: 'elf'; arch: Architecture | 'other'; machine: number } | { kind: 'script' } | { kind: 'unknown' };

/** Reads the ELF header's e_machine (62 = x86-64, 183 = AArch64), or recognises a `#!` script. */
export async function executableKind(path: string): Promise<ExecutableKind> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(20);
    const { bytesRead } = await handle.read(head, 0, 20, 0);
    if (bytesRead >= 2 && head[0] === 0x23 && head[1] === 0x21) return { kind: 'script' };
    if (bytesRead < 20 || head.readUInt32BE(0) !== 0x7f454c46) return { kind: 'unknown' };
    const machine = head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18);
    const arch = machine === 62 ? 'x86_64' : machine === 183 ? 'arm64' : 'other';
    return { kind: 'elf', arch, machine };
  } finally {
    await handle.close();
  }
}

/** The host's architecture in Lambda's words. */
export function hostArchitecture(): Architecture | 'other' {
  return process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'arm64' : 'other';
}
