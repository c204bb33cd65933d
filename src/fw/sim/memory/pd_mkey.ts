/**
 * ALLOC_PD / DEALLOC_PD / CREATE_MKEY / DESTROY_MKEY. An mkey in MTT mode over a UMEM
 * (mkey_umem_valid) is how a dump register names "write the answer into this user buffer".
 *   alloc_pd_out / dealloc_pd_in: pd@0x48/24
 *   create_mkey_in: mkey_umem_valid@0x61; mkc at bit 0x80 {lw@0x93, lr@0x95, access_mode_1_0@0x96/2,
 *     mkey_7_0@0xb8/8, pd@0xe8/24, start_addr@0x100/64, len@0x140/64}; mkey_umem_id@0x320/32,
 *     mkey_umem_offset@0x340/64
 *   create_mkey_out / destroy_mkey_in: mkey_index@0x48/24 (the mkey is index << 8 | mkey_7_0)
 */
import { Opcode } from '../../opcodes';
import { FwStatus } from '../../status';
import { get64, getBits, setBits } from '../../../uapi/ifc/bits';
import { CommandDef } from '../command';
import { FwError } from '../errors';
import { MemorySyndrome, ownedObject, requireKnownUid, usersOf } from './ownership';
import { UMEM_PAGE, umemContext } from './umem';

const MKC = 0x80;
const ACCESS_MODE_MTT = 1;

export interface MkeyContext extends Record<string, unknown> {
  pd: number;
  umemId: number;
  key: number;
  startAddr: bigint;
  length: bigint;
  umemOffset: bigint;
  localRead: boolean;
  localWrite: boolean;
}

export const mkeyContext = (ctx: Record<string, unknown>): MkeyContext => ctx as MkeyContext;

export const allocPd: CommandDef = {
  opcode: Opcode.ALLOC_PD,
  inLen: 16,
  outLen: 16,
  run({ outbox, uid, state }) {
    requireKnownUid(state, uid);
    setBits(outbox, 0x48, 24, state.objects.add('pd', uid, {}).id);
  },
};

export const deallocPd: CommandDef = {
  opcode: Opcode.DEALLOC_PD,
  inLen: 16,
  outLen: 16,
  run({ inbox, uid, state }) {
    const pd = ownedObject(state, 'pd', getBits(inbox, 0x48, 24), uid);
    if (usersOf(state, 'mkey', 'pd', pd.id).length > 0) throw new FwError(FwStatus.BAD_RES_STATE, MemorySyndrome.IN_USE, `pd ${pd.id} has mkeys`);
    state.objects.remove('pd', pd.id);
  },
};

export const createMkey: CommandDef = {
  opcode: Opcode.CREATE_MKEY,
  inLen: 0x110,
  outLen: 16,
  run({ inbox, outbox, uid, state }) {
    requireKnownUid(state, uid);
    const pd = ownedObject(state, 'pd', getBits(inbox, MKC + 0x68, 24), uid);
    if (getBits(inbox, MKC + 0x16, 2) !== ACCESS_MODE_MTT || getBits(inbox, MKC + 0x03, 3) !== 0) {
      throw new FwError(FwStatus.BAD_PARAM, MemorySyndrome.BAD_ACCESS_MODE, 'only MTT access mode over a UMEM is supported');
    }
    if (getBits(inbox, 0x61, 1) !== 1) {
      throw new FwError(FwStatus.BAD_PARAM, MemorySyndrome.BAD_ACCESS_MODE, 'a tools mkey must name a UMEM (mkey_umem_valid)');
    }
    const umem = ownedObject(state, 'umem', getBits(inbox, 0x320, 32), uid);
    const u = umemContext(umem.ctx);
    const startAddr = get64(inbox, MKC + 0x80);
    const length = get64(inbox, MKC + 0xc0);
    const umemOffset = get64(inbox, 0x340);
    const umemBytes = BigInt(u.pages.length * UMEM_PAGE - u.pageOffset);
    if (length === 0n || umemOffset > umemBytes || length > umemBytes - umemOffset) {
      throw new FwError(FwStatus.BAD_PARAM, MemorySyndrome.MKEY_RANGE, `mkey of ${length} bytes at +${umemOffset} does not fit the ${umemBytes}-byte umem`);
    }
    const ctx: MkeyContext = {
      pd: pd.id,
      umemId: umem.id,
      key: getBits(inbox, MKC + 0x38, 8),
      startAddr,
      length,
      umemOffset,
      localRead: getBits(inbox, MKC + 0x15, 1) === 1,
      localWrite: getBits(inbox, MKC + 0x14, 1) === 1,
    };
    // Driver mkeys (uid 0) take low indexes; tools mkeys start above them.
    setBits(outbox, 0x48, 24, state.objects.add('mkey', uid, ctx, undefined, 0x100).id);
  },
};

export const destroyMkey: CommandDef = {
  opcode: Opcode.DESTROY_MKEY,
  inLen: 16,
  outLen: 16,
  run({ inbox, uid, state }) {
    const mkey = ownedObject(state, 'mkey', getBits(inbox, 0x48, 24), uid);
    state.objects.remove('mkey', mkey.id);
  },
};
