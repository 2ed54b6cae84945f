/**
 * Builds small synthetic ELF files for tests: a header, program headers, and one writable PT_LOAD segment
 * whose bytes the caller lays out (addresses are virtual, starting at `vaddr`).
 */
export function syntheticElf(options: {
  is64: boolean;
  little: boolean;
  machine: number;
  segment: Buffer;
  vaddr: number;
}): Buffer {
  const { is64, little, machine, segment, vaddr } = options;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const segOffset = 0x1000;
  const buf = Buffer.alloc(segOffset + segment.length);
  const u16 = (v: number, o: number) => (little ? buf.writeUInt16LE(v, o) : buf.writeUInt16BE(v, o));
  const u32 = (v: number, o: number) => (little ? buf.writeUInt32LE(v, o) : buf.writeUInt32BE(v, o));
  const u64 = (v: number, o: number) =>
    little ? buf.writeBigUInt64LE(BigInt(v), o) : buf.writeBigUInt64BE(BigInt(v), o);
  buf.write('\x7fELF', 0, 'latin1');
  buf[4] = is64 ? 2 : 1;
  buf[5] = little ? 1 : 2;
  buf[6] = 1;
  u16(2, 16); // ET_EXEC
  u16(machine, 18);
  u32(1, 20);
  if (is64) {
    u64(ehsize, 32); // phoff
    u64(0, 40); // shoff
    u16(ehsize, 52);
    u16(phentsize, 54);
    u16(1, 56);
    u16(64, 58);
    u16(0, 60);
    u16(0, 62);
    const p = ehsize;
    u32(1, p); // PT_LOAD
    u32(6, p + 4); // PF_R|PF_W
    u64(segOffset, p + 8);
    u64(vaddr, p + 16);
    u64(vaddr, p + 24);
    u64(segment.length, p + 32);
    u64(segment.length, p + 40);
    u64(0x1000, p + 48);
  } else {
    u32(ehsize, 28);
    u32(0, 32);
    u16(ehsize, 40);
    u16(phentsize, 42);
    u16(1, 44);
    u16(40, 46);
    u16(0, 48);
    u16(0, 50);
    const p = ehsize;
    u32(1, p);
    u32(segOffset, p + 4);
    u32(vaddr, p + 8);
    u32(vaddr, p + 12);
    u32(segment.length, p + 16);
    u32(segment.length, p + 20);
    u32(6, p + 24);
    u32(0x1000, p + 28);
  }
  segment.copy(buf, segOffset);
  return buf;
}

/** A pre-Go-1.18 build info blob: header, then pointers to Go string headers, then the strings. */
export function pointerBuildInfo(options: {
  ptrSize: 4 | 8;
  little: boolean;
  vaddr: number;
  version: string;
  modinfo: string;
}): Buffer {
  const { ptrSize, little, vaddr, version, modinfo } = options;
  const seg = Buffer.alloc(512);
  const word = (v: number, o: number) =>
    ptrSize === 8
      ? little
        ? seg.writeBigUInt64LE(BigInt(v), o)
        : seg.writeBigUInt64BE(BigInt(v), o)
      : little
        ? seg.writeUInt32LE(v, o)
        : seg.writeUInt32BE(v, o);
  seg.write('\xff Go buildinf:', 0, 'latin1');
  seg[14] = ptrSize;
  seg[15] = little ? 0 : 1;
  const vhdr = 64;
  const mhdr = 96;
  const vdata = 128;
  const mdata = 160;
  word(vaddr + vhdr, 16);
  word(vaddr + mhdr, 16 + ptrSize);
  const sentinelA = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
  const sentinelB = Buffer.from('f932433186182072008242104116d8f2', 'hex');
  const mod = Buffer.concat([sentinelA, Buffer.from(modinfo), sentinelB]);
  word(vaddr + vdata, vhdr);
  word(version.length, vhdr + ptrSize);
  word(vaddr + mdata, mhdr);
  word(mod.length, mhdr + ptrSize);
  seg.write(version, vdata, 'latin1');
  mod.copy(seg, mdata);
  return seg;
}
