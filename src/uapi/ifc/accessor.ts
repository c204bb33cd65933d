/**
 * Compiled field accessors. `layout(name).field('a.b[2].c')` resolves the path once into an object
 * holding the absolute byte offset, shift and mask, so a hot-path get is one readUInt32BE, a shift
 * and a mask. Numbers up to 32 bits are numbers, 64-bit fields bigints, byte fields Buffers,
 * string fields NUL-trimmed latin1 text. `base` is the byte offset of the struct inside `buf`.
 */
import { layoutSpec } from './registry';
import type { DecodedStruct, FieldKind, FieldSpec, FieldValue, LayoutSpec } from './types';

export interface Field<T extends FieldValue = FieldValue> {
  readonly path: string;
  /** Absolute bit offset from the start of the root struct. */
  readonly bit: number;
  readonly width: number;
  readonly kind: FieldKind;
  get(buf: Buffer, base?: number): T;
  set(buf: Buffer, value: T, base?: number): void;
}

class UintField implements Field<number> {
  readonly kind = 'uint';
  private readonly byte: number;
  private readonly shift: number;
  private readonly mask: number;
  constructor(readonly path: string, readonly bit: number, readonly width: number) {
    this.byte = (bit >>> 5) * 4;
    this.shift = 32 - width - (bit & 31);
    this.mask = width === 32 ? 0xffffffff : (1 << width) - 1;
  }
  get(buf: Buffer, base = 0): number {
    return ((buf.readUInt32BE(base + this.byte) >>> this.shift) & this.mask) >>> 0;
  }
  set(buf: Buffer, value: number, base = 0): void {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > this.mask) {
      throw new RangeError(`${this.path}: ${String(value)} does not fit ${this.width} bits`);
    }
    const at = base + this.byte;
    const old = buf.readUInt32BE(at);
    const m = (this.mask << this.shift) >>> 0;
    buf.writeUInt32BE(((old & ~m) | ((value << this.shift) & m)) >>> 0, at);
  }
}

class U64Field implements Field<bigint> {
  readonly kind = 'u64';
  readonly width = 64;
  private readonly byte: number;
  constructor(readonly path: string, readonly bit: number) {
    this.byte = bit / 8;
  }
  get(buf: Buffer, base = 0): bigint {
    return buf.readBigUInt64BE(base + this.byte);
  }
  set(buf: Buffer, value: bigint, base = 0): void {
    if (typeof value !== 'bigint' || value < 0n || value > 0xffffffffffffffffn) {
      throw new RangeError(`${this.path}: ${String(value)} does not fit 64 bits`);
    }
    buf.writeBigUInt64BE(value, base + this.byte);
  }
}

class BytesField implements Field<Buffer> {
  readonly kind = 'bytes';
  protected readonly byte: number;
  protected readonly len: number;
  constructor(readonly path: string, readonly bit: number, readonly width: number) {
    this.byte = bit / 8;
    this.len = width / 8;
  }
  get(buf: Buffer, base = 0): Buffer {
    return Buffer.from(buf.subarray(base + this.byte, base + this.byte + this.len));
  }
  set(buf: Buffer, value: Buffer, base = 0): void {
    if (!Buffer.isBuffer(value) || value.length > this.len) {
      throw new RangeError(`${this.path}: expected at most ${this.len} bytes`);
    }
    const at = base + this.byte;
    buf.fill(0, at, at + this.len);
    value.copy(buf, at);
  }
}

class StringField implements Field<string> {
  readonly kind = 'string';
  private readonly bytes: BytesField;
  constructor(readonly path: string, readonly bit: number, readonly width: number) {
    this.bytes = new BytesField(path, bit, width);
  }
  get(buf: Buffer, base = 0): string {
    const raw = this.bytes.get(buf, base);
    const nul = raw.indexOf(0);
    return raw.toString('latin1', 0, nul < 0 ? raw.length : nul);
  }
  set(buf: Buffer, value: string, base = 0): void {
    if (typeof value !== 'string') throw new RangeError(`${this.path}: expected a string`);
    this.bytes.set(buf, Buffer.from(value, 'latin1'), base);
  }
}

