/**
 * User contexts (the FW UID a session runs under) and user memory registrations (UMEM, with the
 * MTT list the broker builds from pinned pages). QUERY_UCTX/QUERY_UMEM are not in public
 * mlx5_ifc.h: their inboxes follow the destroy commands (object id at the same offset) and their
 * outboxes return the object's context after the usual 16-byte header.
 */
import type { FieldSrc, LayoutFamily } from '../types';
import { IN_HDR, OUT_HDR } from './common';

/**
 * Inbox of the commands naming a UCTX: the target uid sits at 0x50, so the header uid the broker
 * stamps keeps its place at 0x10 under another name.
 */
const UCTX_TARGET: readonly FieldSrc[] = [
  ['opcode', 0x0, 0x10],
  { name: 'hdr_uid', bit: 0x10, width: 0x10, doc: 'mbox_in.uid, stamped by the broker' },
  ['op_mod', 0x30, 0x10],
  ['uid', 0x50, 0x10],
];

export const uctxUmem: LayoutFamily = {
  uctx: {
    size: 48,
    doc: 'cap bits: RAW_TX 0x1, INTERNAL_DEV_RES 0x2, TOOLS_RESOURCES 0x4',
    fields: [['cap', 0x0, 0x20]],
  },
  create_uctx_in: {
    size: 64,
    doc: 'issued by the broker with uid 0',
    fields: [...IN_HDR, { name: 'uctx', bit: 0x80, kind: 'struct', of: 'uctx' }],
  },
  create_uctx_out: { size: 16, fields: [...OUT_HDR, ['uid', 0x50, 0x10]] },
  destroy_uctx_in: { size: 16, fields: UCTX_TARGET },
  destroy_uctx_out: { size: 16, fields: [...OUT_HDR] },
  query_uctx_in: { size: 16, fields: UCTX_TARGET },
  query_uctx_out: {
    size: 64,
    fields: [...OUT_HDR, ['uid', 0x50, 0x10], { name: 'uctx', bit: 0x80, kind: 'struct', of: 'uctx' }],
  },

  mtt: {
    size: 8,
    doc: 'one page: be64 DMA address with write/read enables in the low bits',
    fields: [['ptag_63_32', 0x0, 0x20], ['ptag_31_8', 0x20, 0x18], ['wr_en', 0x3e, 1], ['rd_en', 0x3f, 1]],
  },
  umem: {
    size: 32,
    doc: 'log_page_size is log2(page)-12; page_offset is the offset of the first byte in its page',
    fields: [['ats', 0x80, 1], ['log_page_size', 0x9b, 5], ['page_offset', 0xa0, 0x20], ['num_of_mtt', 0xc0, 64]],
  },
  create_umem_in: {
    size: 48,
    doc: 'inlen = 48 + 8 * num_of_mtt',
    fields: [
      ...IN_HDR,
      { name: 'umem', bit: 0x80, kind: 'struct', of: 'umem' },
      { name: 'mtt', bit: 0x180, kind: 'array', of: 'mtt', count: 0 },
    ],
  },
  create_umem_out: { size: 16, fields: [...OUT_HDR, ['umem_id', 0x48, 0x18]] },
  destroy_umem_in: { size: 16, fields: [...IN_HDR, ['umem_id', 0x48, 0x18]] },
  destroy_umem_out: { size: 16, fields: [...OUT_HDR] },
  query_umem_in: { size: 16, fields: [...IN_HDR, ['umem_id', 0x48, 0x18]] },
  query_umem_out: {
    size: 48,
    fields: [
      ...OUT_HDR,
      ['umem_id', 0x48, 0x18],
      { name: 'umem', bit: 0x80, kind: 'struct', of: 'umem' },
      { name: 'mtt', bit: 0x180, kind: 'array', of: 'mtt', count: 0 },
    ],
  },
};
