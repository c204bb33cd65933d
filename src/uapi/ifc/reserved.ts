/**
 * Reserved bits of a command inbox: `clearReservedBits(opcode, inbox)` zeroes them in place and
 * names the fields it cleared; `reservedFieldsSet(opcode, inbox)` only names them.
 *
 * Why clear rather than refuse: the kernel passes reserved bits through and the firmware ignores
 * them, so tools that build inboxes in malloc'd memory (the upstream mlx5ctl tool's `diagcnt set`)
 * work on real hardware. The broker does not refuse them; it clears them, so the firmware never
 * sees bits the PRM gives no meaning, and the audit record names what was cleared. Nothing else
 * about the layout is the broker's to judge: an op_mod the PRM does not define is the firmware's
 * to answer (BAD_PARAM, syndrome BAD_OP_MOD), a short inbox the firmware's to reject
 * (BAD_INP_LEN). Bytes of an inbox shorter than its layout, and bytes beyond the layout (and any
 * flexible array), are left as they are.
 *
 * Each opcode compiles once into a plan of (byte offset, reserved mask) pairs taken from the
 * layout's bit map, so the common, clean case is one masked readInt32BE per dword that has
 * reserved bits and no allocation. Names are only worked out when a bit is set. The ajv validators
 * in ajv_inbox.ts check the same rule over a flattened object view; they are the reference the
 * tests compare this against.
 */
import { bitMap, layoutSpec, type BitRange } from './registry';
import { ACCESS_REG_OPCODES, COMMANDS, REGISTERS } from './opcodes';

/** One reserved run that had bits set. */
export interface ReservedField {
  /** Field path; reserved runs are named like mlx5_ifc.h does (`reserved_at_40`). */
  readonly field: string;
  /** Bit offset from the start of the inbox (MLX5 numbering). */
  readonly bit: number;
  readonly width: number;
  /** What the run held (a bigint when wider than 32 bits or cut short by the inbox's end). */
  readonly value: number | bigint;
}

/** Reserved masks of one struct, for the dwords that have reserved bits. */
interface MaskSet {
  readonly layout: string;
  /** Pairs of (byte offset within the struct, mask), flattened. */
  readonly pairs: Int32Array;
  readonly reserved: readonly BitRange[];
}

interface FlexPlan {
  readonly name: string;
  readonly startByte: number;
  readonly strideBytes: number;
  readonly elem: MaskSet;
}

interface Plan {
  readonly fixed: MaskSet;
  readonly flex: FlexPlan | undefined;
  readonly accessReg: boolean;
}

const HEADER_BYTES = 16;
const NONE: readonly ReservedField[] = Object.freeze([]);
const maskSets = new Map<string, MaskSet>();
const plans = new Map<number, Plan | null>();

function maskSet(layout: string): MaskSet {
  const hit = maskSets.get(layout);
  if (hit !== undefined) return hit;
  const map = bitMap(layout);
  const pairs: number[] = [];
  for (let dw = 0; dw < map.defined.length; dw++) {
    const tailBits = Math.min(32, map.sizeBits - dw * 32);
    const inStruct = tailBits === 32 ? 0xffffffff : ~((1 << (32 - tailBits)) - 1);
    const mask = ~(map.defined[dw] ?? 0) & inStruct;
    if (mask !== 0) pairs.push(dw * 4, mask | 0);
  }
  const set: MaskSet = { layout, pairs: Int32Array.from(pairs), reserved: map.reserved };
  maskSets.set(layout, set);
  return set;
}

/** The plan of `opcode`, or null when no inbox layout is known (nothing to clear). */
function plan(opcode: number): Plan | null {
  const hit = plans.get(opcode);
  if (hit !== undefined) return hit;
  const cmd = COMMANDS.get(opcode);
  let made: Plan | null = null;
  if (cmd !== undefined) {
    const spec = layoutSpec(cmd.inbox);
    const flexField = spec.fields.find((f) => f.kind === 'array' && f.count === 0);
    let flex: FlexPlan | undefined;
    if (flexField !== undefined && flexField.of !== 'uint' && flexField.of !== 'u64') {
      flex = { name: flexField.name, startByte: flexField.bit / 8, strideBytes: (flexField.stride ?? 0) / 8, elem: maskSet(flexField.of ?? '') };
    }
    made = { fixed: maskSet(cmd.inbox), flex, accessReg: ACCESS_REG_OPCODES.has(opcode) };
  }
  plans.set(opcode, made);
  return made;
}

