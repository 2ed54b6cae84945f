import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, symlinkSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openZip, writeZip, ZipFormatError } from '../../src/archive/zip.js';

describe('zip writer and reader', () => {
  it('round-trips files, modes and symlinks, reproducibly', async () => {
    const inputs = [
      { name: 'handler', data: Buffer.from('binary'.repeat(1000)), mode: 0o755 },
      { name: 'config/app.json', data: Buffer.from('{}'), mode: 0o644 },
      { name: 'bootstrap', symlinkTarget: 'handler' },
    ];
    const a = await writeZip(inputs);
    expect((await writeZip(inputs)).equals(a)).toBe(true);
    const archive = await openZip(a);
    const entries = archive.entries;
    expect(entries.map((e) => [e.name, e.unixMode! & 0o777, e.isSymlink])).toEqual([
      ['handler', 0o755, false],
      ['config/app.json', 0o644, false],
      ['bootstrap', 0o777, true],
    ]);
    expect((await archive.read(entries[0]!)).toString()).toBe('binary'.repeat(1000));
    expect((await archive.read(entries[2]!)).toString()).toBe('handler');
    expect(entries[0]!.compressedSize).toBeLessThan(entries[0]!.size); // deflated
  });

  it('is read by Info-ZIP unzip with modes and the symlink intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glm-zip-'));
    try {
      writeFileSync(
        join(dir, 'a.zip'),
        await writeZip([
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

  it('reads zips made by Info-ZIP zip, keeping modes and symlinks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glm-zip-'));
    try {
      writeFileSync(join(dir, 'main'), 'x'.repeat(5000));
      chmodSync(join(dir, 'main'), 0o755);
      symlinkSync('main', join(dir, 'bootstrap'));
      execFileSync('zip', ['-q', '-y', 'f.zip', 'main', 'bootstrap'], { cwd: dir });
      const zip = readFileSync(join(dir, 'f.zip'));
      const archive = await openZip(zip);
      const entries = archive.entries;
      expect(entries.find((e) => e.name === 'main')!.unixMode! & 0o777).toBe(0o755);
      const link = entries.find((e) => e.name === 'bootstrap')!;
      expect(link.isSymlink).toBe(true);
      expect((await archive.read(link)).toString()).toBe('main');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects what is not a zip, and a damaged one, with ZipFormatError', async () => {
    await expect(openZip(Buffer.from('hello'))).rejects.toThrow(ZipFormatError);
    await expect(openZip(Buffer.alloc(100))).rejects.toThrow(ZipFormatError);
    const zip = await writeZip([{ name: 'a', data: Buffer.from('hello hello hello hello') }]);
    await expect(openZip(zip.subarray(0, zip.length - 30))).rejects.toThrow(ZipFormatError);
    const corrupt = Buffer.from(zip);
    corrupt[35] = corrupt[35]! ^ 0xff; // inside the compressed data
    const archive = await openZip(corrupt);
    await expect(archive.read(archive.entries[0]!)).rejects.toThrow(ZipFormatError);
  });

  it('stops decompressing at the size the directory gives (a zip bomb costs no memory)', async () => {
    const zip = await writeZip([{ name: 'bomb', data: Buffer.alloc(5_000_000) }]);
    // The central directory now says 1,000 bytes; the data inflates to 5 MB.
    const cd = zip.readUInt32LE(zip.length - 6);
    zip.writeUInt32LE(1000, cd + 24);
    const archive = await openZip(zip);
    expect(archive.entries[0]!.size).toBe(1000);
    await expect(archive.read(archive.entries[0]!)).rejects.toThrow(
      /more data than its directory record says/,
    );
  });

  it('reports a name given twice, which jszip alone would merge into one entry', async () => {
    const zip = await writeZip([
      { name: 'a', data: Buffer.from('1') },
      { name: 'b', data: Buffer.from('2') },
      { name: 'a', data: Buffer.from('3') },
    ]);
    expect((await openZip(zip)).duplicates).toEqual(['a']);
  });

  it('writes zips that Info-ZIP unzip -t finds no error in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glm-zip-'));
    try {
      const big = Buffer.alloc(2_000_000);
      for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
      writeFileSync(join(dir, 'b.zip'), await writeZip([{ name: 'bootstrap', data: big, mode: 0o755 }]));
      expect(execFileSync('unzip', ['-t', join(dir, 'b.zip')]).toString()).toMatch(/No errors detected/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
