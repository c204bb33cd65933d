/**
 * Firmware objects (EQ, CQ, QP, SQ, RQ, TIS, TIR, RQT, MKEY, PD, UMEM, Q counter, ...), each
 * owned by a UID: 0 for what mlx5_core created, a user context's UID for what a debug session
 * created. Ownership is the firmware's isolation rule: a user UID may modify or destroy only its
 * own objects; uid 0 objects are read-only to it.
 */
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

export class ObjectStore {
  private readonly byType = new Map<ObjectType, Map<number, FwObject>>();
  private readonly nextId = new Map<ObjectType, number>();

  private table(type: ObjectType): Map<number, FwObject> {
    let t = this.byType.get(type);
    if (!t) {
      t = new Map();
      this.byType.set(type, t);
    }
    return t;
  }

  /** Adds an object with an explicit id, or the next free id of its type (from `firstId`). */
  add(type: ObjectType, uid: number, ctx: Record<string, unknown>, id?: number, firstId = 1): FwObject {
    const table = this.table(type);
    let objId = id ?? this.nextId.get(type) ?? firstId;
    if (id === undefined) while (table.has(objId)) objId++;
    if (table.has(objId)) throw new Error(`${type} ${objId} exists`);
    const obj: FwObject = { type, id: objId, uid, ctx };
    table.set(objId, obj);
    if (id === undefined) this.nextId.set(type, objId + 1);
    return obj;
  }

  get(type: ObjectType, id: number): FwObject | undefined {
    return this.byType.get(type)?.get(id);
  }

  remove(type: ObjectType, id: number): FwObject | undefined {
    const table = this.byType.get(type);
    const obj = table?.get(id);
    if (obj) table?.delete(id);
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
