import { deflateRawSync } from 'node:zlib';
import { crc32 } from './crc32.js';

/** One file to put in a zip. `symlinkTarget` makes it a symbolic link entry instead of a file. */
export interface ZipInput {
  readonly name: string;
  readonly data?: Uint8Array;
  readonly mode?: number;
  readonly symlinkTarget?: string;
}

// 1980-01-01 00:00:00 in DOS format: fixed so that the same input gives the same bytes.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/**
 * Writes a zip in memory. Output is reproducible: fixed timestamps, entries in the order given,
 * Unix modes in the external attributes (creator "Unix"), DEFLATE level 6 unless stored is smaller.
 */
export function writeZip(inputs: readonly ZipInput[], level = 6): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const input of inputs) {
    const isLink = input.symlinkTarget !== undefined;
    const content = Buffer.from(
      isLink ? Buffer.from(input.symlinkTarget, 'utf8') : (input.data ?? new Uint8Array()),
    );
    const mode = isLink ? 0o120777 : 0o100000 | ((input.mode ?? 0o644) & 0o7777);
    const crc = crc32(content);
    let method = 0;
    let body = content;
    if (!isLink && content.length > 0) {
      const deflated = deflateRawSync(content, { level });
      if (deflated.length < content.length) {
        method = 8;
        body = deflated;
      }
    }
    const name = Buffer.from(input.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(content.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(content.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((mode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(inputs.length, 8);
  end.writeUInt16LE(inputs.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
