import { inflateRawSync } from 'node:zlib';
import { crc32 } from './crc32.js';

/** A zip that cannot be read, with the reason in plain words. */
export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

/** One entry of a zip's central directory. */
export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  /** Unix mode bits (file type and permissions) when the zip was made on Unix, else undefined. */
  readonly unixMode: number | undefined;
  readonly isDirectory: boolean;
  readonly isSymlink: boolean;
  readonly localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

function findEocd(buf: Buffer): number {
  const min = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === EOCD) return i;
  }
  throw new ZipFormatError('not a zip file: no end-of-central-directory record');
}

function zip64Extra(extra: Buffer, want: { size: boolean; csize: boolean; offset: boolean }) {
  const out: { size?: number; csize?: number; offset?: number } = {};
  let p = 0;
  while (p + 4 <= extra.length) {
    const id = extra.readUInt16LE(p);
    const len = extra.readUInt16LE(p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      const read = () => {
        if (q + 8 > p + 4 + len) throw new ZipFormatError('truncated zip64 extra field');
        const v = Number(extra.readBigUInt64LE(q));
        q += 8;
        return v;
      };
      if (want.size) out.size = read();
      if (want.csize) out.csize = read();
      if (want.offset) out.offset = read();
      return out;
    }
    p += 4 + len;
  }
  return out;
}

/** Reads the central directory of a zip held in memory. Throws ZipFormatError on anything malformed. */
export function readZipDirectory(buf: Buffer): ZipEntry[] {
  if (buf.length < 22) throw new ZipFormatError('not a zip file: too short');
  const eocd = findEocd(buf);
  let count = buf.readUInt16LE(eocd + 10);
  let cdSize = buf.readUInt32LE(eocd + 12);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  if (
    (count === 0xffff || cdOffset === 0xffffffff) &&
    eocd >= 20 &&
    buf.readUInt32LE(eocd - 20) === EOCD64_LOCATOR
  ) {
    const at = Number(buf.readBigUInt64LE(eocd - 12));
    if (at + 56 > buf.length || buf.readUInt32LE(at) !== EOCD64)
      throw new ZipFormatError('bad zip64 end record');
    count = Number(buf.readBigUInt64LE(at + 32));
    cdSize = Number(buf.readBigUInt64LE(at + 40));
    cdOffset = Number(buf.readBigUInt64LE(at + 48));
  }
  if (cdOffset + cdSize > buf.length)
    throw new ZipFormatError('central directory lies outside the file (truncated zip?)');
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL) {
      throw new ZipFormatError(`central directory entry ${i + 1} of ${count} is damaged`);
    }
    const madeBy = buf.readUInt16LE(p + 4) >> 8;
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    let csize = buf.readUInt32LE(p + 20);
    let size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const external = buf.readUInt32LE(p + 38);
    let offset = buf.readUInt32LE(p + 42);
    const end = p + 46 + nameLen + extraLen + commentLen;
    if (end > buf.length)
      throw new ZipFormatError(`central directory entry ${i + 1} runs past the end of the file`);
    const name = buf.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen);
    if (size === 0xffffffff || csize === 0xffffffff || offset === 0xffffffff) {
      const z = zip64Extra(buf.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen), {
        size: size === 0xffffffff,
        csize: csize === 0xffffffff,
        offset: offset === 0xffffffff,
      });
      size = z.size ?? size;
      csize = z.csize ?? csize;
      offset = z.offset ?? offset;
    }
    const unixMode = madeBy === 3 ? external >>> 16 : undefined;
    const typeBits = unixMode !== undefined ? unixMode & S_IFMT : 0;
    entries.push({
      name,
      method,
      compressedSize: csize,
      size,
      crc32: crc,
      unixMode: unixMode || undefined,
      isDirectory: name.endsWith('/') || typeBits === S_IFDIR,
      isSymlink: typeBits === S_IFLNK,
      localHeaderOffset: offset,
    });
    p = end;
  }
  return entries;
}

/** Decompresses one entry and checks its CRC. */
export function readZipEntry(buf: Buffer, entry: ZipEntry): Buffer {
  const p = entry.localHeaderOffset;
  if (p + 30 > buf.length || buf.readUInt32LE(p) !== LOCAL) {
    throw new ZipFormatError(`entry ${entry.name}: local header is missing or damaged`);
  }
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  const end = start + entry.compressedSize;
  if (end > buf.length) throw new ZipFormatError(`entry ${entry.name}: data runs past the end of the file`);
  const raw = buf.subarray(start, end);
  let data: Buffer;
  if (entry.method === 0) data = Buffer.from(raw);
  else if (entry.method === 8) {
    try {
      data = inflateRawSync(raw, { maxOutputLength: Math.max(entry.size, 1) });
    } catch (e) {
      throw new ZipFormatError(`entry ${entry.name}: cannot be decompressed (${(e as Error).message})`);
    }
  } else throw new ZipFormatError(`entry ${entry.name}: unsupported compression method ${entry.method}`);
  if (data.length !== entry.size)
    throw new ZipFormatError(`entry ${entry.name}: size does not match the directory`);
  if (crc32(data) !== entry.crc32)
    throw new ZipFormatError(`entry ${entry.name}: CRC mismatch (corrupt zip)`);
  return data;
}
