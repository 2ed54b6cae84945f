import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, symlinkSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readZipDirectory, readZipEntry, ZipFormatError } from '../../src/archive/zip-read.js';
import { writeZip } from '../../src/archive/zip-write.js';

describe('zip writer and reader', () => {
  it('round-trips files, modes and symlinks, reproducibly', () => {
    const inputs = [
      { name: 'handler', data: Buffer.from('binary'.repeat(1000)), mode: 0o755 },
      { name: 'config/app.json', data: Buffer.from('{}'), mode: 0o644 },
      { name: 'bootstrap', symlinkTarget: 'handler' },
    ];
    const a = writeZip(inputs);
    expect(writeZip(inputs).equals(a)).toBe(true);
    const entries = readZipDirectory(a);
    expect(entries.map((e) => [e.name, e.unixMode! & 0o777, e.isSymlink])).toEqual([
      ['handler', 0o755, false],
      ['config/app.json', 0o644, false],
      ['bootstrap', 0o777, true],
    ]);
    expect(readZipEntry(a, entries[0]!).toString()).toBe('binary'.repeat(1000));
    expect(readZipEntry(a, entries[2]!).toString()).toBe('handler');
    expect(entries[0]!.method).toBe(8);
  });

  it('is read by Info-ZIP unzip with modes and the symlink intact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glm-zip-'));
    try {
      writeFileSync(
        join(dir, 'a.zip'),
        writeZip([
          { name: 'handler', data: Buffer.from('#!/bin/sh\necho ok\n'), mode: 0o755 },
          { name: 'bootstrap', symlinkTarget: 'handler' },
        ]),
      );
      execFileSync('unzip', ['-q', join(dir, 'a.zip'), '-d', join(dir, 'out')]);
      expect(execFileSync(join(dir, 'out', 'bootstrap')).toString()).toBe('ok\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads zips made by Info-ZIP zip, keeping modes and symlinks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glm-zip-'));
    try {
      writeFileSync(join(dir, 'main'), 'x'.repeat(5000));
      chmodSync(join(dir, 'main'), 0o755);
      symlinkSync('main', join(dir, 'bootstrap'));
      execFileSync('zip', ['-q', '-y', 'f.zip', 'main', 'bootstrap'], { cwd: dir });
      const zip = readFileSync(join(dir, 'f.zip'));
      const entries = readZipDirectory(zip);
      expect(entries.find((e) => e.name === 'main')!.unixMode! & 0o777).toBe(0o755);
      const link = entries.find((e) => e.name === 'bootstrap')!;
      expect(link.isSymlink).toBe(true);
      expect(readZipEntry(zip, link).toString()).toBe('main');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects what is not a zip, and a damaged one, with ZipFormatError', () => {
    expect(() => readZipDirectory(Buffer.from('hello'))).toThrow(ZipFormatError);
    expect(() => readZipDirectory(Buffer.alloc(100))).toThrow(ZipFormatError);
    const zip = writeZip([{ name: 'a', data: Buffer.from('hello hello hello hello') }]);
    const truncated = zip.subarray(0, zip.length - 30);
    expect(() => readZipDirectory(truncated)).toThrow(ZipFormatError);
    const corrupt = Buffer.from(zip);
    corrupt[35] = corrupt[35]! ^ 0xff;
    const [entry] = readZipDirectory(corrupt);
    expect(() => readZipEntry(corrupt, entry!)).toThrow(ZipFormatError);
  });
});
