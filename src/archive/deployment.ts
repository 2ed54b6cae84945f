import { normalize, isAbsolute, posix } from 'node:path';
import { openZip, ZipFormatError, type ZipArchive, type ZipEntry } from './zip.js';

/** Lambda's limit on a function's unpacked size. */
export const UNZIPPED_LIMIT = 262_144_000;

/** A deployment package that Lambda would refuse or that would be unsafe to unpack. */
export class DeploymentError extends ZipFormatError {}

/** A zip checked the way Lambda (and a careful unpacker) would check it. */
export interface Deployment {
  readonly zip: Buffer;
  readonly archive: ZipArchive;
  readonly entries: readonly ZipEntry[];
  readonly unzippedSize: number;
}

/**
 * Reads and checks a deployment zip: no entry may escape the root (zip-slip, absolute paths, symlinks
 * pointing out), no name may appear twice, and the unpacked size must stay under Lambda's 250 MB, judged
 * from the directory before anything is decompressed. Errors name the entry.
 */
export async function readDeployment(zip: Buffer): Promise<Deployment> {
  const archive = await openZip(zip);
  if (archive.duplicates.length > 0)
    throw new DeploymentError(`zip entry '${archive.duplicates[0]}' appears more than once`);
  const seen = new Set<string>();
  let total = 0;
  for (const e of archive.entries) {
    const name = e.name;
    const clean = normalize(name).replace(/\\/g, '/');
    if (isAbsolute(name) || name.startsWith('/') || /^[a-zA-Z]:/.test(name) || name.includes('\\')) {
      throw new DeploymentError(
        `zip entry '${name}' has an absolute path; Lambda unpacks entries under /var/task`,
      );
    }
    if (clean === '..' || clean.startsWith('../') || name.includes('\0')) {
      throw new DeploymentError(`zip entry '${name}' would be written outside the task root (zip-slip)`);
    }
    const key = clean.replace(/\/$/, '');
    if (seen.has(key)) throw new DeploymentError(`zip entry '${name}' appears more than once`);
    seen.add(key);
    total += e.size;
    if (total > UNZIPPED_LIMIT) {
      throw new DeploymentError(
        `unpacked size passes Lambda's limit of ${UNZIPPED_LIMIT} bytes at entry '${name}' (${total} bytes so far)`,
      );
    }
  }
  for (const e of archive.entries) {
    if (!e.isSymlink) continue;
    const target = (await archive.read(e)).toString('utf8');
    const resolved = posix.normalize(posix.join(posix.dirname(normalize(e.name)), target));
    if (target.startsWith('/') || resolved === '..' || resolved.startsWith('../')) {
      throw new DeploymentError(`zip entry '${e.name}' is a symlink to '${target}', outside the task root`);
    }
  }
  return { zip, archive, entries: archive.entries, unzippedSize: total };
}

/** Resolves an entry name through symlink entries (bootstrap → handler), at most 8 hops. */
export async function resolveEntry(d: Deployment, name: string): Promise<ZipEntry | undefined> {
  let current = name;
  for (let hop = 0; hop < 8; hop++) {
    const e = d.entries.find((x) => x.name === current);
    if (!e || !e.isSymlink) return e;
    current = posix.normalize(posix.join(posix.dirname(current), (await d.archive.read(e)).toString('utf8')));
  }
  return undefined;
}

const isElf = async (d: Deployment, e: ZipEntry) =>
  !e.isDirectory &&
  !e.isSymlink &&
  e.size >= 4 &&
  (await d.archive.read(e)).subarray(0, 4).toString('latin1') === '\x7fELF';

/**
 * The function's binary inside the zip: the `handler` given, else `bootstrap`, else the only ELF file.
 * Throws a DeploymentError that lists the candidates when the choice is not clear.
 */
export async function pickBinary(
  d: Deployment,
  handler?: string,
): Promise<{ name: string; entry: ZipEntry; data: Buffer }> {
  const take = async (name: string) => {
    const e = await resolveEntry(d, name);
    if (!e || e.isDirectory) return undefined;
    return { name, entry: e, data: await d.archive.read(e) };
  };
  if (handler) {
    const found = await take(handler);
    if (!found)
      throw new DeploymentError(
        `the zip has no entry '${handler}' (entries: ${d.entries.map((e) => e.name).join(', ')})`,
      );
    return found;
  }
  const boot = await take('bootstrap');
  if (boot) return boot;
  const elves: ZipEntry[] = [];
  for (const e of d.entries) if (await isElf(d, e)) elves.push(e);
  if (elves.length === 1) return (await take(elves[0]!.name))!;
  throw new DeploymentError(
    elves.length === 0
      ? 'the zip holds no executable (no bootstrap and no ELF file)'
      : `the zip holds several executables (${elves.map((e) => e.name).join(', ')}): say which with --handler`,
  );
}
