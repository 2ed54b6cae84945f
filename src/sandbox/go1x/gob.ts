/**
 * Go's encoding/gob, as much of it as net/rpc between the go1.x runtime and a function needs:
 * structs, slices, maps, arrays, strings, byte slices, integers, floats and booleans, with type
 * definitions sent once per stream. Wire format: https://pkg.go.dev/encoding/gob.
 */

/** A gob type as this side knows it. Pointers are transparent in gob, so there is no pointer type. */
export type GobType =
  | { readonly kind: 'bool' | 'int' | 'uint' | 'float' | 'bytes' | 'string' }
  | {
      readonly kind: 'struct';
      readonly name: string;
      readonly fields: readonly { name: string; type: GobType }[];
    }
  | { readonly kind: 'slice'; readonly name: string; readonly elem: GobType };

export const gob = {
  bool: { kind: 'bool' },
  int: { kind: 'int' },
  uint: { kind: 'uint' },
  float: { kind: 'float' },
  bytes: { kind: 'bytes' },
  string: { kind: 'string' },
  struct: (name: string, fields: Record<string, GobType>): GobType => ({
    kind: 'struct',
    name,
    fields: Object.entries(fields).map(([n, type]) => ({ name: n, type })),
  }),
  slice: (name: string, elem: GobType): GobType => ({ kind: 'slice', name, elem }),
} as const satisfies Record<string, GobType | ((...a: never[]) => GobType)>;

const BUILTIN_IDS: Record<string, number> = { bool: 1, int: 2, uint: 3, float: 4, bytes: 5, string: 6 };
const FIRST_USER_ID = 65;

/** A malformed gob stream. */
export class GobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GobError';
  }
}

class Writer {
  private chunks: number[] = [];

  uint(v: number | bigint): void {
    let n = BigInt(v);
    if (n < 0n) throw new GobError('negative uint');
    if (n < 128n) {
      this.chunks.push(Number(n));
      return;
    }
    const bytes: number[] = [];
    while (n > 0n) {
      bytes.unshift(Number(n & 0xffn));
      n >>= 8n;
    }
    this.chunks.push(256 - bytes.length, ...bytes);
  }

  int(v: number | bigint): void {
    const n = BigInt(v);
    this.uint(n < 0n ? (~n << 1n) | 1n : n << 1n);
  }

  bytes(b: Uint8Array): void {
    this.uint(b.length);
    for (const x of b) this.chunks.push(x);
  }

  float(f: number): void {
    const buf = Buffer.alloc(8);
    buf.writeDoubleBE(f);
    this.uint(buf.reverse().readBigUInt64BE());
  }

  raw(b: readonly number[]): void {
    this.chunks.push(...b);
  }

  take(): number[] {
    const out = this.chunks;
    this.chunks = [];
    return out;
  }
}

function isZero(type: GobType, v: unknown): boolean {
  switch (type.kind) {
    case 'bool':
      return !v;
    case 'int':
    case 'uint':
    case 'float':
      return v === undefined || v === null || v === 0 || v === 0n;
    case 'bytes':
      return v === undefined || v === null || (v as Uint8Array).length === 0;
    case 'string':
      return v === undefined || v === null || v === '';
    case 'slice':
      return v === undefined || v === null || (v as unknown[]).length === 0;
    case 'struct':
      return (
        v === undefined ||
        v === null ||
        type.fields.every((f) => isZero(f.type, (v as Record<string, unknown>)[f.name]))
      );
  }
}

/** Encodes values of known types into a gob stream, sending each type's definition before first use. */
export class GobEncoder {
  private readonly ids = new Map<GobType, number>();
  private nextId = FIRST_USER_ID;

  /** The bytes to write for one top-level struct value (type definitions first, where new). */
  encode(type: GobType, value: unknown): Buffer {
    if (type.kind !== 'struct') throw new GobError('top-level values must be structs');
    const messages: number[][] = [];
    this.define(type, messages);
    const w = new Writer();
    w.int(this.ids.get(type)!);
    this.value(w, type, value);
    messages.push(w.take());
    const out = new Writer();
    for (const m of messages) {
      out.uint(m.length);
      out.raw(m);
    }
    return Buffer.from(out.take());
  }

