import { describe, expect, it } from 'vitest';
import { parseModinfo, readBuildInfo } from '../../src/golang/buildinfo.js';
import { ElfError, readElf } from '../../src/golang/elf.js';
import { pointerBuildInfo, syntheticElf } from '../helpers/elf-builder.js';

const MODINFO = [
  'path\tgithub.com/acme/billing/cmd/invoice',
  'mod\tgithub.com/acme/billing\t(devel)\t',
  'dep\tgithub.com/aws/aws-lambda-go\tv1.13.3\th1:abc=',
  'dep\tgithub.com/pkg/errors\tv0.9.1\th1:def=',
  '=>\tgithub.com/fork/errors\tv0.9.2\th1:ghi=',
  '',
].join('\n');

describe('Go build info', () => {
  it.each([
    [8, true, 62],
    [4, true, 62],
    [8, false, 183],
  ] as const)('reads the pre-1.18 pointer layout (ptr %i, little-endian %s)', (ptrSize, little, machine) => {
    const vaddr = 0x500000;
    const seg = pointerBuildInfo({ ptrSize, little, vaddr, version: 'go1.16.15', modinfo: MODINFO });
    const elf = syntheticElf({ is64: ptrSize === 8, little, machine, segment: seg, vaddr });
    const info = readElf(elf);
    expect(info.arch).toBe(machine === 62 ? 'x86_64' : 'arm64');
    expect(info.linkage).toBe('static');
    const bi = readBuildInfo(elf, info)!;
    expect(bi.layout).toBe('pointer');
    expect(bi.goVersion).toBe('go1.16.15');
    expect(bi.path).toBe('github.com/acme/billing/cmd/invoice');
    expect(bi.main).toEqual({ path: 'github.com/acme/billing', version: '(devel)' });
    expect(bi.deps).toEqual([
      { path: 'github.com/aws/aws-lambda-go', version: 'v1.13.3', sum: 'h1:abc=' },
      {
        path: 'github.com/pkg/errors',
        version: 'v0.9.1',
        sum: 'h1:def=',
        replace: { path: 'github.com/fork/errors', version: 'v0.9.2', sum: 'h1:ghi=' },
      },
    ]);
  });

  it('parses build settings, unquoting quoted values', () => {
    const m = parseModinfo(
      'path\tx\nbuild\t-ldflags="-s -w -X main.v=1"\nbuild\t-tags=lambda.norpc,netgo\nbuild\tCGO_ENABLED=0\n',
    );
    expect(m.settings).toEqual({
      '-ldflags': '-s -w -X main.v=1',
      '-tags': 'lambda.norpc,netgo',
      CGO_ENABLED: '0',
    });
  });

  it('returns undefined for an ELF without build info, and ElfError for damaged headers', () => {
    const plain = syntheticElf({
      is64: true,
      little: true,
      machine: 62,
      segment: Buffer.alloc(64),
      vaddr: 0x400000,
    });
    expect(readBuildInfo(plain, readElf(plain))).toBeUndefined();
    const broken = Buffer.from(plain);
    broken.writeBigUInt64LE(0xffffffffn, 32); // program headers far past the end
    expect(() => readElf(broken)).toThrow(ElfError);
    expect(() => readElf(Buffer.from('not an elf at all, not at all, not at all, not at all'))).toThrow(
      ElfError,
    );
  });

  it('refuses build info pointers that lead outside the file', () => {
    const vaddr = 0x500000;
    const seg = pointerBuildInfo({ ptrSize: 8, little: true, vaddr, version: 'go1.16', modinfo: MODINFO });
    seg.writeBigUInt64LE(0x7fff0000n, 16);
    const elf = syntheticElf({ is64: true, little: true, machine: 62, segment: seg, vaddr });
    expect(() => readBuildInfo(elf, readElf(elf))).toThrow(ElfError);
  });
});
