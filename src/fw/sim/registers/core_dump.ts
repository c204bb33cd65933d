/**
 * CORE_DUMP (register 0x402e). mlx5ctl's `coredump` asks for core_dump_type 2 (CR_DUMP_TO_MEM):
 * the firmware writes a cr-space snapshot through the caller's mkey into its UMEM and answers
 * with size, address, cookie and more_dump. The memory side is the UMEM feature's writer (see
 * dump_memory.ts); `coreDumpToMemory` is the hook it completes. GENERAL (0) and QP (1) core dumps
 * go to the firmware's own storage and are not modelled.
 */
import { layout } from '../../../uapi/ifc';
import { crspaceOf } from '../crspace';
import { mix32 } from '../crspace/hash';
import type { SimState } from '../state';
import { badRegParam } from './access';
import { dumpMemoryWriterOf } from './dump_memory';
import type { RegisterContext, RegisterDef } from './register';
import { RegSyndrome } from './syndromes';

export const CORE_DUMP_REG = 0x402e;
export const CoreDumpType = { GENERAL: 0, QP: 1, CR_DUMP_TO_MEM: 2 } as const;
/** Bytes of a full cr-space core dump (mlx5ctl's README sample reports 831304). */
export const CORE_DUMP_SIZE = 831_304;

const reg = layout('core_dump_reg');
const F = {
  more: reg.uint('more_dump'),
  type: reg.uint('core_dump_type'),
  mkey: reg.uint('mkey'),
  size: reg.uint('size'),
  address: reg.u64('address'),
  cookie: reg.u64('cookie'),
};

/** The dump image: the first CORE_DUMP_SIZE bytes of cr-space, dwords little-endian as crdump stores them. */
export function renderCoreDump(state: SimState): Buffer {
  return crspaceOf(state).read(0, CORE_DUMP_SIZE);
}

const dumpsTaken = new WeakMap<SimState, number>();

/**
 * CR_DUMP_TO_MEM: writes as much of the image as `size` allows at `address` through `mkey`.
 * A buffer smaller than the image gets its first `size` bytes and more_dump = 1 (the recommended
 * 2 MB always holds it whole). Throws BAD_PARAM when no writer accepts the mkey.
 */
export function coreDumpToMemory({ state, data, reply, uid }: RegisterContext): void {
  const writer = dumpMemoryWriterOf(state);
  const size = F.size.get(data);
  if (writer === undefined || size === 0) {
    throw badRegParam(RegSyndrome.CORE_DUMP_BAD_MKEY, `core dump: mkey 0x${F.mkey.get(data).toString(16)} is not valid`);
  }
  const image = renderCoreDump(state);
  const chunk = image.subarray(0, Math.min(size, image.length));
  writer.write({ mkey: F.mkey.get(data), address: F.address.get(data), data: chunk, uid });
  const n = (dumpsTaken.get(state) ?? 0) + 1;
  dumpsTaken.set(state, n);
  F.size.set(reply, chunk.length);
  F.more.set(reply, chunk.length < image.length ? 1 : 0);
  // A cookie names the snapshot; like the sample's 0x500c04 it is a small opaque number.
  F.cookie.set(reply, BigInt((mix32(n) & 0xfffff0) | (n & 0xf)));
}

function coreDump(ctx: RegisterContext): void {
  const type = F.type.get(ctx.data);
  if (type !== CoreDumpType.CR_DUMP_TO_MEM) throw badRegParam(RegSyndrome.CORE_DUMP_BAD_TYPE, `core_dump_type ${type} not supported`);
  coreDumpToMemory(ctx);
}

export const coreDumpRegister: RegisterDef = { id: CORE_DUMP_REG, name: 'CORE_DUMP', size: 0x40, read: coreDump, opModAgnostic: true };
