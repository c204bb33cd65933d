/**
 * QUERY_* for queue and steering objects (SQ, RQ, TIS, TIR, RQT, RMP, SRQ, DCT, XRQ), Q counters
 * output, and the small queries whose inbox carries only a function or table index.
 */
import type { LayoutFamily } from '../types';
import { IN_HDR, OUT_HDR } from './common';

const byNumber = (field: string): { size: number; fields: typeof IN_HDR } => ({
  size: 16,
  fields: [...IN_HDR, [field, 0x48, 0x18]],
});

/** Outbox with 0xc0 bits of header and a context of `bits` bits the tools only hexdump. */
const ctxOut = (ctx: string, bits: number, at = 0x100): { size: number; fields: typeof OUT_HDR } => ({
  size: (at + bits) / 8,
  fields: [...OUT_HDR, { name: ctx, bit: at, kind: 'bytes', width: bits }],
});

export const queriesObj: LayoutFamily = {
  query_sq_in: byNumber('sqn'),
  query_sq_out: ctxOut('sq_context', 0x780),
  query_rq_in: byNumber('rqn'),
  query_rq_out: ctxOut('rq_context', 0x780),
  query_rmp_in: byNumber('rmpn'),
  query_rmp_out: ctxOut('rmp_context', 0x780),
  query_tis_in: byNumber('tisn'),
  query_tis_out: ctxOut('tis_context', 0x500, 0x80),
  query_tir_in: byNumber('tirn'),
  query_tir_out: ctxOut('tir_context', 0x780),
  query_rqt_in: byNumber('rqtn'),
  query_rqt_out: ctxOut('rqt_context', 0x780),
  query_srq_in: byNumber('srqn'),
  query_xrc_srq_in: byNumber('xrc_srqn'),
  query_dct_in: byNumber('dctn'),
  query_xrq_in: byNumber('xrqn'),
  query_q_counter_out: {
    size: 256,
    fields: [
      ...OUT_HDR,
      ['rx_write_requests', 0x80, 0x20],
      ['rx_read_requests', 0xc0, 0x20],
      ['rx_atomic_requests', 0x100, 0x20],
      ['rx_dct_connect', 0x140, 0x20],
      ['out_of_buffer', 0x180, 0x20],
      ['out_of_sequence', 0x1c0, 0x20],
      ['duplicate_request', 0x200, 0x20],
      ['rnr_nak_retry_err', 0x240, 0x20],
      ['packet_seq_err', 0x280, 0x20],
      ['implied_nak_seq_err', 0x2c0, 0x20],
      ['local_ack_timeout_err', 0x300, 0x20],
      ['resp_local_length_error', 0x3c0, 0x20],
      ['req_local_length_error', 0x3e0, 0x20],
      ['resp_local_qp_error', 0x400, 0x20],
      ['local_operation_error', 0x420, 0x20],
      ['resp_local_protection', 0x440, 0x20],
      ['req_local_protection', 0x460, 0x20],
      ['resp_cqe_error', 0x480, 0x20],
      ['req_cqe_error', 0x4a0, 0x20],
      ['req_mw_binding', 0x4c0, 0x20],
      ['req_bad_response', 0x4e0, 0x20],
      ['req_remote_invalid_request', 0x500, 0x20],
      ['resp_remote_invalid_request', 0x520, 0x20],
      ['req_remote_access_errors', 0x540, 0x20],
      ['resp_remote_access_errors', 0x560, 0x20],
      ['req_remote_operation_errors', 0x580, 0x20],
      ['req_transport_retries_exceeded', 0x5a0, 0x20],
      ['cq_overflow', 0x5c0, 0x20],
      ['resp_cqe_flush_error', 0x5e0, 0x20],
      ['req_cqe_flush_error', 0x600, 0x20],
      ['roce_adp_retrans', 0x640, 0x20],
      ['roce_adp_retrans_to', 0x660, 0x20],
      ['roce_slow_restart', 0x680, 0x20],
      ['roce_slow_restart_cnps', 0x6a0, 0x20],
      ['roce_slow_restart_trans', 0x6c0, 0x20],    ],
  },
  query_special_contexts_in: { size: 16, fields: [...IN_HDR] },
  query_special_contexts_out: {
    size: 32,
    fields: [...OUT_HDR, ['dump_fill_mkey', 0x40, 0x20], ['resd_lkey', 0x60, 0x20], ['null_mkey', 0x80, 0x20]],
  },
  query_pages_in: {
    size: 16,
    doc: 'op_mod 1 boot, 2 init, 3 regular pages',
    fields: [...IN_HDR, ['embedded_cpu_function', 0x40, 1], ['function_id', 0x50, 0x10]],
  },
  query_other_hca_cap_in: { size: 16, fields: [...IN_HDR, ['function_id', 0x50, 0x10]] },
  query_vhca_migration_state_in: { size: 16, fields: [...IN_HDR, ['vhca_id', 0x50, 0x10]] },
  query_nic_vport_context_in: {
    size: 16,
    fields: [...IN_HDR, ['other_vport', 0x40, 1], ['vport_number', 0x50, 0x10], ['allowed_list_type', 0x65, 3]],
  },
  query_hca_vport_context_in: {
    size: 16,
    fields: [...IN_HDR, ['other_vport', 0x40, 1], ['port_num', 0x4c, 4], ['vport_number', 0x50, 0x10]],
  },
  query_esw_vport_context_in: {
    size: 16,
    fields: [...IN_HDR, ['other_vport', 0x40, 1], ['vport_number', 0x50, 0x10]],
  },
};
