import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Architecture } from '../../lambda/lifecycle.js';
import { hostArchitecture } from '../../golang/elf-machine.js';

/** How to start a binary of another architecture: through qemu-user. */
export interface Emulator {
  readonly command: string;
  readonly name: string;
}

const QEMU: Record<Architecture, string[]> = {
  arm64: ['qemu-aarch64-static', 'qemu-aarch64'],
  x86_64: ['qemu-x86_64-static', 'qemu-x86_64'],
};

async function onPath(name: string, path = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const file = join(dir, name);
    try {
      await access(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * undefined when `arch` runs natively here; otherwise the qemu-user binary that runs it, or an Error that
 * says what to install.
 */
export async function emulatorFor(arch: Architecture): Promise<Emulator | undefined | Error> {
  if (hostArchitecture() === arch) return undefined;
  for (const name of QEMU[arch]) {
    const command = await onPath(name);
    if (command) return { command, name };
  }
  return new Error(
    `This ${hostArchitecture()} machine cannot run ${arch} binaries: install qemu-user (Debian/Ubuntu: apt-get install qemu-user-static) so that ${QEMU[arch].join(' or ')} is on PATH.`,
  );
}