class StructField implements Field<DecodedStruct> {
  readonly kind = 'struct';
  constructor(readonly path: string, readonly bit: number, readonly width: number, private readonly of: string) {}
  get(buf: Buffer, base = 0): DecodedStruct {
    return layout(this.of).decode(buf, base + this.bit / 8, false);
  }
  set(buf: Buffer, value: DecodedStruct, base = 0): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || Buffer.isBuffer(value)) {
      throw new RangeError(`${this.path}: expected an object of ${this.of} fields`);
    }
    layout(this.of).encodeInto(buf, value, base + this.bit / 8);
  }
}

class ArrayField implements Field<FieldValue[]> {
  readonly kind = 'array';
  constructor(readonly path: string, readonly bit: number, private readonly spec: FieldSpec) {}
  get width(): number {
    return this.spec.width;
  }
  /** Fixed arrays have `count` elements; a flexible array has as many as fit in `buf`. */
  length(buf: Buffer, base = 0): number {
    const stride = this.spec.stride ?? 1;
    if ((this.spec.count ?? 0) > 0) return this.spec.count ?? 0;
    return Math.max(0, Math.floor(((buf.length - base) * 8 - this.bit) / stride));
  }
  element(i: number): Field {
    return elementField(`${this.path}[${i}]`, this.bit, this.spec, i);
  }
  get(buf: Buffer, base = 0): FieldValue[] {
    const n = this.length(buf, base);
    const out: FieldValue[] = [];
    for (let i = 0; i < n; i++) out.push(this.element(i).get(buf, base));
    return out;
  }
  set(buf: Buffer, value: FieldValue[], base = 0): void {
    if (!Array.isArray(value)) throw new RangeError(`${this.path}: expected an array`);
    const count = this.spec.count ?? 0;
    if (count > 0 && value.length > count) throw new RangeError(`${this.path}: at most ${count} elements`);
    value.forEach((v, i) => this.element(i).set(buf, v, base));
  }
}

function elementField(path: string, arrayBit: number, spec: FieldSpec, i: number): Field {
  const count = spec.count ?? 0;
  if (count > 0 && (i < 0 || i >= count)) throw new RangeError(`${path}: index out of range 0..${count - 1}`);
  if (i < 0 || !Number.isInteger(i)) throw new RangeError(`${path}: bad index`);
  const stride = spec.stride ?? 0;
  const bit = arrayBit + i * stride;
  if (spec.of === 'uint') return new UintField(path, bit, stride);
  if (spec.of === 'u64') return new U64Field(path, bit);
  return new StructField(path, bit, stride, spec.of ?? '');
}

function leafField(path: string, bit: number, f: FieldSpec): Field {
  switch (f.kind) {
    case 'uint':
      return new UintField(path, bit, f.width);
    case 'u64':
      return new U64Field(path, bit);
    case 'bytes':
    case 'reserved':
      return new BytesField(path, bit, f.width);
    case 'string':
      return new StringField(path, bit, f.width);
    case 'struct':
      return new StructField(path, bit, f.width, f.of ?? '');
    case 'array':
      return new ArrayField(path, bit, f);
  }
}

const SEGMENT = /^([a-z_][a-z0-9_]*)(?:\[(\d+)\])?$/;

export class Layout {
  readonly size: number;
  private readonly byName: Map<string, FieldSpec>;
  private readonly cache = new Map<string, Field>();
  constructor(readonly spec: LayoutSpec) {
    this.size = spec.size;
    this.byName = new Map(spec.fields.map((f) => [f.name, f]));
  }

  /** The compiled accessor for a dotted path such as `mkc.pd` or `mtt[3].rd_en`. */
  field(path: string): Field {
    const hit = this.cache.get(path);
    if (hit !== undefined) return hit;
    const made = this.resolve(path);
    this.cache.set(path, made);
    return made;
  }

