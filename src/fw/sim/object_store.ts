/**
 * Firmware objects (EQ, CQ, QP, SQ, RQ, TIS, TIR, RQT, MKEY, PD, UMEM, Q counter, ...), each
 * owned by a UID: 0 for what mlx5_core created, a user context's UID for what a debug session
 * created. Ownership is the firmware's isolation rule: a user UID may modify or destroy only its
 * own objects; uid 0 objects are read-only to it.
 */
import { FwStatus } from '../status';
import { FwError } from './errors';
import { IdAllocator } from './id_allocator';

export type ObjectType =
  | 'eq' | 'cq' | 'qp' | 'sq' | 'rq' | 'rmp' | 'tis' | 'tir' | 'rqt' | 'mkey' | 'pd' | 'umem'
  | 'q_counter' | 'flow_table' | 'flow_counter' | 'general';

export interface FwObject {
  readonly type: ObjectType;
  readonly id: number;
  readonly uid: number;
  /** Object-specific state (context fields by name, buffers, links to other objects). */
  readonly ctx: Record<string, unknown>;
}

/**
 * Bits of the PRM field that carries each type's number (alloc_pd_out.pd, create_mkey_out
 * mkey_index, create_umem_out umem_id, eqn, counter_set_id, ... ): numbers are allocated within
 * it and reused once freed, never past it.
 */
const ID_BITS: Readonly<Record<ObjectType, number>> = {
  eq: 8, cq: 24, qp: 24, sq: 24, rq: 24, rmp: 24, tis: 24, tir: 24, rqt: 24, mkey: 24, pd: 24, umem: 24,
  q_counter: 8, flow_table: 24, flow_counter: 32, general: 32,
};

/** Objects of one type the device holds at once (2^log_max_* of its capabilities), if bounded. */
export type ObjectLimit = (type: ObjectType) => number | undefined;

export const ObjectSyndrome = {
  /** Past the count the device advertises (LIM_ERR), or its number space is full. */
  LIMIT: 0x0b1ec701,
} as const;

export class ObjectStore {
  private readonly byType = new Map<ObjectType, Map<number, FwObject>>();
  private readonly ids = new Map<ObjectType, IdAllocator>();

  constructor(private readonly limitOf: ObjectLimit = () => undefined) {}

  private table(type: ObjectType): Map<number, FwObject> {
    let t = this.byType.get(type);
    if (!t) {
      t = new Map();
      this.byType.set(type, t);
    }
    return t;
  }

  private idsOf(type: ObjectType): IdAllocator {
    let a = this.ids.get(type);
    if (!a) {
      a = new IdAllocator(0, 2 ** ID_BITS[type] - 1);
      this.ids.set(type, a);
    }
    return a;
  }

  /**
   * Adds an object with an explicit id, or the next free id of its type at or above `firstId`
   * (so never 0 by default). A new id past the type's advertised count, or with its number space
   * full, is the firmware's LIM_ERR.
   */
  add(type: ObjectType, uid: number, ctx: Record<string, unknown>, id?: number, firstId = 1): FwObject {
    const table = this.table(type);
    const ids = this.idsOf(type);
    let objId: number;
    if (id === undefined) {
      const limit = this.limitOf(type);
      if (limit !== undefined && table.size >= limit) {
        throw new FwError(FwStatus.LIM_ERR, ObjectSyndrome.LIMIT, `${type}: the device holds at most ${limit}`);
      }
      const free = ids.allocate(firstId);
      if (free === undefined) throw new FwError(FwStatus.LIM_ERR, ObjectSyndrome.LIMIT, `${type}: no free number below 2^${ID_BITS[type]}`);
      objId = free;
    } else {
      if (!ids.reserve(id)) throw new Error(`${type} ${id} exists`);
      objId = id;
    }
    const obj: FwObject = { type, id: objId, uid, ctx };
    table.set(objId, obj);
    return obj;
  }

  /** How many objects of `type` exist (every UID's). */
  count(type: ObjectType): number {
    return this.byType.get(type)?.size ?? 0;
  }

  get(type: ObjectType, id: number): FwObject | undefined {
    return this.byType.get(type)?.get(id);
  }

  remove(type: ObjectType, id: number): FwObject | undefined {
    const table = this.byType.get(type);
    const obj = table?.get(id);
    if (obj) {
      table?.delete(id);
      this.ids.get(type)?.release(id);
    }
    return obj;
  }

  list(type: ObjectType): FwObject[] {
    return [...(this.byType.get(type)?.values() ?? [])].sort((a, b) => a.id - b.id);
  }

  /** How many objects `uid` owns (a UID with objects cannot be destroyed). */
  countOwnedBy(uid: number): number {
    let n = 0;
    for (const table of this.byType.values()) for (const o of table.values()) if (o.uid === uid) n++;
    return n;
  }
}
