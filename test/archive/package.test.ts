import { describe, expect, it } from 'vitest';
import { readDeployment, pickBinary, DeploymentError } from '../../src/archive/deployment.js';
import { bootstrapZip, bridgeZip, repackageZip } from '../../src/archive/package.js';
import JSZip from 'jszip';
import { openZip, writeZip } from '../../src/archive/zip.js';

/** A zip with names the project's writer refuses to write (jszip writes any name as given). */
async function hostileZip(entries: { name: string; data?: string; link?: string }[]): Promise<Buffer> {
  const zip = new JSZip();
  for (const e of entries)
    zip.file(e.name, e.link ?? e.data ?? '', {
      createFolders: false,
      unixPermissions: e.link !== undefined ? 0o120777 : 0o100644,
    });
  return zip.generateAsync({ type: 'nodebuffer', platform: 'UNIX' });
}

const ELF = Buffer.concat([Buffer.from('\x7fELF', 'latin1'), Buffer.alloc(5000, 3)]);
const original = async () =>
  readDeployment(
    await writeZip([
      { name: 'orders', data: ELF, mode: 0o755 },
      { name: 'config.json', data: Buffer.from('{"a":1}'), mode: 0o644 },
      { name: 'certs/ca.pem', data: Buffer.from('PEM'), mode: 0o600 },
    ]),
  );
async function listing(zip: Buffer) {
  const archive = await openZip(zip);
  const out = [];
  for (const e of archive.entries)
    out.push([e.name, (e.unixMode ?? 0) & 0o777, e.isSymlink, (await archive.read(e)).length]);
  return out;
}

describe('packaging', () => {
  it('bootstrap zip: bootstrap 0755 at the root, the old handler dropped, other files kept with their modes', async () => {
    const zip = await bootstrapZip(await original(), Buffer.from('new binary'), 'orders');
    expect(await listing(zip)).toEqual([
      ['bootstrap', 0o755, false, 10],
      ['config.json', 0o644, false, 7],
      ['certs/ca.pem', 0o600, false, 3],
    ]);
    expect((await bootstrapZip(await original(), Buffer.from('new binary'), 'orders')).equals(zip)).toBe(
      true,
    );
  });

  it('bridge zip: the original entries plus a bootstrap symlink to the handler', async () => {
    const zip = await bridgeZip(await original(), 'orders');
    expect(await listing(zip)).toEqual([
      ['orders', 0o755, false, ELF.length],
      ['config.json', 0o644, false, 7],
      ['certs/ca.pem', 0o600, false, 3],
      ['bootstrap', 0o777, true, 6],
    ]);
    const d = await readDeployment(zip);
    expect((await pickBinary(d)).name).toBe('bootstrap');
    expect((await pickBinary(d)).data.equals(ELF)).toBe(true);
  });

  it('repackaging: the original binary becomes bootstrap', async () => {
    const zip = await repackageZip(await original(), 'orders');
    const d = await readDeployment(zip);
    expect(d.entries.map((e) => e.name)).toEqual(['bootstrap', 'config.json', 'certs/ca.pem']);
    expect((await pickBinary(d)).data.equals(ELF)).toBe(true);
  });
});

describe('deployment checks name the entry at fault', () => {
  const refuse = (zip: Buffer, message: RegExp) => expect(readDeployment(zip)).rejects.toThrow(message);

  it('zip-slip, absolute paths, duplicates, links out of the root', async () => {
    await refuse(
      await hostileZip([{ name: '../../etc/passwd', data: 'x' }]),
      /'..\/..\/etc\/passwd' would be written outside/,
    );
    await refuse(
      await hostileZip([{ name: '/etc/passwd', data: 'x' }]),
      /'\/etc\/passwd' has an absolute path/,
    );
    await refuse(
      await writeZip([
        { name: 'a', data: Buffer.from('1') },
        { name: 'a', data: Buffer.from('2') },
      ]),
      /'a' appears more than once/,
    );
    await refuse(
      await hostileZip([{ name: 'bootstrap', link: '../../bin/sh' }]),
      /'bootstrap' is a symlink to '..\/..\/bin\/sh', outside/,
    );
    await refuse(await hostileZip([{ name: 'bootstrap', link: '/bin/sh' }]), /outside the task root/);
    await refuse(
      await hostileZip([{ name: 'a/../../x', data: 'x' }]),
      /'a\/..\/..\/x' would be written outside/,
    );
  });

  it('more than 250 MB unpacked, judged before anything is decompressed', async () => {
    const zip = await writeZip([
      { name: 'small', data: Buffer.from('x') },
      { name: 'huge', data: Buffer.from('y') },
    ]);
    // Claim 262,144,000 bytes for the second entry in the central directory.
    const cd = zip.readUInt32LE(zip.length - 6);
    const second = cd + 46 + 'small'.length;
    zip.writeUInt32LE(262_144_000, second + 24);
    await expect(readDeployment(zip)).rejects.toThrow(DeploymentError);
    await refuse(zip, /at entry 'huge'/);
  });

  it('picking a binary: several ELF files need --handler', async () => {
    const d = await readDeployment(
      await writeZip([
        { name: 'a', data: ELF },
        { name: 'b', data: ELF },
      ]),
    );
    await expect(pickBinary(d)).rejects.toThrow(/several executables \(a, b\)/);
    expect((await pickBinary(d, 'b')).name).toBe('b');
    const text = await readDeployment(await writeZip([{ name: 'x.txt', data: Buffer.from('t') }]));
    await expect(pickBinary(text)).rejects.toThrow(/no executable/);
  });
});