  private idOf(type: GobType): number {
    return BUILTIN_IDS[type.kind] ?? this.ids.get(type)!;
  }

  private define(type: GobType, messages: number[][]): void {
    if (type.kind !== 'struct' && type.kind !== 'slice') return;
    if (this.ids.has(type)) return;
    const id = this.nextId++;
    this.ids.set(type, id);
    if (type.kind === 'slice') this.define(type.elem, messages);
    else for (const f of type.fields) this.define(f.type, messages);
    const w = new Writer();
    w.int(-id);
    const common = (name: string) => {
      w.uint(1); // CommonType.Name
      w.bytes(Buffer.from(name));
      w.uint(1); // CommonType.Id
      w.int(id);
      w.uint(0);
    };
    if (type.kind === 'slice') {
      w.uint(2); // wireType.SliceT
      w.uint(1); // sliceType.CommonType
      common(type.name);
      w.uint(1); // sliceType.Elem
      w.int(this.idOf(type.elem));
      w.uint(0);
    } else {
      w.uint(3); // wireType.StructT
      w.uint(1); // structType.CommonType
      common(type.name);
      if (type.fields.length > 0) {
        w.uint(1); // structType.Field
        w.uint(type.fields.length);
        for (const f of type.fields) {
          w.uint(1);
          w.bytes(Buffer.from(f.name));
          w.uint(1);
          w.int(this.idOf(f.type));
          w.uint(0);
        }
      }
      w.uint(0);
    }
    w.uint(0);
    messages.push(w.take());
  }

  private value(w: Writer, type: GobType, v: unknown): void {
    switch (type.kind) {
      case 'bool':
        w.uint(v ? 1 : 0);
        return;
      case 'int':
        w.int(v as number | bigint);
        return;
      case 'uint':
        w.uint(v as number | bigint);
        return;
      case 'float':
        w.float(v as number);
        return;
      case 'bytes':
        w.bytes(v as Uint8Array);
        return;
      case 'string':
        w.bytes(Buffer.from(v as string, 'utf8'));
        return;
      case 'slice': {
        const items = v as unknown[];
        w.uint(items.length);
        for (const item of items) this.value(w, type.elem, item);
        return;
      }
      case 'struct': {
        let last = -1;
        const obj = (v ?? {}) as Record<string, unknown>;
        type.fields.forEach((f, i) => {
          if (isZero(f.type, obj[f.name])) return;
          w.uint(i - last);
          last = i;
          this.value(w, f.type, obj[f.name]);
        });
        w.uint(0);
      }
    }
  }
}

interface WireDef {
  kind: 'struct' | 'slice' | 'array' | 'map';
  name: string;
  fields?: { name: string; id: number }[];
  elem?: number;
  key?: number;
  len?: number;
}

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  uint(): bigint {
    if (this.pos >= this.buf.length) throw new GobError('unexpected end of message');
    const b = this.buf[this.pos++]!;
    if (b < 128) return BigInt(b);
    const n = 256 - b;
    if (n > 8 || this.pos + n > this.buf.length) throw new GobError('bad unsigned integer');
    let v = 0n;
    for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(this.buf[this.pos++]!);
    return v;
  }

  num(): number {
    const v = this.uint();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new GobError('count too large');
    return Number(v);
  }

  int(): bigint {
    const u = this.uint();
    return u & 1n ? ~(u >> 1n) : u >> 1n;
  }

  bytes(): Buffer {
    const n = this.num();
    if (this.pos + n > this.buf.length) throw new GobError('byte slice runs past the message');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return Buffer.from(out);
  }

  float(): number {
    const bits = this.uint();
    const buf = Buffer.alloc(8);
    buf.writeBigUInt64BE(bits);
    return buf.reverse().readDoubleBE();
  }
}

const toNumber = (v: bigint): number | bigint =>
  v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;

/**
 * Decodes a gob stream fed in chunks. Values come out as plain objects keyed by Go field names
 * (absent fields are zero values and simply missing); byte slices as Buffers; integers as numbers.
 */
