/**
 * Firmware UID rules for objects, in one place so every object command applies them alike:
 *  - uid 0 (the kernel driver, or the broker acting for it) may do anything to any object;
 *  - any UID may read (QUERY) uid-0 objects: that is what a debug context is for;
 *  - a user UID may read, modify and destroy only what it owns.
 * Lookups fail with BAD_RES and a per-type syndrome when the id does not exist.
 */
import { FwStatus } from '../../status';
import { FwError, Syndrome } from '../errors';
import type { FwObject, ObjectType } from '../object_store';
import type { SimState } from '../state';
import { ObjSyndrome } from './syndromes';

const missing: Partial<Record<ObjectType, number>> = {
  eq: ObjSyndrome.NO_SUCH_EQ,
  cq: ObjSyndrome.NO_SUCH_CQ,
  qp: ObjSyndrome.NO_SUCH_QP,
  sq: ObjSyndrome.NO_SUCH_SQ,
  rq: ObjSyndrome.NO_SUCH_RQ,
  tis: ObjSyndrome.NO_SUCH_TIS,
  tir: ObjSyndrome.NO_SUCH_TIR,
  rqt: ObjSyndrome.NO_SUCH_RQT,
  mkey: ObjSyndrome.NO_SUCH_MKEY,
  q_counter: ObjSyndrome.NO_SUCH_Q_COUNTER,
  pd: ObjSyndrome.NO_SUCH_PD,
  general: ObjSyndrome.NO_SUCH_GENERAL_OBJECT,
};

/** Throws unless `uid` may modify or destroy `obj`: its owner, or uid 0. */
export function requireOwner(obj: FwObject, uid: number): void {
  if (uid !== 0 && obj.uid !== uid) {
    throw new FwError(
      FwStatus.BAD_PARAM,
      ObjSyndrome.UID_NOT_OWNER,
      `uid ${uid} does not own ${obj.type} 0x${obj.id.toString(16)} (owner uid ${obj.uid})`,
    );
  }
}

/** Throws unless `uid` may read `obj`: uid-0 objects are readable by every UID (debug read). */
export function requireReadable(obj: FwObject, uid: number): void {
  if (obj.uid !== 0) requireOwner(obj, uid);
}

/** Throws unless `uid` is 0 or a live user context (firmware checks the stamped uid first). */
export function requireKnownUid(state: SimState, uid: number): void {
  if (uid !== 0 && state.uids.get(uid) === undefined) {
    throw new FwError(FwStatus.BAD_PARAM, Syndrome.UID_UNKNOWN, `uid ${uid} does not exist`);
  }
}

/** The object `type`/`id`, or BAD_RES with that type's syndrome. */
export function findObject(state: SimState, type: ObjectType, id: number): FwObject {
  const obj = state.objects.get(type, id);
  if (!obj) {
    throw new FwError(FwStatus.BAD_RES, missing[type] ?? ObjSyndrome.NO_SUCH_OBJECT, `no ${type} 0x${id.toString(16)}`);
  }
  return obj;
}

/** findObject + requireKnownUid + requireReadable: the preamble of every QUERY_<object>. */
export function readableObject(state: SimState, type: ObjectType, id: number, uid: number): FwObject {
  requireKnownUid(state, uid);
  const obj = findObject(state, type, id);
  requireReadable(obj, uid);
  return obj;
}

/** findObject + requireKnownUid + requireOwner: the preamble of every MODIFY/DESTROY_<object>. */
export function ownedObject(state: SimState, type: ObjectType, id: number, uid: number): FwObject {
  requireKnownUid(state, uid);
  const obj = findObject(state, type, id);
  requireOwner(obj, uid);
  return obj;
}
