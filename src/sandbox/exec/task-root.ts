import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, symlink, writeFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { openZip, ZipFormatError } from '../../archive/zip.js';

/** A zip entry that would land outside the task root, or could not be unpacked. */
export class UnsafeZipError extends ZipFormatError {}

/** The path an entry unpacks to inside `root`, or an UnsafeZipError when it would escape it. */
export function entryPath(root: string, name: string): string {
  const clean = normalize(name);
  if (isAbsolute(name) || clean === '..' || clean.startsWith(`..${sep}`) || name.includes('\0')) {
    throw new UnsafeZipError(`zip entry '${name}' would be written outside the task root`);
  }
  return join(root, clean);
}

/**
 * Unpacks `zip` into `root` (modes and symlinks kept, entries that escape the root refused), once:
 * into a temp folder renamed into place, so a half-unpacked root is never used.
 */
export function unpackTaskRoot(zip: Buffer, root: string): Promise<string> {
  // Concurrent cold starts of one function share one unpacking.
  let pending = inFlight.get(root);
  if (!pending) {
    pending = unpack(zip, root).finally(() => inFlight.delete(root));
    inFlight.set(root, pending);
  }
  return pending;
}

const inFlight = new Map<string, Promise<string>>();

async function unpack(zip: Buffer, root: string): Promise<string> {
  try {
    if ((await stat(root)).isDirectory()) return root;
  } catch {
    // not unpacked yet
  }
  const tmp = `${root}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  await mkdir(tmp, { recursive: true });
  try {
    const archive = await openZip(zip);
    for (const entry of archive.entries) {
      const target = entryPath(tmp, entry.name);
      if (entry.isDirectory) {
        await mkdir(target, { recursive: true });
        continue;
      }
      await mkdir(dirname(target), { recursive: true });
      const data = await archive.read(entry);
      if (entry.isSymlink) {
        const link = data.toString('utf8');
        // A link may point anywhere inside the root, never outside it.
        entryPath(tmp, join(dirname(entry.name), link));
        await symlink(link, target);
        continue;
      }
      await writeFile(target, data);
      await chmod(target, (entry.unixMode ?? 0o644) & 0o777 || 0o644);
    }
    await mkdir(dirname(root), { recursive: true });
    await rename(tmp, root).catch(async (e: NodeJS.ErrnoException) => {
      // Another environment unpacked the same code first.
      if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
      await rm(tmp, { recursive: true, force: true });
    });
    return root;
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
