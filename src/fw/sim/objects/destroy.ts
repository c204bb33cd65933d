/**
 * DESTROY_* / DEALLOC_Q_COUNTER for the queue and steering objects, mainly to enforce the UID rule
 * on driver objects: a debug UID may read them but not tear them down (BAD_PARAM, UID_NOT_OWNER).
 * The owner (or uid 0) may destroy an object only once nothing references it, as firmware
 * refuses to free a CQ under a live SQ (BAD_RES_STATE, OBJECT_IN_USE).
 * PD, MKEY and UMEM teardown belong to the UMEM feature, which uses the same ownership helpers.
 */
import { FwStatus } from '../../status';
import { getBits } from '../../../uapi/ifc/bits';
import type { CommandDef } from '../command';
import { FwError } from '../errors';
import type { FwObject, ObjectType } from '../object_store';
import type { SimState } from '../state';
import { num, nums } from './ctx';
import { ownedObject } from './ownership';
import { ObjSyndrome } from './syndromes';

/** mlx5_ifc.h opcodes not (yet) in src/fw/opcodes.ts. */
export const DestroyOpcode = {
  DESTROY_EQ: 0x302,
  DESTROY_CQ: 0x401,
  DESTROY_QP: 0x501,
  DEALLOC_Q_COUNTER: 0x772,
  DESTROY_TIR: 0x902,
  DESTROY_SQ: 0x906,
  DESTROY_RQ: 0x90a,
  DESTROY_TIS: 0x914,
  DESTROY_RQT: 0x918,
} as const;

/** Who may point at an object of a type: [referring type, ctx field holding the id or ids]. */
const REFERRERS: Partial<Record<ObjectType, readonly (readonly [ObjectType, string])[]>> = {
  eq: [['cq', 'eqn']],
  cq: [['sq', 'cqn'], ['rq', 'cqn'], ['qp', 'cqn']],
  rq: [['rqt', 'rqns']],
  tis: [['sq', 'tisn']],
  rqt: [['tir', 'rqtn']],
  q_counter: [['rq', 'counterSetId']],
};

function referrer(state: SimState, obj: FwObject): FwObject | undefined {
  for (const [type, key] of REFERRERS[obj.type] ?? []) {
    const hit = state.objects.list(type).find((o) => num(o, key, -1) === obj.id || nums(o, key).includes(obj.id));
    if (hit) return hit;
  }
  return undefined;
}

/** [opcode, object type, bit offset and width of the id in the inbox] */
const DESTROYS: readonly (readonly [number, ObjectType, number, number])[] = [
  [DestroyOpcode.DESTROY_EQ, 'eq', 0x58, 8],
  [DestroyOpcode.DESTROY_CQ, 'cq', 0x48, 24],
  [DestroyOpcode.DESTROY_QP, 'qp', 0x48, 24],
  [DestroyOpcode.DEALLOC_Q_COUNTER, 'q_counter', 0x78, 8],
  [DestroyOpcode.DESTROY_TIR, 'tir', 0x48, 24],
  [DestroyOpcode.DESTROY_SQ, 'sq', 0x48, 24],
  [DestroyOpcode.DESTROY_RQ, 'rq', 0x48, 24],
  [DestroyOpcode.DESTROY_TIS, 'tis', 0x48, 24],
  [DestroyOpcode.DESTROY_RQT, 'rqt', 0x48, 24],
];

export const destroyCommands: readonly CommandDef[] = DESTROYS.map(([opcode, type, bit, width]): CommandDef => ({
  opcode,
  inLen: 16,
  outLen: 16,
  run({ inbox, uid, state }) {
    const obj = ownedObject(state, type, getBits(inbox, bit, width), uid);
    const user = referrer(state, obj);
    if (user) {
      throw new FwError(
        FwStatus.BAD_RES_STATE,
        ObjSyndrome.OBJECT_IN_USE,
        `${type} 0x${obj.id.toString(16)} is used by ${user.type} 0x${user.id.toString(16)}`,
      );
    }
    state.objects.remove(type, obj.id);
  },
}));
