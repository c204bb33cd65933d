/**
 * ajv validators compiled from the layouts. An inbox is viewed as a flat object: one key per number
 * field (dotted path through nested structs and fixed arrays) and one `reserved_at_X` key per
 * reserved piece (split at dword boundaries, so every piece is a number). The schema generated for
 * a command gives each field `maximum: 2^width - 1` and each reserved piece `const: 0` (op_mod is
 * any 16-bit value: which ones a command defines is the firmware's to judge). It validates objects
 * a caller built by hand before encoding, and it is the independent reference the tests hold
 * `clearReservedBits` (reserved.ts) to.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { layout } from './accessor';
import { COMMANDS } from './opcodes';
import { bitMap, layoutSpec } from './registry';

export type ViolationReason = 'unknown_opcode' | 'opcode_mismatch' | 'reserved_nonzero' | 'value_too_wide' | 'unknown_field';

export interface Violation {
  /** Flat key of the field (`reserved_at_X` for a reserved piece). */
  readonly field: string;
  /** Bit offset from the start of the inbox (MLX5 numbering); -1 for an unknown key. */
  readonly bit: number;
  readonly width: number;
  readonly reason: ViolationReason;
  readonly value?: number | bigint;
}

export type InboxView = Record<string, number | bigint>;

interface Leaf {
  readonly key: string;
  readonly bit: number;
  readonly width: number;
  readonly reserved: boolean;
}

const ajv = new Ajv({ allErrors: true });
ajv.addKeyword({
  keyword: 'u64',
  errors: false,
  validate: (_schema: boolean, data: unknown): boolean => typeof data === 'bigint' && data >= 0n && data < 1n << 64n,
});

function leaves(name: string, prefix: string, base: number, out: Leaf[]): void {
  for (const f of layoutSpec(name).fields) {
    const bit = base + f.bit;
    if (f.kind === 'uint' || f.kind === 'u64') out.push({ key: prefix + f.name, bit, width: f.width, reserved: false });
    else if (f.kind === 'struct') leaves(f.of ?? '', `${prefix}${f.name}.`, bit, out);
    else if (f.kind === 'array' && (f.count ?? 0) > 0) {
      for (let i = 0; i < (f.count ?? 0); i++) {
        const at = bit + i * (f.stride ?? 0);
        const key = `${prefix}${f.name}[${i}]`;
        if (f.of === 'uint' || f.of === 'u64') out.push({ key, bit: at, width: f.stride ?? 0, reserved: false });
        else leaves(f.of ?? '', `${key}.`, at, out);
      }
    }
  }
}

/** Flattened number fields and dword-bounded reserved pieces of a layout, in bit order. */
export function flatLeaves(name: string): Leaf[] {
  const out: Leaf[] = [];
  leaves(name, '', 0, out);
  for (const run of bitMap(name).reserved) {
    for (let b = run.bit; b < run.bit + run.width; ) {
      const n = Math.min(32 - (b & 31), run.bit + run.width - b);
      out.push({ key: `reserved_at_${b.toString(16)}`, bit: b, width: n, reserved: true });
      b += n;
    }
  }
  return out.sort((a, b) => a.bit - b.bit);
}

interface Compiled {
  readonly validate: ValidateFunction;
  readonly leaves: readonly Leaf[];
  readonly byKey: ReadonlyMap<string, Leaf>;
}

const compiled = new Map<number, Compiled>();

function compile(opcode: number): Compiled | undefined {
  const hit = compiled.get(opcode);
  if (hit !== undefined) return hit;
  const cmd = COMMANDS.get(opcode);
  if (cmd === undefined) return undefined;
  const all = flatLeaves(cmd.inbox);
  const properties: Record<string, object> = {};
  for (const l of all) {
    if (l.reserved) properties[l.key] = { const: 0 };
    else if (l.width === 64) properties[l.key] = { u64: true };
    else properties[l.key] = { type: 'integer', minimum: 0, maximum: 2 ** l.width - 1 };
  }
  properties['opcode'] = { const: opcode };
  const schema = { type: 'object', properties, additionalProperties: false };
  const made: Compiled = { validate: ajv.compile(schema), leaves: all, byKey: new Map(all.map((l) => [l.key, l])) };
  compiled.set(opcode, made);
  return made;
}

/** The flat view of the fixed part of an inbox (what the ajv schema validates). */
export function inboxView(opcode: number, inbox: Buffer): InboxView {
  const c = compile(opcode);
  if (c === undefined) throw new RangeError(`no inbox layout for opcode 0x${opcode.toString(16)}`);
  const root = layout(COMMANDS.get(opcode)?.inbox ?? '');
  // Missing trailing bytes read as zero, as in decode().
  const padded = inbox.length >= root.size ? inbox : Buffer.concat([inbox, Buffer.alloc(root.size - inbox.length)]);
  const view: InboxView = {};
  for (const l of c.leaves) {
    if (l.reserved) view[l.key] = readPiece(padded, l.bit, l.width);
    else view[l.key] = l.width === 64 ? root.u64(l.key).get(padded) : root.uint(l.key).get(padded);
  }
  return view;
}

function readPiece(buf: Buffer, bit: number, width: number): number {
  const shift = 32 - width - (bit & 31);
  const mask = width === 32 ? 0xffffffff : (1 << width) - 1;
  return ((buf.readUInt32BE((bit >>> 5) * 4) >>> shift) & mask) >>> 0;
}

/** Validates a flat inbox view with the ajv schema of `opcode`. */
export function validateInboxObject(opcode: number, view: InboxView): Violation[] {
  const c = compile(opcode);
  if (c === undefined) return [{ field: 'opcode', bit: 0, width: 16, reason: 'unknown_opcode', value: opcode }];
  if (c.validate(view)) return [];
  return (c.validate.errors ?? []).map((e) => toViolation(e, c.byKey, view));
}

function toViolation(e: ErrorObject, byKey: ReadonlyMap<string, Leaf>, view: InboxView): Violation {
  if (e.keyword === 'additionalProperties') {
    const key = String((e.params as { additionalProperty?: string }).additionalProperty ?? '');
    return { field: key, bit: -1, width: 0, reason: 'unknown_field' };
  }
  const key = e.instancePath.slice(1).replace(/~1/g, '/').replace(/~0/g, '~');
  const leaf = byKey.get(key);
  const value = view[key];
  const reason: ViolationReason = key === 'opcode' ? 'opcode_mismatch' : leaf?.reserved ? 'reserved_nonzero' : 'value_too_wide';
  return {
    field: key,
    bit: leaf?.bit ?? 0,
    width: leaf?.width ?? 0,
    reason,
    ...(value !== undefined ? { value } : {}),
  };
}
