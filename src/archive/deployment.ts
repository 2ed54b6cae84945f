import { normalize, isAbsolute, posix } from 'node:path';
import { readZipDirectory, readZipEntry, ZipFormatError, type ZipEntry } from './zip-read.js';

/** Lambda's limit on a function's unpacked size. */
export const UNZIPPED_LIMIT = 262_144_000;

/** A deployment package that Lambda would refuse or that would be unsafe to unpack. */
export class DeploymentError extends ZipFormatError {}

/** A zip checked the way Lambda (and a careful unpacker) would check it. */
export interface Deployment {
  readonly zip: Buffer;
  readonly entries: readonly ZipEntry[];
  readonly unzippedSize: number;
}

/**
 * Reads and checks a deployment zip: no entry may escape the root (zip-slip, absolute paths), no name may
 * appear twice, and the unpacked size must stay under Lambda's 250 MB. Errors name the entry.
 */
export function readDeployment(zip: Buffer): Deployment {
  const entries = readZipDirectory(zip);
  const seen = new Set<string>();
  let total = 0;
  for (const e of entries) {
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
    if (e.isSymlink) {
      const target = readZipEntry(zip, e).toString('utf8');
      const resolved = posix.normalize(posix.join(posix.dirname(clean), target));
      if (target.startsWith('/') || resolved === '..' || resolved.startsWith('../')) {
        throw new DeploymentError(`zip entry '${name}' is a symlink to '${target}', outside the task root`);
      }
    }
    total += e.size;
    if (total > UNZIPPED_LIMIT) {
      throw new DeploymentError(
        `unpacked size passes Lambda's limit of ${UNZIPPED_LIMIT} bytes at entry '${name}' (${total} bytes so far)`,
      );
    }
  }
  return { zip, entries, unzippedSize: total };
}

/** Resolves an entry name through symlink entries (bootstrap → handler), at most 8 hops. */
export function resolveEntry(d: Deployment, name: string): ZipEntry | undefined {
  let current = name;
  for (let hop = 0; hop < 8; hop++) {
    const e = d.entries.find((x) => x.name === current);
    if (!e || !e.isSymlink) return e;
    current = posix.normalize(posix.join(posix.dirname(current), readZipEntry(d.zip, e).toString('utf8')));
  }
  return undefined;
}

const isElf = (d: Deployment, e: ZipEntry) =>
  !e.isDirectory &&
  !e.isSymlink &&
  e.size >= 4 &&
  readZipEntry(d.zip, e).subarray(0, 4).toString('latin1') === '\x7fELF';

/**
 * The function's binary inside the zip: the `handler` given, else `bootstrap`, else the only ELF file.
 * Throws a DeploymentError that lists the candidates when the choice is not clear.
 */
export function pickBinary(d: Deployment, handler?: string): { name: string; entry: ZipEntry; data: Buffer } {
  const take = (name: string) => {
    const e = resolveEntry(d, name);
    if (!e || e.isDirectory) return undefined;
    return { name, entry: e, data: readZipEntry(d.zip, e) };
  };
  if (handler) {
    const found = take(handler);
    if (!found)
      throw new DeploymentError(
        `the zip has no entry '${handler}' (entries: ${d.entries.map((e) => e.name).join(', ')})`,
      );
    return found;
  }
  const boot = take('bootstrap');
  if (boot) return boot;
  const elves = d.entries.filter((e) => isElf(d, e));
  if (elves.length === 1) return take(elves[0]!.name)!;
  throw new DeploymentError(
    elves.length === 0
      ? 'the zip holds no executable (no bootstrap and no ELF file)'
      : `the zip holds several executables (${elves.map((e) => e.name).join(', ')}): say which with --handler`,
  );
}
