/**
 * Syndromes of the memory commands, and who uses an object. The UID rules themselves are the
 * objects feature's (objects/ownership.ts), shared by every object command.
 */
import { FwObject, ObjectType } from '../object_store';
import { SimState } from '../state';

export { ownedObject, requireKnownUid } from '../objects/ownership';

export const MemorySyndrome = {
  IN_USE: 0x61a0e203,
  BAD_MTT: 0x61a0e204,
  BAD_PAGE_SIZE: 0x61a0e205,
  BAD_ACCESS_MODE: 0x61a0e206,
  MKEY_RANGE: 0x61a0e207,
  MKEY_KEY: 0x61a0e208,
  MKEY_ACCESS: 0x61a0e209,
  DMA_FAULT: 0x61a0e20a,
} as const;

/** Objects that name `type`/`id` in their ctx under `field` (e.g. mkeys over a umem). */
export function usersOf(state: SimState, userType: ObjectType, field: string, id: number): FwObject[] {
  return state.objects.list(userType).filter((o) => o.ctx[field] === id);
}