  uint(path: string): Field<number> {
    return this.typed(path, 'uint') as Field<number>;
  }
  u64(path: string): Field<bigint> {
    return this.typed(path, 'u64') as Field<bigint>;
  }
  bytes(path: string): Field<Buffer> {
    return this.typed(path, 'bytes') as Field<Buffer>;
  }
  string(path: string): Field<string> {
    return this.typed(path, 'string') as Field<string>;
  }

  private typed(path: string, kind: FieldKind): Field {
    const f = this.field(path);
    if (f.kind !== kind) throw new TypeError(`${this.spec.name}.${path} is ${f.kind}, not ${kind}`);
    return f;
  }

  private resolve(path: string): Field {
    let spec: LayoutSpec = this.spec;
    let bit = 0;
    const parts = path.split('.');
    for (let p = 0; p < parts.length; p++) {
      const m = SEGMENT.exec(parts[p] ?? '');
      const f = m === null ? undefined : layout(spec.name).byName.get(m[1] ?? '');
      if (m === null || f === undefined) throw new RangeError(`${this.spec.name} has no field ${path}`);
      const last = p === parts.length - 1;
      const index = m[2] === undefined ? undefined : Number(m[2]);
      if (index !== undefined) {
        if (f.kind !== 'array') throw new RangeError(`${this.spec.name}.${path}: ${f.name} is not an array`);
        const elem = elementField(path, bit + f.bit, f, index);
        if (last) return elem;
        if (elem.kind !== 'struct') throw new RangeError(`${this.spec.name}.${path}: ${f.name} elements have no fields`);
        bit = elem.bit;
        spec = layoutSpec(f.of ?? '');
        continue;
      }
      if (last) return leafField(path, bit + f.bit, f);
      if (f.kind !== 'struct') throw new RangeError(`${this.spec.name}.${path}: ${f.name} has no fields`);
      bit += f.bit;
      spec = layoutSpec(f.of ?? '');
    }
    throw new RangeError(`${this.spec.name}: empty field path`);
  }

  /**
   * The whole struct as a plain object (reserved bits left out). A short buffer reads as if
   * zero-padded; flexible arrays are filled from the remaining bytes only at the root.
   */
  decode(buf: Buffer, base = 0, root = true): DecodedStruct {
    let src = buf;
    let at = base;
    if (buf.length - base < this.size) {
      src = Buffer.alloc(this.size);
      buf.copy(src, 0, base);
      at = 0;
    }
    const out: DecodedStruct = {};
    for (const f of this.spec.fields) {
      if (f.kind === 'reserved') continue;
      if (f.kind === 'array' && (f.count ?? 0) === 0 && !root) continue;
      out[f.name] = this.field(f.name).get(src, at);
    }
    return out;
  }

  /** A new buffer holding `value`; its size grows to hold any flexible array elements given. */
  encode(value: DecodedStruct): Buffer {
    let size = this.size;
    for (const f of this.spec.fields) {
      const v = value[f.name];
      if (f.kind === 'array' && (f.count ?? 0) === 0 && Array.isArray(v)) {
        size = Math.max(size, (f.bit + v.length * (f.stride ?? 0) + 7) >>> 3);
      }
    }
    const buf = Buffer.alloc(size);
    this.encodeInto(buf, value, 0);
    return buf;
  }

  /** Writes the fields present in `value` into `buf` at `base`; unknown names throw. */
  encodeInto(buf: Buffer, value: DecodedStruct, base: number): void {
    for (const [name, v] of Object.entries(value)) {
      if (!this.byName.has(name)) throw new RangeError(`${this.spec.name} has no field ${name}`);
      this.field(name).set(buf, v, base);
    }
  }
}

const layouts = new Map<string, Layout>();

/** The compiled layout called `name` (cached). */
export function layout(name: string): Layout {
  let l = layouts.get(name);
  if (l === undefined) {
    l = new Layout(layoutSpec(name));
    layouts.set(name, l);
  }
  return l;
}
