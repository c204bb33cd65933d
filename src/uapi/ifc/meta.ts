/**
 * The meta-schema every layout must satisfy, checked with ajv when the registry loads.
 *
 * The JSON Schema part checks shape (names, kinds, width limits per kind, byte alignment of byte
 * fields). Geometry that JSON Schema cannot express (a field inside the struct, no overlaps outside
 * a declared union, number fields not crossing a dword) is the custom `prmGeometry` keyword, so a
 * bad layout produces one ajv error list whatever is wrong with it.
 */
import Ajv, { type ErrorObject } from 'ajv';
import type { FieldSpec, LayoutSpec } from './types';

const fieldSchema = {
  type: 'object',
  required: ['name', 'bit', 'width', 'kind'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: '^[a-z_][a-z0-9_]*$' },
    bit: { type: 'integer', minimum: 0 },
    width: { type: 'integer', minimum: 0 },
    kind: { enum: ['uint', 'u64', 'bytes', 'string', 'struct', 'array', 'reserved'] },
    of: { type: 'string', minLength: 1 },
    count: { type: 'integer', minimum: 0 },
    stride: { type: 'integer', minimum: 1 },
    union: { type: 'string', minLength: 1 },
    doc: { type: 'string' },
  },
  allOf: [
    { if: { properties: { kind: { const: 'uint' } } }, then: { properties: { width: { type: 'integer', minimum: 1, maximum: 32 } } } },
    {
      if: { properties: { kind: { const: 'u64' } } },
      then: { properties: { width: { const: 64 }, bit: { type: 'integer', multipleOf: 32 } } },
    },
    {
      if: { properties: { kind: { enum: ['bytes', 'string'] } } },
      then: { properties: { width: { type: 'integer', minimum: 8, multipleOf: 8 }, bit: { type: 'integer', multipleOf: 8 } } },
    },
    { if: { properties: { kind: { const: 'reserved' } } }, then: { properties: { width: { type: 'integer', minimum: 1 } } } },
    { if: { properties: { kind: { const: 'struct' } } }, then: { required: ['of'] } },
    { if: { properties: { kind: { const: 'array' } } }, then: { required: ['of', 'count', 'stride'] } },
  ],
} as const;

const layoutSchema = {
  type: 'object',
  required: ['name', 'size', 'fields'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: '^[a-z_][a-z0-9_]*$' },
    size: { type: 'integer', minimum: 1 },
    doc: { type: 'string' },
    fields: { type: 'array', items: fieldSchema },
  },
  prmGeometry: true,
} as const;

/** Geometry problems of one layout, as messages naming the field. */
export function geometryProblems(layout: LayoutSpec): string[] {
  const problems: string[] = [];
  const sizeBits = layout.size * 8;
  const seen = new Set<string>();
  for (const f of layout.fields) {
    if (seen.has(f.name)) problems.push(`${f.name}: duplicate field name`);
    seen.add(f.name);
    const flexible = f.kind === 'array' && f.count === 0;
    if (flexible) {
      // A flexible array member starts where the fixed part ends, like `pas[]` in the PRM.
      if (f.bit !== sizeBits) problems.push(`${f.name}: flexible array must start at bit 0x${sizeBits.toString(16)}`);
      continue;
    }
    if (f.width === 0) problems.push(`${f.name}: zero width`);
    if (f.bit + f.width > sizeBits) {
      problems.push(`${f.name}: bits 0x${f.bit.toString(16)}+0x${f.width.toString(16)} run past the ${layout.size}-byte struct`);
    }
    if (f.kind === 'uint' && (f.bit % 32) + f.width > 32) problems.push(`${f.name}: number field crosses a dword`);
    if (f.kind === 'array' && f.of !== 'uint' && f.of !== 'u64' && (f.stride ?? 0) % 8 !== 0) {
      problems.push(`${f.name}: struct elements must be byte-aligned`);
    }
    if (f.kind === 'array' && f.of === 'uint' && ((f.stride ?? 0) > 32 || f.bit % (f.stride ?? 1) !== 0)) {
      problems.push(`${f.name}: scalar array elements must be at most 32 bits and aligned to their width`);
    }
    if (f.kind === 'array' && f.of === 'u64' && (f.stride !== 64 || f.bit % 32 !== 0)) {
      problems.push(`${f.name}: u64 array elements must be 64 bits, dword-aligned`);
    }
  }
  problems.push(...overlapProblems(layout.fields));
  return problems;
}

function overlapProblems(fields: readonly FieldSpec[]): string[] {
  const problems: string[] = [];
  const sorted = fields.filter((f) => f.width > 0).slice().sort((a, b) => a.bit - b.bit || b.width - a.width);
  // Sweep line: each field is compared with every earlier one still open at its start bit.
  const open: FieldSpec[] = [];
  for (const f of sorted) {
    for (let i = open.length - 1; i >= 0; i--) {
      const o = open[i];
      if (o === undefined) continue;
      if (o.bit + o.width <= f.bit) {
        open.splice(i, 1);
        continue;
      }
      const sameUnion = o.union !== undefined && o.union === f.union;
      if (!sameUnion) problems.push(`${f.name} overlaps ${o.name} at bit 0x${f.bit.toString(16)}`);
    }
    open.push(f);
  }
  return problems;
}

function makeAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true });
  ajv.addKeyword({
    keyword: 'prmGeometry',
    type: 'object',
    errors: true,
    validate: function prmGeometry(this: unknown, _schema: boolean, data: LayoutSpec): boolean {
      // Malformed shapes are reported by the JSON Schema part; geometry needs well-formed fields.
      if (!Array.isArray(data.fields) || !Number.isInteger(data.size)) return true;
      if (!data.fields.every((f) => Number.isInteger(f.bit) && Number.isInteger(f.width))) return true;
      const problems = geometryProblems(data);
      if (problems.length === 0) return true;
      prmGeometryErrors.length = 0;
      for (const p of problems) prmGeometryErrors.push(p);
      return false;
    },
  });
  return ajv;
}

// The keyword reports through this list; ajv validation is synchronous so one list per module is safe.
const prmGeometryErrors: string[] = [];

const validateLayoutShape = makeAjv().compile<LayoutSpec>(layoutSchema);

export class LayoutError extends Error {
  readonly code = 'EIFC_LAYOUT';
  constructor(readonly layout: string, readonly problems: readonly string[]) {
    super(`layout ${layout}: ${problems.join('; ')}`);
    this.name = 'LayoutError';
  }
}

/** Checks one resolved layout against the meta-schema; throws LayoutError listing every problem. */
export function checkLayout(layout: LayoutSpec): void {
  prmGeometryErrors.length = 0;
  const name = layout.name;
  if (validateLayoutShape(layout)) return;
  const problems = (validateLayoutShape.errors ?? []).map((e: ErrorObject) =>
    e.keyword === 'prmGeometry' ? '' : `${e.instancePath || '/'} ${e.message ?? e.keyword}`,
  );
  const all = [...problems.filter((p) => p !== ''), ...prmGeometryErrors];
  throw new LayoutError(name, all.length > 0 ? all : ['invalid layout']);
}
