/**
 * QUERY_* commands used by `mlx5ctl obj` for device-wide state: adapter, ISSI, EQ, CQ, QP, Q
 * counters, vport state/counters and the vNIC environment. Object contexts the tools only hexdump
 * are declared as bytes.
 */
import type { LayoutFamily, FieldSrc } from '../types';
import { IN_HDR, OUT_HDR } from './common';

/** QUERY_<obj>_in with a 24-bit object number at 0x48, the common shape. */
function queryByNumber(field: string): { size: number; fields: readonly FieldSrc[] } {
  return { size: 16, fields: [...IN_HDR, [field, 0x48, 0x18]] };
}

const VPORT: readonly FieldSrc[] = [['other_vport', 0x40, 1], ['vport_number', 0x50, 0x10]];

const TRAFFIC_COUNTERS = [
  'received_errors',
  'transmit_errors',
  'received_ib_unicast',
  'transmitted_ib_unicast',
  'received_ib_multicast',
  'transmitted_ib_multicast',
  'received_eth_broadcast',
  'transmitted_eth_broadcast',
  'received_eth_unicast',
  'transmitted_eth_unicast',
  'received_eth_multicast',
  'transmitted_eth_multicast',
] as const;

export const queries: LayoutFamily = {
  query_adapter_in: { size: 16, fields: [...IN_HDR] },
  query_adapter_param_block: {
    size: 256,
    fields: [
      ['ieee_vendor_id', 0xc8, 0x18],
      ['vsd_vendor_id', 0xf0, 0x10],
      { name: 'vsd', bit: 0x100, kind: 'string', width: 208 * 8 },
      { name: 'vsd_contd_psid', bit: 0x780, kind: 'string', width: 0x80 },
    ],
  },
  query_adapter_out: {
    size: 272,
    fields: [...OUT_HDR, { name: 'query_adapter_struct', bit: 0x80, kind: 'struct', of: 'query_adapter_param_block' }],
  },
  query_issi_in: { size: 16, fields: [...IN_HDR] },
  query_issi_out: {
    size: 112,
    doc: 'supported_issi_dw0 bit n = ISSI n supported',
    fields: [...OUT_HDR, ['current_issi', 0x50, 0x10], ['supported_issi_dw0', 0x360, 0x20]],
  },

  eqc: {
    size: 64,
    fields: [
      ['status', 0x0, 4],
      ['ec', 0xd, 1],
      ['oi', 0xe, 1],
      ['st', 0x14, 4],
      ['page_offset', 0x54, 6],
      ['log_eq_size', 0x63, 5],
      ['uar_page', 0x68, 0x18],
      ['intr', 0xb4, 0xc],
      ['log_page_size', 0xc3, 5],
      ['consumer_counter', 0x148, 0x18],
      ['producer_counter', 0x168, 0x18],
    ],
  },
  query_eq_in: { size: 16, fields: [...IN_HDR, ['eq_number', 0x58, 8]] },
  query_eq_out: {
    size: 272,
    fields: [
      ...OUT_HDR,
      { name: 'eq_context_entry', bit: 0x80, kind: 'struct', of: 'eqc' },
      ['event_bitmask', 0x2c0, 64],
      { name: 'pas', bit: 0x880, kind: 'array', of: 'u64', stride: 64, count: 0 },
    ],
  },
  query_cq_in: queryByNumber('cqn'),
  query_cq_out: {
    size: 272,
    fields: [
      ...OUT_HDR,
      { name: 'cq_context', bit: 0x80, kind: 'bytes', width: 0x200 },
      { name: 'pas', bit: 0x880, kind: 'array', of: 'u64', stride: 64, count: 0 },
    ],
  },
  query_qp_in: { size: 16, fields: [...IN_HDR, ['qpn', 0x48, 0x18], ['qpc_ext', 0x60, 1]] },
  query_qp_out: {
    size: 272,
    fields: [
      ...OUT_HDR,
      ['opt_param_mask', 0x80, 0x20],
      ['ece', 0xa0, 0x20],
      { name: 'qpc', bit: 0xc0, kind: 'bytes', width: 0x740 },
      { name: 'pas', bit: 0x880, kind: 'array', of: 'u64', stride: 64, count: 0 },
    ],
  },
  query_q_counter_in: {
    size: 32,
    doc: 'clear resets after reading; counter_set_id from ALLOC_Q_COUNTER',
    fields: [...IN_HDR, ...VPORT, ['clear', 0xc0, 1], ['aggregate', 0xc1, 1], ['counter_set_id', 0xf8, 8]],
  },
  query_vport_state_in: {
    size: 16,
    doc: 'op_mod 0 vNIC vport, 1 e-switch vport, 2 uplink',
    fields: [...IN_HDR, ...VPORT],
  },
  query_vport_state_out: {
    size: 16,
    fields: [...OUT_HDR, ['admin_state', 0x78, 4], ['state', 0x7c, 4]],
  },
  traffic_counter: { size: 16, fields: [['packets', 0x0, 64], ['octets', 0x40, 64]] },
  query_vport_counter_in: {
    size: 32,
    fields: [...IN_HDR, ['other_vport', 0x40, 1], ['port_num', 0x4c, 4], ['vport_number', 0x50, 0x10], ['clear', 0xc0, 1]],
  },
  query_vport_counter_out: {
    size: 528,
    fields: [
      ...OUT_HDR,
      ...TRAFFIC_COUNTERS.map((name, i) => ({ name, bit: 0x80 + i * 0x80, kind: 'struct', of: 'traffic_counter' }) as const),
    ],
  },
  vnic_diagnostic_statistics: {
    size: 512,
    fields: [
      ['counter_error_queues', 0x0, 0x20],
      ['total_error_queues', 0x20, 0x20],
      ['send_queue_priority_update_flow', 0x40, 0x20],
      ['nic_receive_steering_discard', 0x80, 64],
      ['receive_discard_vport_down', 0xc0, 64],
      ['transmit_discard_vport_down', 0x100, 64],
      ['async_eq_overrun', 0x140, 0x20],
      ['comp_eq_overrun', 0x160, 0x20],
      ['invalid_command', 0x1a0, 0x20],
      ['quota_exceeded_command', 0x1c0, 0x20],
      ['internal_rq_out_of_buffer', 0x1e0, 0x20],
      ['cq_overrun', 0x200, 0x20],
      ['eth_wqe_too_small', 0x220, 0x20],
    ],
  },
  query_vnic_env_in: { size: 16, fields: [...IN_HDR, ...VPORT] },
  query_vnic_env_out: {
    size: 528,
    fields: [...OUT_HDR, { name: 'vport_env', bit: 0x80, kind: 'struct', of: 'vnic_diagnostic_statistics' }],
  },
};
