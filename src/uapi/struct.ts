/**
 * uAPI structs as data: each field has an offset, a C type, a direction and a doc line, and the
 * codec reads and writes them in host (little-endian) order exactly as the kernel lays them out.
 */
import { Errno, ErrnoError } from './errno';

export type FieldType = 'u16' | 'u32' | 'u64';

/** `in`: set by the caller; `out`: set by the driver; `inout`: both; `reserved`: must be 0. */
export type FieldDirection = 'in' | 'out' | 'inout' | 'reserved';

export interface FieldDef {
  readonly name: string;
  readonly offset: number;
  readonly type: FieldType;
  readonly dir: FieldDirection;
  readonly doc: string;
}

export interface StructDef {
  readonly name: string;
  readonly size: number;
  readonly fields: readonly FieldDef[];
}

export type StructValue = Record<string, bigint | number>;

const widths: Record<FieldType, number> = { u16: 2, u32: 4, u64: 8 };

export function defineStruct(name: string, size: number, fields: readonly FieldDef[]): StructDef {
  for (const f of fields) {
    if (f.offset % widths[f.type] !== 0) throw new Error(`${name}.${f.name}: misaligned`);
    if (f.offset + widths[f.type] > size) throw new Error(`${name}.${f.name}: past the end`);
  }
  return { name, size, fields };
}

/** offsetofend() of a field: the minimum user size that still contains it. */
export function offsetOfEnd(def: StructDef, field: string): number {
  const f = def.fields.find((x) => x.name === field);
  if (!f) throw new Error(`${def.name} has no field ${field}`);
  return f.offset + widths[f.type];
}

/** Decodes a struct; u64 fields come back as bigint, the others as number. Short input reads 0. */
export function decodeStruct(def: StructDef, buf: Buffer): StructValue {
  const out: StructValue = {};
  for (const f of def.fields) {
    const end = f.offset + widths[f.type];
    if (end > buf.length) {
      out[f.name] = f.type === 'u64' ? 0n : 0;
    } else if (f.type === 'u16') {
      out[f.name] = buf.readUInt16LE(f.offset);
    } else if (f.type === 'u32') {
      out[f.name] = buf.readUInt32LE(f.offset);
    } else {
      out[f.name] = buf.readBigUInt64LE(f.offset);
    }
  }
  return out;
}

/** Encodes a struct of `def.size` bytes (or `size` when given); missing fields are 0. */
export function encodeStruct(def: StructDef, value: Partial<StructValue>, size = def.size): Buffer {
  const buf = Buffer.alloc(size);
  for (const f of def.fields) {
    if (f.offset + widths[f.type] > size) continue;
    const v = value[f.name] ?? 0;
    if (f.type === 'u16') buf.writeUInt16LE(Number(v), f.offset);
    else if (f.type === 'u32') buf.writeUInt32LE(Number(v), f.offset);
    else buf.writeBigUInt64LE(BigInt(v), f.offset);
  }
  return buf;
}

/**
 * copy_struct_from_user(): a caller compiled against a newer, larger struct is accepted only if
 * every byte past what we know is zero; otherwise E2BIG.
 */
export function checkZeroTail(def: StructDef, buf: Buffer): void {
  for (let i = def.size; i < buf.length; i++) {
    if (buf[i] !== 0) throw new ErrnoError(Errno.E2BIG, `${def.name}: non-zero bytes past offset ${def.size}`);
  }
}

/** Reserved fields must be zero; the caller picks the errno (EOPNOTSUPP in fwctl and mlx5ctl). */
export function reservedNonZero(def: StructDef, value: StructValue): string | undefined {
  return def.fields.find((f) => f.dir === 'reserved' && BigInt(value[f.name] ?? 0) !== 0n)?.name;
}
