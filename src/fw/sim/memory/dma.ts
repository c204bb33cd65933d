/**
 * Device writes through an mkey: (mkey, virtual address, bytes) → UMEM pages → I/O virtual
 * addresses → the broker's DMA window. Every check the hardware makes is made here, and any
 * failure is a firmware status; nothing is written unless the whole range is valid.
 */
import { DmaFault } from '../../device';
import { FwStatus } from '../../status';
import { FwError } from '../errors';
import { SimState } from '../state';
import { MemorySyndrome, ownedObject } from './ownership';
import { mkeyContext } from './pd_mkey';
import { UMEM_PAGE, umemContext } from './umem';

interface Segment {
  iova: bigint;
  offset: number;
  length: number;
}

/** Resolves [va, va + length) of `mkey` for `uid` into page segments, or throws FwError. */
export function resolveMkeyRange(state: SimState, uid: number, mkey: number, va: bigint, length: number, write: boolean): Segment[] {
  const index = mkey >>> 8;
  const obj = ownedObject(state, 'mkey', index, uid);
  const m = mkeyContext(obj.ctx);
  if ((mkey & 0xff) !== m.key) throw new FwError(FwStatus.BAD_PARAM, MemorySyndrome.MKEY_KEY, `mkey 0x${mkey.toString(16)}: wrong key byte`);
  if (write ? !m.localWrite : !m.localRead) throw new FwError(FwStatus.BAD_PARAM, MemorySyndrome.MKEY_ACCESS, `mkey 0x${mkey.toString(16)} lacks ${write ? 'write' : 'read'} access`);
  const end = va + BigInt(length);
  if (va < m.startAddr || end > m.startAddr + m.length) {
    throw new FwError(FwStatus.BAD_PARAM, MemorySyndrome.MKEY_RANGE, `range 0x${va.toString(16)}+${length} outside mkey 0x${mkey.toString(16)}`);
  }
  const umem = umemContext(ownedObject(state, 'umem', m.umemId, obj.uid).ctx);
  const segments: Segment[] = [];
  let pos = Number(va - m.startAddr + m.umemOffset) + umem.pageOffset;
  let done = 0;
  while (done < length) {
    const page = Math.floor(pos / UMEM_PAGE);
    const inPage = pos % UMEM_PAGE;
    const n = Math.min(length - done, UMEM_PAGE - inPage);
    if (write && !umem.writable[page]) throw new FwError(FwStatus.BAD_PARAM, MemorySyndrome.MKEY_ACCESS, `umem page ${page} is read-only`);
    const iova = umem.pages[page] + BigInt(inPage);
    const last = segments[segments.length - 1];
    // Pages the broker mapped contiguously coalesce into one DMA transfer.
    if (last && last.iova + BigInt(last.length) === iova) last.length += n;
    else segments.push({ iova, offset: done, length: n });
    done += n;
    pos += n;
  }
  return segments;
}

export function dmaWrite(state: SimState, uid: number, mkey: number, va: bigint, data: Buffer): void {
  const segments = resolveMkeyRange(state, uid, mkey, va, data.length, true);
  try {
    for (const s of segments) state.dma.write(s.iova, data.subarray(s.offset, s.offset + s.length));
  } catch (err) {
    if (err instanceof DmaFault) throw new FwError(FwStatus.BAD_SYS_STATE, MemorySyndrome.DMA_FAULT, err.message);
    throw err;
  }
}
