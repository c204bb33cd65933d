/**
 * mlx5_ifc layouts as data.
 *
 * A layout is a PRM struct: a size in bytes and a list of fields, each named by its MLX5 bit offset
 * (big-endian, bit 0 = MSB of byte 0) and width in bits. The layout families under `layouts/` are
 * written in a compact, JSON-like source form (`LayoutSrc`): a plain `[name, bit, width]` tuple for
 * numbers, an object for everything else. `normalize()` turns that into the explicit `FieldSpec`
 * form that the ajv meta-schema checks and the accessors compile from.
 *
 * Reserved bits need not be written down: anything no field covers is reserved ("must be 0"), which
 * is how the PRM's `reserved_at_X` members read. A field may still be declared `kind: 'reserved'`
 * to document a range explicitly.
 */

export type FieldKind = 'uint' | 'u64' | 'bytes' | 'string' | 'struct' | 'array' | 'reserved';

/** One field in normalized form; `width` is in bits and, for struct/array, filled in at load. */
export interface FieldSpec {
  readonly name: string;
  readonly bit: number;
  readonly width: number;
  readonly kind: FieldKind;
  /** struct: the nested layout; array: the element layout, or 'uint' / 'u64' for scalar elements. */
  readonly of?: string;
  /** array: element count (0 = flexible array member running past the end of the struct). */
  readonly count?: number;
  /** array: distance between elements in bits (also the element width for scalar arrays). */
  readonly stride?: number;
  /** Fields sharing a union tag may overlap each other (PRM unions); nothing else may. */
  readonly union?: string;
  readonly doc?: string;
}

export interface LayoutSpec {
  readonly name: string;
  /** Size in bytes, excluding any flexible array member. */
  readonly size: number;
  readonly fields: readonly FieldSpec[];
  readonly doc?: string;
}

/** `[name, bit, width]`: a number field; width 64 means a be64 (bigint) field. */
export type NumSrc = readonly [name: string, bit: number, width: number];

export interface ObjSrc {
  readonly name: string;
  readonly bit: number;
  readonly kind?: FieldKind;
  /** Required for uint/u64/bytes/string/reserved; computed for struct/array. */
  readonly width?: number;
  readonly of?: string;
  readonly count?: number;
  readonly stride?: number;
  readonly union?: string;
  readonly doc?: string;
}

export type FieldSrc = NumSrc | ObjSrc;

export interface LayoutSrc {
  readonly size: number;
  readonly fields: readonly FieldSrc[];
  readonly doc?: string;
}

/** A layout family module: struct name → source layout. */
export type LayoutFamily = Readonly<Record<string, LayoutSrc>>;

/** Turns the compact source form into explicit field specs; struct/array widths stay 0 until resolved. */
export function normalize(name: string, src: LayoutSrc): LayoutSpec {
  const fields = src.fields.map((f): FieldSpec => {
    if (isNumSrc(f)) {
      const [fname, bit, width] = f;
      return { name: fname, bit, width, kind: width === 64 ? 'u64' : 'uint' };
    }
    const kind: FieldKind = f.kind ?? (f.width === 64 ? 'u64' : 'uint');
    const spec: FieldSpec = {
      name: f.name,
      bit: f.bit,
      width: f.width ?? 0,
      kind,
      ...(f.of !== undefined ? { of: f.of } : {}),
      ...(f.count !== undefined ? { count: f.count } : {}),
      ...(f.stride !== undefined ? { stride: f.stride } : {}),
      ...(f.union !== undefined ? { union: f.union } : {}),
      ...(f.doc !== undefined ? { doc: f.doc } : {}),
    };
    return spec;
  });
  return { name, size: src.size, fields, ...(src.doc !== undefined ? { doc: src.doc } : {}) };
}

function isNumSrc(f: FieldSrc): f is NumSrc {
  return Array.isArray(f);
}

/** A decoded field: numbers up to 32 bits, bigint for 64, Buffer/string for byte fields. */
export type FieldValue = number | bigint | Buffer | string | DecodedStruct | FieldValue[];

export interface DecodedStruct {
  [field: string]: FieldValue;
}
