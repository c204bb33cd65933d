/**
 * CREATE_UMEM / DESTROY_UMEM / QUERY_UMEM. A UMEM is the device's view of pinned user memory:
 * num_of_mtt page translations (I/O virtual addresses with rd/wr permission) and the offset of
 * the first byte in the first page.
 *   create_umem_in (48 + 8n): umem at bit 0x80 {log_page_size@0x9b/5, page_offset@0xa0/32,
 *     num_of_mtt@0xc0/64}; MTT entries from byte 0x30, be64 address | wr_en (bit 1) | rd_en (bit 0)
 *   create_umem_out: umem_id@0x48/24; destroy_umem_in / query_umem_in: umem_id@0x48/24
 */
import { Opcode } from '../../opcodes';
import { FwStatus } from '../../status';
import { get64, getBits, set64, setBits } from '../../../uapi/ifc/bits';
import { CommandDef } from '../command';
import { FwError } from '../errors';
import { MemorySyndrome, ownedObject, requireKnownUid, usersOf } from './ownership';

export const UMEM_PAGE = 4096;
const MTT_BASE = 0x30;
/** 2^log_max_umem pages at most in one UMEM (the cap says 20; a 64 MB umem is 16384 pages). */
const MAX_MTT = 1 << 20;

export interface UmemContext extends Record<string, unknown> {
  pageOffset: number;
  /** Per page: I/O virtual address of the page. */
  pages: bigint[];
  writable: boolean[];
}

export const umemContext = (ctx: Record<string, unknown>): UmemContext => ctx as UmemContext;

export const createUmem: CommandDef = {
  opcode: Opcode.CREATE_UMEM,
  inLen: 48,
  outLen: 16,
  run({ inbox, outbox, uid, state }) {
    requireKnownUid(state, uid);
    if (getBits(inbox, 0x9b, 5) !== 0) throw new FwError(FwStatus.BAD_PARAM, MemorySyndrome.BAD_PAGE_SIZE, 'only 4 KB pages');
    const pageOffset = getBits(inbox, 0xa0, 32);
    const count = get64(inbox, 0xc0);
    if (pageOffset >= UMEM_PAGE) throw new FwError(FwStatus.BAD_PARAM, MemorySyndrome.BAD_MTT, 'page_offset beyond a page');
    if (count === 0n || count > BigInt(MAX_MTT)) throw new FwError(FwStatus.BAD_PARAM, MemorySyndrome.BAD_MTT, `num_of_mtt ${count}`);
    const n = Number(count);
    if (inbox.length < MTT_BASE + 8 * n) throw new FwError(FwStatus.BAD_INP_LEN, MemorySyndrome.BAD_MTT, 'inbox shorter than its MTT list');
    const pages: bigint[] = [];
    const writable: boolean[] = [];
    for (let i = 0; i < n; i++) {
      const entry = inbox.readBigUInt64BE(MTT_BASE + 8 * i);
      if ((entry & 1n) === 0n) throw new FwError(FwStatus.BAD_PARAM, MemorySyndrome.BAD_MTT, `mtt[${i}] not readable`);
      pages.push(entry & ~0xfffn);
      writable.push((entry & 2n) !== 0n);
    }
    const obj = state.objects.add('umem', uid, { pageOffset, pages, writable } satisfies UmemContext);
    setBits(outbox, 0x48, 24, obj.id);
  },
};

export const destroyUmem: CommandDef = {
  opcode: Opcode.DESTROY_UMEM,
  inLen: 16,
  outLen: 16,
  run({ inbox, uid, state }) {
    const obj = ownedObject(state, 'umem', getBits(inbox, 0x48, 24), uid);
    if (usersOf(state, 'mkey', 'umemId', obj.id).length > 0) {
      throw new FwError(FwStatus.BAD_RES_STATE, MemorySyndrome.IN_USE, `umem ${obj.id} is mapped by an mkey`);
    }
    state.objects.remove('umem', obj.id);
  },
};

export const queryUmem: CommandDef = {
  opcode: Opcode.QUERY_UMEM,
  inLen: 16,
  outLen: 48,
  run({ inbox, outbox, uid, state }) {
    const obj = ownedObject(state, 'umem', getBits(inbox, 0x48, 24), uid);
    const ctx = umemContext(obj.ctx);
    setBits(outbox, 0x48, 24, obj.id);
    setBits(outbox, 0xa0, 32, ctx.pageOffset);
    set64(outbox, 0xc0, BigInt(ctx.pages.length));
    // As many MTT entries as the caller's outbox holds.
    const room = Math.min(ctx.pages.length, Math.floor((outbox.length - MTT_BASE) / 8));
    for (let i = 0; i < room; i++) outbox.writeBigUInt64BE(ctx.pages[i] | (ctx.writable[i] ? 2n : 0n) | 1n, MTT_BASE + 8 * i);
  },
};
