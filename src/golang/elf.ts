import type { Architecture } from '../lambda/lifecycle.js';

/** A file that is not an ELF executable, or whose structures are damaged. */
export class ElfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElfError';
  }
}

/** A program header. */
export interface Segment {
  readonly type: number;
  readonly flags: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly filesz: number;
  readonly memsz: number;
}

/** A section header with its name. */
export interface Section {
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly addr: number;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
}

/** What an ELF file says of itself. */
export interface ElfInfo {
  readonly class: 32 | 64;
  readonly endian: 'little' | 'big';
  readonly machine: number;
  readonly arch: Architecture | 'other';
  readonly type: number;
  readonly linkage: 'static' | 'dynamic';
  readonly interpreter: string | undefined;
  readonly needed: string[];
  /** Highest GLIBC_x.y version required (from .gnu.version_r), or undefined. */
  readonly glibc: string | undefined;
  readonly segments: readonly Segment[];
  readonly sections: readonly Section[];
}

export const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
export const PF_X = 1;
export const PF_W = 2;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const MAX_HEADERS = 65_535;

/** Bounds-checked reads in the file's byte order and class. */
export class ElfView {
  constructor(
    readonly buf: Buffer,
    readonly is64: boolean,
    readonly little: boolean,
  ) {}

  private check(off: number, len: number): void {
    if (!Number.isSafeInteger(off) || off < 0 || off + len > this.buf.length) {
      throw new ElfError(
        `truncated or damaged ELF: read of ${len} bytes at ${off} past the end (${this.buf.length})`,
      );
    }
  }

  u8(off: number): number {
    this.check(off, 1);
    return this.buf[off]!;
  }

  u16(off: number): number {
    this.check(off, 2);
    return this.little ? this.buf.readUInt16LE(off) : this.buf.readUInt16BE(off);
  }

  u32(off: number): number {
    this.check(off, 4);
    return this.little ? this.buf.readUInt32LE(off) : this.buf.readUInt32BE(off);
  }

  u64(off: number): number {
    this.check(off, 8);
    const v = this.little ? this.buf.readBigUInt64LE(off) : this.buf.readBigUInt64BE(off);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfError(`value at ${off} is too large`);
    return Number(v);
  }

  /** A pointer-sized word. */
  word(off: number): number {
    return this.is64 ? this.u64(off) : this.u32(off);
  }

  cstring(off: number, max = 4096): string {
    this.check(off, 0);
    const end = this.buf.indexOf(0, off);
    if (end < 0 || end - off > max) throw new ElfError(`unterminated string at ${off}`);
    return this.buf.toString('latin1', off, end);
  }
}

/** Reads the ELF header, program and section headers, dynamic linking facts and required glibc. */
export function readElf(buf: Buffer): ElfInfo {
  if (buf.length < 52 || buf.readUInt32BE(0) !== 0x7f454c46) throw new ElfError('not an ELF file');
  const cls = buf[4];
  const data = buf[5];
  if (cls !== 1 && cls !== 2) throw new ElfError(`bad ELF class ${cls}`);
  if (data !== 1 && data !== 2) throw new ElfError(`bad ELF byte order ${data}`);
  const is64 = cls === 2;
  const v = new ElfView(buf, is64, data === 1);
  const type = v.u16(16);
  const machine = v.u16(18);
  const phoff = is64 ? v.u64(32) : v.u32(28);
  const shoff = is64 ? v.u64(40) : v.u32(32);
  const phentsize = v.u16(is64 ? 54 : 42);
  const phnum = v.u16(is64 ? 56 : 44);
  const shentsize = v.u16(is64 ? 58 : 46);
  const shnum = v.u16(is64 ? 60 : 48);
  const shstrndx = v.u16(is64 ? 62 : 50);
  if (phnum > 0 && phentsize < (is64 ? 56 : 32)) throw new ElfError('bad program header size');
  if (shnum > 0 && shentsize < (is64 ? 64 : 40)) throw new ElfError('bad section header size');
  if (phnum > MAX_HEADERS || shnum > MAX_HEADERS) throw new ElfError('too many headers');

  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    segments.push(
      is64
        ? {
            type: v.u32(o),
            flags: v.u32(o + 4),
            offset: v.u64(o + 8),
            vaddr: v.u64(o + 16),
            filesz: v.u64(o + 32),
            memsz: v.u64(o + 40),
          }
        : {
            type: v.u32(o),
            offset: v.u32(o + 4),
            vaddr: v.u32(o + 8),
            filesz: v.u32(o + 16),
            memsz: v.u32(o + 20),
            flags: v.u32(o + 24),
          },
    );
  }
  const raw: Omit<Section, 'name'>[] = [];
  const nameOffsets: number[] = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    nameOffsets.push(v.u32(o));
    raw.push(
      is64
        ? {
            type: v.u32(o + 4),
            flags: v.u64(o + 8),
            addr: v.u64(o + 16),
            offset: v.u64(o + 24),
            size: v.u64(o + 32),
            link: v.u32(o + 40),
          }
        : {
            type: v.u32(o + 4),
            flags: v.u32(o + 8),
            addr: v.u32(o + 12),
            offset: v.u32(o + 16),
            size: v.u32(o + 20),
            link: v.u32(o + 24),
          },
    );
  }
  const strtab = shstrndx < raw.length ? raw[shstrndx] : undefined;
  const sections: Section[] = raw.map((s, i) => {
    let name = '';
    if (strtab && strtab.type !== 8 && nameOffsets[i]! < strtab.size) {
      try {
        name = v.cstring(strtab.offset + nameOffsets[i]!, 256);
      } catch {
        name = '';
      }
    }
    return { ...s, name };
  });

  const interpSeg = segments.find((s) => s.type === PT_INTERP);
  const interpreter = interpSeg ? v.cstring(interpSeg.offset, 4096) : undefined;
  const needed = readNeeded(v, segments, sections);
  const glibc = readGlibc(v, sections);
  return {
    class: is64 ? 64 : 32,
    endian: data === 1 ? 'little' : 'big',
    machine,
    arch: machine === 62 ? 'x86_64' : machine === 183 ? 'arm64' : 'other',
    type,
    linkage: interpreter !== undefined || segments.some((s) => s.type === PT_DYNAMIC) ? 'dynamic' : 'static',
    interpreter,
    needed,
    glibc,
    segments,
    sections,
  };
}

