import * as zlib from 'node:zlib';

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

function crc32Js(data: Uint8Array): number {
  const t = crcTable();
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

type Crc32 = (data: Uint8Array) => number;
// zlib.crc32 arrived in Node 20.15; older 20.x fall back to the table version.
const native = (zlib as unknown as { crc32?: Crc32 }).crc32;

/** CRC-32 (IEEE) of `data`, as zip stores it. */
export function crc32(data: Uint8Array): number {
  return native ? native(data) >>> 0 : crc32Js(data);
}
