import { addressToOffset, ElfError, PF_W, PF_X, PT_LOAD, type ElfInfo, ElfView } from './elf.js';

/** A Go module as build info names it. */
export interface Module {
  readonly path: string;
  readonly version: string;
  readonly sum?: string;
  readonly replace?: Module;
}

/** What `go version -m` prints, parsed. */
export interface BuildInfo {
  /** e.g. `go1.19.8`. */
  readonly goVersion: string;
  /** The main package's import path (`path` line). */
  readonly path: string;
  readonly main: Module | undefined;
  readonly deps: readonly Module[];
  /** `build` lines: -compiler, -ldflags, -tags, -trimpath, CGO_ENABLED, GOARCH, GOOS, GOAMD64, vcs.*… */
  readonly settings: Readonly<Record<string, string>>;
  /** Where the strings were: inline after the header (Go 1.18+) or behind pointers (before). */
  readonly layout: 'inline' | 'pointer';
}

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER = 32;
const ALIGN = 16;
const FLAG_BIG_ENDIAN = 0x1;
const FLAG_INLINE = 0x2;

/** The region where the Go linker puts the build info blob: `.go.buildinfo`, else the first data segment. */
function dataRegion(elf: ElfInfo): { offset: number; size: number } | undefined {
  const section = elf.sections.find((s) => s.name === '.go.buildinfo');
  if (section) return { offset: section.offset, size: section.size };
  const seg = elf.segments.find((s) => s.type === PT_LOAD && (s.flags & (PF_X | PF_W)) === PF_W);
  return seg ? { offset: seg.offset, size: seg.filesz } : undefined;
}

function uvarint(buf: Buffer, pos: number): [number, number] {
  let x = 0;
  let shift = 0;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= buf.length) throw new ElfError('truncated build info');
    const b = buf[pos + i]!;
    x += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [x, pos + i + 1];
    shift += 7;
  }
  throw new ElfError('bad varint in build info');
}

function inlineBytes(buf: Buffer, pos: number): [Buffer, number] {
  const [len, start] = uvarint(buf, pos);
  if (start + len > buf.length) throw new ElfError('build info string runs past the end of the file');
  return [buf.subarray(start, start + len), start + len];
}

/** Reads a Go string header {data pointer, length} at virtual address `addr`. */
function pointerBytes(view: ElfView, elf: ElfInfo, ptrSize: number, addr: number): Buffer {
  const at = addressToOffset(elf.segments, addr);
  if (at === undefined) throw new ElfError(`build info points outside the file (0x${addr.toString(16)})`);
  const word = (o: number) => (ptrSize === 8 ? view.u64(o) : view.u32(o));
  const dataAddr = word(at);
  const len = word(at + ptrSize);
  if (len === 0) return Buffer.alloc(0);
  if (len > 16 * 1024 * 1024) throw new ElfError('build info string too long');
  const data = addressToOffset(elf.segments, dataAddr);
  if (data === undefined || data + len > view.buf.length)
    throw new ElfError('build info string lies outside the file');
  return view.buf.subarray(data, data + len);
}

function unquote(s: string): string {
  if (!s.startsWith('"')) return s;
  try {
    return JSON.parse(s) as string;
  } catch {
    return s.slice(1, -1);
  }
}

/** Parses modinfo text (the lines `go version -m` prints after the Go version). */
export function parseModinfo(text: string): Pick<BuildInfo, 'path' | 'main' | 'deps' | 'settings'> {
  let path = '';
  let main: Module | undefined;
  const deps: Module[] = [];
  const settings: Record<string, string> = {};
  let last: 'main' | 'dep' | undefined;
  for (const line of text.split('\n')) {
    const [kind = '', ...f] = line.split('\t');
    const mod = (): Module => ({ path: f[0] ?? '', version: f[1] ?? '', ...(f[2] && { sum: f[2] }) });
    switch (kind) {
      case 'path':
        path = f[0] ?? '';
        break;
      case 'mod':
        main = mod();
        last = 'main';
        break;
      case 'dep':
        deps.push(mod());
        last = 'dep';
        break;
      case '=>':
        if (last === 'dep' && deps.length > 0) deps[deps.length - 1] = { ...deps.at(-1)!, replace: mod() };
        else if (last === 'main' && main) main = { ...main, replace: mod() };
        break;
      case 'build': {
        const raw = f.join('\t');
        // key=value; a key or value with special characters is quoted by strconv.Quote.
        const m = /^("(?:[^"\\]|\\.)*"|[^=]*)=(.*)$/.exec(raw);
        if (m) settings[unquote(m[1]!)] = unquote(m[2]!);
        break;
      }
      default:
        break;
    }
  }
  return { path, main, deps, settings };
}

/** Reads a Go binary's build info, or undefined when the ELF file is not a Go executable (or predates it). */
export function readBuildInfo(buf: Buffer, elf: ElfInfo): BuildInfo | undefined {
  const region = dataRegion(elf);
  if (!region) return undefined;
  const end = Math.min(buf.length, region.offset + Math.min(region.size, 64 * 1024));
  if (region.offset >= end) return undefined;
  let at = -1;
  for (let from = region.offset; from < end;) {
    const i = buf.indexOf(MAGIC, from);
    if (i < 0 || i + HEADER > end) return undefined;
    if ((i - region.offset) % ALIGN === 0) {
      at = i;
      break;
    }
    from = i + 1;
  }
  if (at < 0) return undefined;
  const ptrSize = buf[at + 14]!;
  const flags = buf[at + 15]!;
  let version: Buffer;
  let mod: Buffer;
  let layout: BuildInfo['layout'];
  if (flags & FLAG_INLINE) {
    layout = 'inline';
    let pos: number;
    [version, pos] = inlineBytes(buf, at + HEADER);
    [mod] = inlineBytes(buf, pos);
  } else {
    layout = 'pointer';
    if (ptrSize !== 4 && ptrSize !== 8) throw new ElfError(`bad pointer size ${ptrSize} in build info`);
    const view = new ElfView(buf, ptrSize === 8, (flags & FLAG_BIG_ENDIAN) === 0);
    const word = (o: number) => (ptrSize === 8 ? view.u64(o) : view.u32(o));
    version = pointerBytes(view, elf, ptrSize, word(at + 16));
    mod = pointerBytes(view, elf, ptrSize, word(at + 16 + ptrSize));
  }
  const goVersion = version.toString('utf8');
  if (!goVersion) return undefined;
  // modinfo is framed by two 16-byte sentinels.
  const modinfo =
    mod.length >= 33 && mod[mod.length - 17] === 0x0a
      ? mod.subarray(16, mod.length - 16).toString('utf8')
      : '';
  return { goVersion, layout, ...parseModinfo(modinfo) };
}
