import { deflateRawSync } from 'node:zlib';
import { crc32 } from './crc32.js';

/** One file to put in a zip. `symlinkTarget` makes it a symbolic link entry instead of a file. */
export interface ZipInput {
  readonly name: string;
  readonly data?: Uint8Array;
  readonly mode?: number;
  readonly symlinkTarget?: string;
}

/** An entry ready to be laid out: content already checksummed and (maybe) compressed. */
export interface PreparedEntry {
  readonly name: string;
  readonly crc: number;
  readonly size: number;
  readonly body: Uint8Array;
  readonly method: 0 | 8;
  /** Full st_mode: file type and permission bits. */
  readonly mode: number;
}

// 1980-01-01 00:00:00 in DOS format: fixed so that the same input gives the same bytes.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/** The content bytes and st_mode of an input (a symlink stores its target as content). */
export function entryContent(input: ZipInput): { content: Buffer; mode: number; isLink: boolean } {
  const isLink = input.symlinkTarget !== undefined;
  return {
    content: isLink ? Buffer.from(input.symlinkTarget, 'utf8') : Buffer.from(input.data ?? new Uint8Array()),
    mode: isLink ? 0o120777 : 0o100000 | ((input.mode ?? 0o644) & 0o7777),
    isLink,
  };
}

/** Lays prepared entries out as a zip: local headers and data, central directory, end record. */
export function assembleZip(entries: readonly PreparedEntry[]): Buffer {
  const parts: Uint8Array[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(e.crc, 14);
    local.writeUInt32LE(e.body.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE((3 << 8) | 20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x800, 8);
    c.writeUInt16LE(e.method, 10);
    c.writeUInt16LE(DOS_TIME, 12);
    c.writeUInt16LE(DOS_DATE, 14);
    c.writeUInt32LE(e.crc, 16);
    c.writeUInt32LE(e.body.length, 20);
    c.writeUInt32LE(e.size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE((e.mode << 16) >>> 0, 38);
    c.writeUInt32LE(offset, 42);
    parts.push(local, name, e.body);
    central.push(c, name);
    offset += local.length + name.length + e.body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

/**
 * Writes a zip in memory, synchronously (small zips: tests, demo packages). Output is reproducible: fixed
 * timestamps, entries in the order given, Unix modes in the external attributes, DEFLATE unless stored is smaller.
 */
export function writeZip(inputs: readonly ZipInput[], level = 6): Buffer {
  return assembleZip(
    inputs.map((input) => {
      const { content, mode, isLink } = entryContent(input);
      let body: Uint8Array = content;
      let method: 0 | 8 = 0;
      if (!isLink && content.length > 0) {
        const deflated = deflateRawSync(content, { level });
        if (deflated.length < content.length) {
          method = 8;
          body = deflated;
        }
      }
      return { name: input.name, crc: crc32(content), size: content.length, body, method, mode };
    }),
  );
}
