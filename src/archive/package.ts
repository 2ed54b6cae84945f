import * as zlib from 'node:zlib';
import { promisify } from 'node:util';
import { crc32 } from './crc32.js';
import { assembleZip, entryContent, type PreparedEntry, type ZipInput } from './zip-write.js';
import { readZipEntry } from './zip-read.js';
import type { Deployment } from './deployment.js';

const deflate = promisify(zlib.deflateRaw);
const CRC_CHUNK = 1 << 20;

/** One entry for the asynchronous writer. */
export type PackageEntry = ZipInput;

async function crcChunked(data: Buffer): Promise<number> {
  // zlib.crc32 (Node 20.15+) continues from a previous value: checksum 1 MB at a time, yielding between.
  const z = zlib as unknown as { crc32?: (d: Uint8Array, v?: number) => number };
  if (!z.crc32 || data.length <= CRC_CHUNK) return crc32(data);
  let v = 0;
  for (let i = 0; i < data.length; i += CRC_CHUNK) {
    v = z.crc32(data.subarray(i, i + CRC_CHUNK), v);
    await new Promise((r) => setImmediate(r));
  }
  return v >>> 0;
}

/**
 * Writes a zip without blocking the event loop: DEFLATE runs on libuv's thread pool, the CRC in chunks.
 * Same bytes as writeZip for the same input: fixed timestamps, the given order, Unix modes.
 */
export async function writeZipAsync(entries: readonly PackageEntry[], level = 6): Promise<Buffer> {
  const prepared = await Promise.all(
    entries.map(async (input): Promise<PreparedEntry> => {
      const { content, mode, isLink } = entryContent(input);
      const crc = await crcChunked(content);
      let body: Uint8Array = content;
      let method: 0 | 8 = 0;
      if (!isLink && content.length > 0) {
        const d = await deflate(content, { level });
        if (d.length < content.length) {
          body = d;
          method = 8;
        }
      }
      return { name: input.name, crc, size: content.length, body, method, mode };
    }),
  );
  return assembleZip(prepared);
}

/** The original zip's entries other than `exclude`, as package entries (modes and symlinks kept). */
export function keptEntries(d: Deployment, exclude: ReadonlySet<string>): PackageEntry[] {
  return d.entries
    .filter((e) => !e.isDirectory && !exclude.has(e.name))
    .map((e) => {
      const data = readZipEntry(d.zip, e);
      return e.isSymlink
        ? { name: e.name, symlinkTarget: data.toString('utf8') }
        : { name: e.name, data, mode: (e.unixMode ?? 0o644) & 0o7777 };
    });
}

/**
 * A provided.* zip with a new `bootstrap` (mode 0755) at the root and the original zip's other files kept
 * (configuration, templates, certificates). `dropHandler` leaves the old go1.x binary out.
 */
export function bootstrapZip(original: Deployment, bootstrap: Buffer, dropHandler?: string): Promise<Buffer> {
  const exclude = new Set(['bootstrap', ...(dropHandler ? [dropHandler] : [])]);
  return writeZipAsync([
    { name: 'bootstrap', data: bootstrap, mode: 0o755 },
    ...keptEntries(original, exclude),
  ]);
}

/**
 * The bridge zip: the original zip plus a `bootstrap` symlink to the handler binary. It runs on go1.x (which
 * starts the handler) and on provided.* (which starts bootstrap) alike, so the runtime can be switched first.
 */
export function bridgeZip(original: Deployment, handler: string): Promise<Buffer> {
  return writeZipAsync([
    ...keptEntries(original, new Set(['bootstrap'])),
    { name: 'bootstrap', symlinkTarget: handler },
  ]);
}

/** Repackaging: the original binary itself becomes `bootstrap`; the other files are kept. */
export function repackageZip(original: Deployment, handler: string): Promise<Buffer> {
  const entry = original.entries.find((e) => e.name === handler);
  if (!entry) throw new Error(`no entry ${handler}`);
  return bootstrapZip(original, readZipEntry(original.zip, entry), handler);
}