/** True when every reserved bit of `set` present in `buf` at `base` is zero. */
function clean(set: MaskSet, buf: Buffer, base: number): boolean {
  const p = set.pairs;
  const limit = buf.length - 4;
  for (let i = 0; i < p.length; i += 2) {
    const at = base + (p[i] ?? 0);
    if (at > limit) break;
    if ((buf.readInt32BE(at) & (p[i + 1] ?? 0)) !== 0) return false;
  }
  return true;
}

/** Zeroes the reserved bits of `set` present in `buf` at `base`. */
function scrub(set: MaskSet, buf: Buffer, base: number): void {
  const p = set.pairs;
  const limit = buf.length - 4;
  for (let i = 0; i < p.length; i += 2) {
    const at = base + (p[i] ?? 0);
    if (at > limit) break;
    buf.writeInt32BE(buf.readInt32BE(at) & ~(p[i + 1] ?? 0), at);
  }
}

/** Names each reserved run of `set` that has a bit set (the slow path: only when one is). */
function dirtyRuns(set: MaskSet, buf: Buffer, base: number, prefix: string, out: ReservedField[]): void {
  for (const run of set.reserved) {
    let value = 0n;
    let complete = true;
    for (let b = run.bit; b < run.bit + run.width; b++) {
      // clean() and scrub() see whole dwords only (every struct base is dword aligned); so does
      // this, or a name would be given to bits that stay in place.
      if (base + ((b >>> 5) << 2) + 4 > buf.length) {
        complete = false;
        break;
      }
      const byte = base + (b >>> 3);
      value = (value << 1n) | BigInt(((buf[byte] ?? 0) >>> (7 - (b & 7))) & 1);
    }
    if (value === 0n) continue;
    out.push({
      field: `${prefix}reserved_at_${run.bit.toString(16)}`,
      bit: base * 8 + run.bit,
      width: run.width,
      value: complete && run.width <= 32 ? Number(value) : value,
    });
  }
}

/** One struct instance: names its dirty runs into `out` and, when `clear`, zeroes them. */
function visit(set: MaskSet, buf: Buffer, base: number, prefix: string, clear: boolean, out: ReservedField[] | undefined): ReservedField[] | undefined {
  if (clean(set, buf, base)) return out;
  const list = out ?? [];
  dirtyRuns(set, buf, base, prefix, list);
  if (clear) scrub(set, buf, base);
  return list;
}

function walk(opcode: number, inbox: Buffer, clear: boolean): readonly ReservedField[] {
  if (inbox.length < HEADER_BYTES) return NONE;
  const p = plan(opcode);
  if (p === null) return NONE;
  let out = visit(p.fixed, inbox, 0, '', clear, undefined);
  if (p.flex !== undefined) {
    const f = p.flex;
    // Only whole elements: a partial trailing element is a length problem for the firmware.
    for (let at = f.startByte, i = 0; at + f.strideBytes <= inbox.length; at += f.strideBytes, i++) {
      if (!clean(f.elem, inbox, at)) out = visit(f.elem, inbox, at, `${f.name}[${i}].`, clear, out);
    }
  }
  if (p.accessReg && inbox.length > HEADER_BYTES) {
    const reg = REGISTERS.get(inbox.readUInt16BE(10));
    if (reg !== undefined) out = visit(maskSet(reg.layout), inbox, HEADER_BYTES, `register_data.${reg.layout}.`, clear, out);
  }
  return out ?? NONE;
}

/**
 * Zeroes every reserved bit of a command inbox (fixed layout, whole flexible-array elements and,
 * for ACCESS_REG, a known register's payload) and returns the runs that had bits set, before
 * clearing. Returns a shared empty array when the inbox was clean.
 */
export function clearReservedBits(opcode: number, inbox: Buffer): readonly ReservedField[] {
  return walk(opcode, inbox, true);
}

/** The reserved runs of an inbox that have bits set; the inbox is left unchanged. */
export function reservedFieldsSet(opcode: number, inbox: Buffer): readonly ReservedField[] {
  return walk(opcode, inbox, false);
}

/** Compiles every opcode's plan now (broker start-up) instead of on each opcode's first use. */
export function precompileReservedMasks(): number {
  let n = 0;
  for (const opcode of COMMANDS.keys()) if (plan(opcode) !== null) n++;
  return n;
}
