/** The firmware's UID rule for objects a command names: uid 0 (the kernel) may touch anything. */
import { FwStatus } from '../../status';
import { FwError } from '../errors';
import { FwObject, ObjectType } from '../object_store';
import { SimState } from '../state';

export const MemorySyndrome = {
  NO_SUCH_OBJECT: 0x61a0e201,
  NOT_OWNER: 0x61a0e202,
  IN_USE: 0x61a0e203,
  BAD_MTT: 0x61a0e204,
  BAD_PAGE_SIZE: 0x61a0e205,
  BAD_ACCESS_MODE: 0x61a0e206,
  MKEY_RANGE: 0x61a0e207,
  MKEY_KEY: 0x61a0e208,
  MKEY_ACCESS: 0x61a0e209,
  DMA_FAULT: 0x61a0e20a,
  UNKNOWN_UID: 0x61a0e20b,
} as const;

/** The object `type`/`id` as seen by `uid`: it must exist and (for uid ≠ 0) be uid's own. */
export function ownedObject(state: SimState, type: ObjectType, id: number, uid: number): FwObject {
  const obj = state.objects.get(type, id);
  if (!obj) throw new FwError(FwStatus.BAD_RES, MemorySyndrome.NO_SUCH_OBJECT, `${type} ${id} does not exist`);
  if (uid !== 0 && obj.uid !== uid) throw new FwError(FwStatus.BAD_PARAM, MemorySyndrome.NOT_OWNER, `${type} ${id} belongs to uid ${obj.uid}, not ${uid}`);
  return obj;
}

/** A non-zero uid must be a live user context to own anything. */
export function requireLiveUid(state: SimState, uid: number): void {
  if (uid !== 0 && !state.uids.get(uid)) throw new FwError(FwStatus.BAD_PARAM, MemorySyndrome.UNKNOWN_UID, `uid ${uid} has no user context`);
}

/** Objects that name `type`/`id` in their ctx under `field` (e.g. mkeys over a umem). */
export function usersOf(state: SimState, userType: ObjectType, field: string, id: number): FwObject[] {
  return state.objects.list(userType).filter((o) => o.ctx[field] === id);
}