export class GobDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private readonly defs = new Map<number, WireDef>();

  /** Adds bytes; returns every complete top-level value they finish. */
  push(chunk: Buffer): unknown[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const values: unknown[] = [];
    for (;;) {
      const head = new Reader(this.pending);
      let len: number;
      try {
        len = head.num();
      } catch {
        return values; // the length itself is not complete yet
      }
      if (len > 64 * 1024 * 1024) throw new GobError('message too large');
      if (head.pos + len > this.pending.length) return values;
      const msg = this.pending.subarray(head.pos, head.pos + len);
      this.pending = this.pending.subarray(head.pos + len);
      const r = new Reader(Buffer.from(msg));
      const id = Number(r.int());
      if (id < 0) this.defs.set(-id, this.readWireType(r));
      else {
        const def = this.defs.get(id);
        // A non-struct top-level value is preceded by a zero "field number".
        if (!def || def.kind !== 'struct') r.uint();
        values.push(this.value(r, id));
      }
    }
  }

  private readWireType(r: Reader): WireDef {
    let field = -1;
    let def: WireDef | undefined;
    for (let delta = r.num(); delta !== 0; delta = r.num()) {
      field += delta;
      const kinds = ['array', 'slice', 'struct', 'map'] as const;
      if (field > 3)
        throw new GobError('GobEncoder, BinaryMarshaler and TextMarshaler types are not supported');
      def = this.readTypeBody(r, kinds[field]!);
    }
    if (!def) throw new GobError('empty type definition');
    return def;
  }

  private readCommon(r: Reader, def: WireDef): void {
    let f = -1;
    for (let d = r.num(); d !== 0; d = r.num()) {
      f += d;
      if (f === 0) def.name = r.bytes().toString('utf8');
      else if (f === 1) r.int();
      else throw new GobError('bad CommonType');
    }
  }

  private readTypeBody(r: Reader, kind: WireDef['kind']): WireDef {
    const def: WireDef = { kind, name: '' };
    let f = -1;
    for (let d = r.num(); d !== 0; d = r.num()) {
      f += d;
      if (f === 0) this.readCommon(r, def);
      else if (kind === 'struct' && f === 1) {
        const n = r.num();
        def.fields = [];
        for (let i = 0; i < n; i++) {
          const field = { name: '', id: 0 };
          let g = -1;
          for (let e = r.num(); e !== 0; e = r.num()) {
            g += e;
            if (g === 0) field.name = r.bytes().toString('utf8');
            else if (g === 1) field.id = Number(r.int());
            else throw new GobError('bad fieldType');
          }
          def.fields.push(field);
        }
      } else if ((kind === 'slice' || kind === 'array') && f === 1) def.elem = Number(r.int());
      else if (kind === 'array' && f === 2) def.len = Number(r.int());
      else if (kind === 'map' && f === 1) def.key = Number(r.int());
      else if (kind === 'map' && f === 2) def.elem = Number(r.int());
      else throw new GobError(`bad ${kind} type definition`);
    }
    def.fields ??= kind === 'struct' ? [] : undefined;
    return def;
  }

  private value(r: Reader, id: number): unknown {
    switch (id) {
      case 1:
        return r.uint() !== 0n;
      case 2:
        return toNumber(r.int());
      case 3:
        return toNumber(r.uint());
      case 4:
        return r.float();
      case 5:
        return r.bytes();
      case 6:
        return r.bytes().toString('utf8');
      case 8:
        throw new GobError('interface values are not supported');
    }
    const def = this.defs.get(id);
    if (!def) throw new GobError(`value of undefined type ${id}`);
    switch (def.kind) {
      case 'struct': {
        const out: Record<string, unknown> = {};
        let f = -1;
        for (let d = r.num(); d !== 0; d = r.num()) {
          f += d;
          const field = def.fields![f];
          if (!field) throw new GobError(`field ${f} out of range in ${def.name}`);
          out[field.name] = this.value(r, field.id);
        }
        return out;
      }
      case 'slice':
      case 'array': {
        const n = r.num();
        if (n > 1_000_000) throw new GobError('slice too long');
        return Array.from({ length: n }, () => this.value(r, def.elem!));
      }
      case 'map': {
        const n = r.num();
        const out = new Map<unknown, unknown>();
        for (let i = 0; i < n; i++) out.set(this.value(r, def.key!), this.value(r, def.elem!));
        return out;
      }
    }
  }
}
