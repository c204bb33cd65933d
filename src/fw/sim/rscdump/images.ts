/**
 * Payloads of the per-object segments. The objects feature owns what a context looks like and
 * registers an exact PRM image per object type with `setObjectImager` (objects/dump_images.ts:
 * the context and outbox of each type's QUERY_* command). Types with no QUERY command in the model
 * (PD, RMP, flow tables and counters, general objects, UMEM) carry a deterministic generic image:
 * the object id and owner, then every numeric field of its context in name order (be32, bigint
 * be64, boolean 0/1), padded to at least 64 bytes — stable across runs, and changing when the
 * object's state does.
 */
import type { FwObject, ObjectType } from '../object_store';
import type { SimState } from '../state';
import type { SegmentKind } from './menu';

export type ObjectImager = (obj: FwObject, kind: SegmentKind) => Buffer;

const imagers = new WeakMap<SimState, Map<ObjectType, ObjectImager>>();

/** Installs the exact image of `type` objects for this device's dumps (objects-feature hook). */
export function setObjectImager(state: SimState, type: ObjectType, imager: ObjectImager): void {
  let m = imagers.get(state);
  if (m === undefined) {
    m = new Map();
    imagers.set(state, m);
  }
  m.set(type, imager);
}

const MIN_IMAGE = 64;

function genericImage(obj: FwObject): Buffer {
  const words: Buffer[] = [];
  const u32 = (v: number): void => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    words.push(b);
  };
  u32(obj.id);
  u32(obj.uid);
  for (const key of Object.keys(obj.ctx).sort()) {
    const v = obj.ctx[key];
    if (typeof v === 'number' && Number.isFinite(v)) u32(Math.trunc(v));
    else if (typeof v === 'boolean') u32(v ? 1 : 0);
    else if (typeof v === 'bigint') {
      const b = Buffer.alloc(8);
      b.writeBigUInt64BE(BigInt.asUintN(64, v));
      words.push(b);
    }
  }
  const img = Buffer.concat(words);
  return img.length >= MIN_IMAGE ? img : Buffer.concat([img, Buffer.alloc(MIN_IMAGE - img.length)]);
}

export function objectImage(state: SimState, obj: FwObject, kind: SegmentKind): Buffer {
  const imager = imagers.get(state)?.get(obj.type);
  return imager !== undefined ? imager(obj, kind) : genericImage(obj);
}

/**
 * `count` entries of `stride` bytes from an object's queue buffer, starting at entry `first`. The
 * buffer is the first Buffer-valued field of the context (the objects feature keeps queue memory
 * there); entries past its end, or of an object without one, read as zeros — an empty ring.
 */
export function bufferEntries(obj: FwObject, first: number, count: number, stride: number): Buffer {
  const out = Buffer.alloc(count * stride);
  const buf = Object.values(obj.ctx).find((v): v is Buffer => Buffer.isBuffer(v));
  if (buf !== undefined) buf.copy(out, 0, Math.min(buf.length, first * stride), Math.min(buf.length, (first + count) * stride));
  return out;
}