/** Translates a virtual address to a file offset through the PT_LOAD segments. */
export function addressToOffset(segments: readonly Segment[], addr: number): number | undefined {
  for (const s of segments) {
    if (s.type === PT_LOAD && addr >= s.vaddr && addr < s.vaddr + s.filesz)
      return s.offset + (addr - s.vaddr);
  }
  return undefined;
}

function readNeeded(v: ElfView, segments: readonly Segment[], sections: readonly Section[]): string[] {
  const dyn = sections.find((s) => s.name === '.dynamic') ?? segments.find((s) => s.type === PT_DYNAMIC);
  if (!dyn) return [];
  const offset = dyn.offset;
  const size = 'size' in dyn ? dyn.size : dyn.filesz;
  const entry = v.is64 ? 16 : 8;
  const tags: [number, number][] = [];
  for (let p = offset; p + entry <= offset + size && tags.length < 10_000; p += entry) {
    const tag = v.word(p);
    const val = v.word(p + entry / 2);
    if (tag === 0) break;
    tags.push([tag, val]);
  }
  const strAddr = tags.find(([t]) => t === DT_STRTAB)?.[1];
  const dynstr = sections.find((s) => s.name === '.dynstr');
  const strOff = dynstr?.offset ?? (strAddr !== undefined ? addressToOffset(segments, strAddr) : undefined);
  if (strOff === undefined) return [];
  return tags.filter(([t]) => t === DT_NEEDED).map(([, val]) => v.cstring(strOff + val, 1024));
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Highest GLIBC_x.y named in .gnu.version_r (the versions a dynamic binary needs from libc). */
function readGlibc(v: ElfView, sections: readonly Section[]): string | undefined {
  const verneed = sections.find((s) => s.name === '.gnu.version_r');
  if (!verneed) return undefined;
  const strtab = sections[verneed.link];
  if (!strtab) return undefined;
  let best: string | undefined;
  let p = verneed.offset;
  for (let n = 0; n < 1000; n++) {
    const cnt = v.u16(p + 2);
    const aux = v.u32(p + 8);
    const next = v.u32(p + 12);
    let a = p + aux;
    for (let i = 0; i < cnt && i < 1000; i++) {
      const name = v.cstring(strtab.offset + v.u32(a + 8), 256);
      const m = /^GLIBC_(\d+(?:\.\d+)+)$/.exec(name);
      if (m && (!best || compareVersions(m[1]!, best) > 0)) best = m[1]!;
      const anext = v.u32(a + 12);
      if (anext === 0) break;
      a += anext;
    }
    if (next === 0) break;
    p += next;
  }
  return best;
}

export { compareVersions };
