/**
 * CREATE_UCTX / DESTROY_UCTX / QUERY_UCTX. Only the kernel (uid 0) creates and destroys user
 * contexts; a user context may query itself.
 *   create_uctx_in (64): uctx at byte 0x10 {cap@0x80/32}; create_uctx_out (16): uid@0x50/16
 *   destroy_uctx_in (16): uid@0x50/16
 *   query_uctx_in (16): uid@0x50/16; query_uctx_out (64): uctx at byte 0x10 {cap@0x80/32}
 */
import { FwStatus } from '../../status';
import { Opcode } from '../../opcodes';
import { getBits, setBits } from '../../../uapi/ifc/bits';
import { CommandDef } from '../command';
import { badParam, FwError, Syndrome } from '../errors';

function requireKernel(uid: number, what: string): void {
  if (uid !== 0) throw badParam(Syndrome.UID_NOT_PRIVILEGED, `${what} needs uid 0, got ${uid}`);
}

export const createUctx: CommandDef = {
  opcode: Opcode.CREATE_UCTX,
  inLen: 64,
  outLen: 16,
  run({ inbox, outbox, uid, state }) {
    requireKernel(uid, 'CREATE_UCTX');
    const cap = getBits(inbox, 0x80, 32);
    if ((cap & ~state.uctxCap) !== 0) {
      throw badParam(Syndrome.UCTX_CAP_NOT_SUPPORTED, `uctx cap 0x${cap.toString(16)} not supported`);
    }
    const ctx = state.uids.allocate(cap);
    if (!ctx) throw new FwError(FwStatus.LIM_ERR, Syndrome.UID_EXHAUSTED, 'no free user context');
    setBits(outbox, 0x50, 16, ctx.uid);
  },
};

export const destroyUctx: CommandDef = {
  opcode: Opcode.DESTROY_UCTX,
  inLen: 16,
  outLen: 16,
  run({ inbox, uid, state }) {
    requireKernel(uid, 'DESTROY_UCTX');
    const target = getBits(inbox, 0x50, 16);
    const ctx = state.uids.get(target);
    if (!ctx) throw badParam(Syndrome.UID_UNKNOWN, `uid ${target} does not exist`);
    const owned = state.objects.countOwnedBy(target);
    if (owned > 0) {
      throw new FwError(FwStatus.BAD_RES_STATE, Syndrome.UID_HAS_OBJECTS, `uid ${target} owns ${owned} objects`);
    }
    state.releaseUid(target);
  },
};

export const queryUctx: CommandDef = {
  opcode: Opcode.QUERY_UCTX,
  inLen: 16,
  outLen: 64,
  run({ inbox, outbox, uid, state }) {
    const target = getBits(inbox, 0x50, 16);
    if (uid !== 0 && target !== uid) throw badParam(Syndrome.UID_NOT_PRIVILEGED, `uid ${uid} cannot query uid ${target}`);
    const ctx = state.uids.get(target);
    if (!ctx) throw badParam(Syndrome.UID_UNKNOWN, `uid ${target} does not exist`);
    setBits(outbox, 0x80, 32, ctx.cap);
  },
};
