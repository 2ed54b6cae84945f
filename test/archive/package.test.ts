import { describe, expect, it } from 'vitest';
import { readDeployment, pickBinary, DeploymentError } from '../../src/archive/deployment.js';
import { bootstrapZip, bridgeZip, repackageZip, writeZipAsync } from '../../src/archive/package.js';
import { readZipDirectory, readZipEntry } from '../../src/archive/zip-read.js';
import { writeZip } from '../../src/archive/zip-write.js';

const ELF = Buffer.concat([Buffer.from('\x7fELF', 'latin1'), Buffer.alloc(5000, 3)]);
const original = () =>
  readDeployment(
    writeZip([
      { name: 'orders', data: ELF, mode: 0o755 },
      { name: 'config.json', data: Buffer.from('{"a":1}'), mode: 0o644 },
      { name: 'certs/ca.pem', data: Buffer.from('PEM'), mode: 0o600 },
    ]),
  );
const listing = (zip: Buffer) =>
  readZipDirectory(zip).map((e) => [
    e.name,
    (e.unixMode ?? 0) & 0o777,
    e.isSymlink,
    readZipEntry(zip, e).length,
  ]);

describe('packaging', () => {
  it('writeZipAsync gives the same bytes as writeZip', async () => {
    const inputs = [
      { name: 'a', data: Buffer.alloc(3_000_000, 7), mode: 0o755 },
      { name: 'b', symlinkTarget: 'a' },
    ];
    expect((await writeZipAsync(inputs)).equals(writeZip(inputs))).toBe(true);
  });

  it('bootstrap zip: bootstrap 0755 at the root, the old handler dropped, other files kept with their modes', async () => {
    const zip = await bootstrapZip(original(), Buffer.from('new binary'), 'orders');
    expect(listing(zip)).toEqual([
      ['bootstrap', 0o755, false, 10],
      ['config.json', 0o644, false, 7],
      ['certs/ca.pem', 0o600, false, 3],
    ]);
    expect((await bootstrapZip(original(), Buffer.from('new binary'), 'orders')).equals(zip)).toBe(true);
  });

  it('bridge zip: the original entries plus a bootstrap symlink to the handler', async () => {
    const zip = await bridgeZip(original(), 'orders');
    expect(listing(zip)).toEqual([
      ['orders', 0o755, false, ELF.length],
      ['config.json', 0o644, false, 7],
      ['certs/ca.pem', 0o600, false, 3],
      ['bootstrap', 0o777, true, 6],
    ]);
    const d = readDeployment(zip);
    expect(pickBinary(d).name).toBe('bootstrap');
    expect(pickBinary(d).data.equals(ELF)).toBe(true);
  });

  it('repackaging: the original binary becomes bootstrap', async () => {
    const zip = await repackageZip(original(), 'orders');
    const d = readDeployment(zip);
    expect(d.entries.map((e) => e.name)).toEqual(['bootstrap', 'config.json', 'certs/ca.pem']);
    expect(pickBinary(d).data.equals(ELF)).toBe(true);
  });
});

describe('deployment checks name the entry at fault', () => {
  const refuse = (zip: Buffer, message: RegExp) => expect(() => readDeployment(zip)).toThrow(message);

  it('zip-slip, absolute paths, duplicates, links out of the root', () => {
    refuse(
      writeZip([{ name: '../../etc/passwd', data: Buffer.from('x') }]),
      /'..\/..\/etc\/passwd' would be written outside/,
    );
    refuse(
      writeZip([{ name: '/etc/passwd', data: Buffer.from('x') }]),
      /'\/etc\/passwd' has an absolute path/,
    );
    refuse(
      writeZip([
        { name: 'a', data: Buffer.from('1') },
        { name: 'a', data: Buffer.from('2') },
      ]),
      /'a' appears more than once/,
    );
    refuse(
      writeZip([{ name: 'bootstrap', symlinkTarget: '../../bin/sh' }]),
      /'bootstrap' is a symlink to '..\/..\/bin\/sh', outside/,
    );
    refuse(writeZip([{ name: 'bootstrap', symlinkTarget: '/bin/sh' }]), /outside the task root/);
  });

  it('more than 250 MB unpacked', () => {
    const zip = writeZip([
      { name: 'small', data: Buffer.from('x') },
      { name: 'huge', data: Buffer.from('y') },
    ]);
    // Claim 262,144,000 bytes for the second entry in the central directory.
    const cd = zip.readUInt32LE(zip.length - 6);
    const second = cd + 46 + 'small'.length;
    zip.writeUInt32LE(262_144_000, second + 24);
    expect(() => readDeployment(zip)).toThrow(DeploymentError);
    refuse(zip, /at entry 'huge'/);
  });

  it('picking a binary: several ELF files need --handler', () => {
    const d = readDeployment(
      writeZip([
        { name: 'a', data: ELF },
        { name: 'b', data: ELF },
      ]),
    );
    expect(() => pickBinary(d)).toThrow(/several executables \(a, b\)/);
    expect(pickBinary(d, 'b').name).toBe('b');
    expect(() => pickBinary(readDeployment(writeZip([{ name: 'x.txt', data: Buffer.from('t') }])))).toThrow(
      /no executable/,
    );
  });
});
