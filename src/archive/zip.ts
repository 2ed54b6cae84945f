import type JSZip from 'jszip';
import yazl from 'yazl';
import { crc32 } from 'node:zlib';

/** A zip that cannot be read, with the reason in plain words. */
export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

/** One entry of a zip, as its central directory describes it. */
export interface ZipEntry {
  /** The name as written in the zip (before any clean-up: `../` and leading `/` included). */
  readonly name: string;
  readonly size: number;
  readonly compressedSize: number;
  /** Unix mode bits (file type and permissions) when the zip was made on Unix, else undefined. */
  readonly unixMode: number | undefined;
  readonly isDirectory: boolean;
  readonly isSymlink: boolean;
}

/** A zip held in memory: its entries, and their contents on demand. */
export interface ZipArchive {
  readonly entries: readonly ZipEntry[];
  /** Names that appear more than once (after clean-up), in order. */
  readonly duplicates: readonly string[];
  /** Decompresses one entry, checking its size and CRC against the directory. */
  read(entry: ZipEntry): Promise<Buffer>;
}

/** One file to put in a zip. `symlinkTarget` makes it a symbolic link entry instead of a file. */
export interface ZipInput {
  readonly name: string;
  readonly data?: Uint8Array;
  readonly mode?: number;
  readonly symlinkTarget?: string;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

/** What jszip keeps of an entry's directory record (its `_data`, not part of its typed interface). */
interface CompressedObject {
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly crc32: number;
}

interface Loaded {
  readonly entry: ZipEntry;
  readonly object: JSZip.JSZipObject;
  readonly record: CompressedObject;
}

/**
 * Opens a zip with jszip. jszip keys entries by a cleaned-up name, so a name given twice would silently
 * become one entry: every entry it adds while loading is counted, and names seen twice are reported.
 */
export async function openZip(buf: Buffer): Promise<ZipArchive> {
  // jszip (and its stream polyfills) is loaded when a zip is first read.
  // A CommonJS module: Node's import gives its exports as `default`.
  const JSZipClass = ((await import('jszip')) as unknown as { default: typeof JSZip }).default;
  const zip = new JSZipClass();
  const added = new Map<string, number>();
  const file = zip.file.bind(zip) as (...args: unknown[]) => unknown;
  (zip as unknown as { file: (...args: unknown[]) => unknown }).file = (...args: unknown[]) => {
    if (args.length > 1 && typeof args[0] === 'string') added.set(args[0], (added.get(args[0]) ?? 0) + 1);
    return file(...args);
  };
  try {
    await zip.loadAsync(buf, { createFolders: false });
  } catch (e) {
    throw new ZipFormatError(`not a zip file, or a damaged one: ${(e as Error).message}`);
  }
  const loaded = new Map<ZipEntry, Loaded>();
  const entries = Object.values(zip.files).map((object) => {
    const record = (object as unknown as { _data: CompressedObject })._data;
    const mode = typeof object.unixPermissions === 'number' ? object.unixPermissions : undefined;
    const type = mode !== undefined ? mode & S_IFMT : 0;
    const entry: ZipEntry = {
      name: object.unsafeOriginalName ?? object.name,
      size: record.uncompressedSize,
      compressedSize: record.compressedSize,
      unixMode: mode || undefined,
      isDirectory: object.dir || type === S_IFDIR,
      isSymlink: type === S_IFLNK,
    };
    loaded.set(entry, { entry, object, record });
    return entry;
  });
  return {
    entries,
    duplicates: [...added].filter(([, n]) => n > 1).map(([name]) => name),
    read: (entry) => {
      const l = loaded.get(entry);
      if (!l) throw new Error(`entry ${entry.name} is not from this zip`);
      return readCapped(l);
    },
  };
}

/** An entry's content, never more than its directory says (a zip bomb stops there), CRC checked. */
function readCapped({ entry, object, record }: Loaded): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const stream = object.nodeStream('nodebuffer');
    const fail = (message: string) => {
      if (done) return;
      done = true;
      stream.removeAllListeners('data');
      stream.pause();
      reject(new ZipFormatError(`entry ${entry.name}: ${message}`));
    };
    stream
      .on('data', (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        if (size > record.uncompressedSize) fail('holds more data than its directory record says');
        else chunks.push(chunk);
      })
      .on('error', (e: Error) => fail(`cannot be decompressed (${e.message})`))
      .on('end', () => {
        if (done) return;
        const data = Buffer.concat(chunks, size);
        if (size !== record.uncompressedSize) return fail('size does not match the directory');
        if (crc32(data) >>> 0 !== record.crc32 >>> 0) return fail('CRC mismatch (corrupt zip)');
        done = true;
        resolve(data);
      });
  });
}

// 1980-01-01 00:00:00 local time, the DOS format's first day: the same input gives the same bytes.
const FIXED_TIME = new Date(1980, 0, 1, 0, 0, 0);

/** The content bytes and st_mode of an input (a symlink stores its target as content). */
function entryContent(input: ZipInput): { content: Buffer; mode: number; isLink: boolean } {
  const isLink = input.symlinkTarget !== undefined;
  return {
    content: isLink ? Buffer.from(input.symlinkTarget, 'utf8') : Buffer.from(input.data ?? new Uint8Array()),
    mode: isLink ? 0o120777 : 0o100000 | ((input.mode ?? 0o644) & 0o7777),
    isLink,
  };
}

/**
 * Writes a zip with yazl (DEFLATE on zlib's thread pool, so the event loop keeps turning). Output is
 * reproducible: fixed timestamps, entries in the order given, Unix modes (and symlinks) in the external
 * attributes.
 */
export function writeZip(inputs: readonly ZipInput[], level = 6): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const input of inputs) {
    const { content, mode, isLink } = entryContent(input);
    const compress = !isLink && content.length > 0 && level > 0;
    zip.addBuffer(content, input.name, {
      mtime: FIXED_TIME,
      mode,
      forceDosTimestamp: true,
      compress,
      ...(compress && { compressionLevel: level }),
    });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}
