/**
 * The seam between the dump registers and host memory. Core dumps (CORE_DUMP type 2) and mkey-mode
 * resource dumps write their bytes through an mkey into registered user memory (UMEM); that
 * translation belongs to the UMEM/mkey feature, which installs a writer here. Without one, every
 * mkey is invalid and the dump registers answer BAD_PARAM.
 */
import type { SimState } from '../state';

export interface DumpMemoryWrite {
  mkey: number;
  address: bigint;
  data: Buffer;
  /** The UID issuing the dump: the mkey must be one it may use. */
  uid: number;
}

export interface DumpMemoryWriter {
  /** Writes `data` at `address` through `mkey`; throws FwError when the mkey does not cover it. */
  write(req: DumpMemoryWrite): void;
}

const writers = new WeakMap<SimState, DumpMemoryWriter>();

export function setDumpMemoryWriter(state: SimState, writer: DumpMemoryWriter | null): void {
  if (writer === null) writers.delete(state);
  else writers.set(state, writer);
}

export function dumpMemoryWriterOf(state: SimState): DumpMemoryWriter | undefined {
  return writers.get(state);
}
