/**
 * The layout registry: every family module, normalized, resolved (struct and array widths from the
 * nested layouts) and checked against the meta-schema once, on first use.
 */
import { checkLayout, LayoutError } from './meta';
import { normalize, type FieldSpec, type LayoutFamily, type LayoutSpec } from './types';
import { families } from './layouts';

export interface BitRange {
  readonly bit: number;
  readonly width: number;
}

/** Which bits of a struct some field defines; the rest are reserved and must be zero in an inbox. */
export interface BitMap {
  readonly sizeBits: number;
  /** One word per dword of the struct, bit set (in MLX5 order, MSB first) where a field lives. */
  readonly defined: Uint32Array;
  /** Maximal reserved runs, in bit order. */
  readonly reserved: readonly BitRange[];
}

export interface LayoutDescription {
  readonly name: string;
  readonly size: number;
  readonly doc: string;
  readonly fields: readonly FieldSpec[];
  readonly reserved: readonly BitRange[];
}

let loaded: Map<string, LayoutSpec> | undefined;
const bitMaps = new Map<string, BitMap>();

/** Builds and checks a registry from families; exported so tests can feed deliberately bad layouts. */
export function buildRegistry(fams: readonly LayoutFamily[]): Map<string, LayoutSpec> {
  const raw = new Map<string, LayoutSpec>();
  for (const fam of fams) {
    for (const [name, src] of Object.entries(fam)) {
      if (raw.has(name)) throw new LayoutError(name, ['defined twice']);
      raw.set(name, normalize(name, src));
    }
  }
  const resolved = new Map<string, LayoutSpec>();
  for (const spec of raw.values()) resolved.set(spec.name, resolve(spec, raw));
  for (const spec of resolved.values()) checkLayout(spec);
  return resolved;
}

function resolve(spec: LayoutSpec, all: ReadonlyMap<string, LayoutSpec>): LayoutSpec {
  const fields = spec.fields.map((f): FieldSpec => {
    if (f.kind !== 'struct' && f.kind !== 'array') return f;
    const of = f.of ?? '';
    const scalar = of === 'uint' || of === 'u64';
    const nested = scalar ? undefined : all.get(of);
    if (!scalar && nested === undefined) throw new LayoutError(spec.name, [`${f.name}: unknown layout ${of}`]);
    const elemBits = nested !== undefined ? nested.size * 8 : of === 'u64' ? 64 : (f.stride ?? 0);
    if (f.kind === 'struct') return { ...f, width: elemBits };
    const stride = f.stride ?? elemBits;
    return { ...f, stride, width: stride * (f.count ?? 0) };
  });
  return { ...spec, fields };
}

function registry(): Map<string, LayoutSpec> {
  if (loaded === undefined) loaded = buildRegistry(families);
  return loaded;
}

/** The checked layout called `name`; throws RangeError for an unknown name. */
export function layoutSpec(name: string): LayoutSpec {
  const spec = registry().get(name);
  if (spec === undefined) throw new RangeError(`unknown mlx5_ifc layout ${name}`);
  return spec;
}

export function layoutNames(): string[] {
  return [...registry().keys()].sort();
}

/** The defined/reserved bit map of a struct, nested structs and fixed arrays included. */
export function bitMap(name: string): BitMap {
  const cached = bitMaps.get(name);
  if (cached !== undefined) return cached;
  const spec = layoutSpec(name);
  const sizeBits = spec.size * 8;
  const defined = new Uint32Array(Math.ceil(sizeBits / 32));
  markDefined(spec, 0, defined);
  const map: BitMap = { sizeBits, defined, reserved: reservedRuns(defined, sizeBits) };
  bitMaps.set(name, map);
  return map;
}

function markDefined(spec: LayoutSpec, base: number, defined: Uint32Array): void {
  for (const f of spec.fields) {
    if (f.kind === 'reserved' || f.width === 0) continue;
    const at = base + f.bit;
    if (f.kind === 'struct') {
      markDefined(layoutSpec(f.of ?? ''), at, defined);
    } else if (f.kind === 'array' && f.of !== 'uint' && f.of !== 'u64') {
      const elem = layoutSpec(f.of ?? '');
      for (let i = 0; i < (f.count ?? 0); i++) markDefined(elem, at + i * (f.stride ?? 0), defined);
    } else {
      markRange(defined, at, f.width);
    }
  }
}

function markRange(defined: Uint32Array, bit: number, width: number): void {
  let b = bit;
  const end = bit + width;
  while (b < end) {
    const dw = b >>> 5;
    const inDw = b & 31;
    const n = Math.min(32 - inDw, end - b);
    const mask = n === 32 ? 0xffffffff : ((1 << n) - 1) << (32 - inDw - n);
    defined[dw] = ((defined[dw] ?? 0) | mask) >>> 0;
    b += n;
  }
}

function reservedRuns(defined: Uint32Array, sizeBits: number): BitRange[] {
  const runs: BitRange[] = [];
  let start = -1;
  for (let b = 0; b < sizeBits; b++) {
    const isDefined = (((defined[b >>> 5] ?? 0) >>> (31 - (b & 31))) & 1) === 1;
    if (!isDefined && start < 0) start = b;
    if (isDefined && start >= 0) {
      runs.push({ bit: start, width: b - start });
      start = -1;
    }
  }
  if (start >= 0) runs.push({ bit: start, width: sizeBits - start });
  return runs;
}

/** A struct described: its fields in bit order and the reserved runs between them. */
export function describe(name: string): LayoutDescription {
  const spec = layoutSpec(name);
  return {
    name: spec.name,
    size: spec.size,
    doc: spec.doc ?? '',
    fields: spec.fields.slice().sort((a, b) => a.bit - b.bit),
    reserved: bitMap(name).reserved,
  };
}

/** describe() as text, one `@0xBIT/width kind name` line per field, like the reference notation. */
export function describeText(name: string): string {
  const d = describe(name);
  const lines = [`${d.name} (${d.size} B)${d.doc ? `: ${d.doc}` : ''}`];
  for (const f of d.fields) {
    const extra = f.kind === 'struct' ? ` ${f.of ?? ''}` : f.kind === 'array' ? ` ${f.of ?? ''}[${f.count ?? 0}]` : '';
    lines.push(`  @0x${f.bit.toString(16)}/${f.width} ${f.kind}${extra} ${f.name}${f.union ? ` (union ${f.union})` : ''}`);
  }
  for (const r of d.reserved) lines.push(`  @0x${r.bit.toString(16)}/${r.width} reserved`);
  return lines.join('\n');
}
