/**
 * Port access registers: PPCNT (with the IEEE 802.3 and physical-layer counter groups), PDDR header, PAOS, PTYS and the
 * capability-mask registers PCAM and QCAM. ADB "off.bit" offsets converted as in registers.ts.
 * Group payloads this module does not break down are declared as bytes, not reserved, so a
 * validator never rejects a payload it does not understand.
 */
import type { LayoutFamily } from '../types';

const IEEE_802_3 = [
  'a_frames_transmitted_ok',
  'a_frames_received_ok',
  'a_frame_check_sequence_errors',
  'a_alignment_errors',
  'a_octets_transmitted_ok',
  'a_octets_received_ok',
  'a_multicast_frames_xmitted_ok',
  'a_broadcast_frames_xmitted_ok',
  'a_multicast_frames_received_ok',
  'a_broadcast_frames_received_ok',
  'a_in_range_length_errors',
  'a_out_of_range_length_field',
  'a_frame_too_long_errors',
  'a_symbol_error_during_carrier',
  'a_mac_control_frames_transmitted',
  'a_mac_control_frames_received',
  'a_unsupported_opcodes_received',
  'a_pause_mac_ctrl_frames_received',
  'a_pause_mac_ctrl_frames_transmitted',
] as const;

const LANES = ['lane0', 'lane1', 'lane2', 'lane3'] as const;

/** mlx5_ifc phys_layer_cntrs: the be64 counters in order (the PRM's high/low dword pairs). */
const PHYS_LAYER = [
  'time_since_last_clear',
  'symbol_errors',
  'sync_headers_errors',
  ...LANES.map((l) => `edpl_bip_errors_${l}`),
  ...LANES.map((l) => `fc_fec_corrected_blocks_${l}`),
  ...LANES.map((l) => `fc_fec_uncorrectable_blocks_${l}`),
  'rs_fec_corrected_blocks',
  'rs_fec_uncorrectable_blocks',
  'rs_fec_no_errors_blocks',
  'rs_fec_single_error_blocks',
  'rs_fec_corrected_symbols_total',
  ...LANES.map((l) => `rs_fec_corrected_symbols_${l}`),
];

export const registersPort: LayoutFamily = {
  ppcnt: {
    size: 256,
    doc: 'PPCNT 0x5008: grp 0 IEEE 802.3, 1 RFC2863, 2 RFC2819, 3 RFC3635, 0x10 per-prio, 0x12 phys layer',
    fields: [
      ['swid', 0x0, 8],
      ['local_port', 0x8, 8],
      ['pnat', 0x10, 2],
      ['lp_msb', 0x12, 2],
      ['port_type', 0x14, 4],
      ['grp', 0x1a, 6],
      ['clr', 0x20, 1],
      ['lp_gl', 0x21, 1],
      ['counters_cap', 0x22, 1],
      ['plane_ind', 0x34, 4],
      ['grp_profile', 0x38, 3],
      ['prio_tc', 0x3b, 5],
      { name: 'counter_set', bit: 0x40, kind: 'bytes', width: 0x7c0, union: 'counter_set' },
      { name: 'eth_802_3_cntrs_grp_data_layout', bit: 0x40, kind: 'struct', of: 'eth_802_3_cntrs_grp_data_layout', union: 'counter_set' },
      { name: 'phys_layer_cntrs', bit: 0x40, kind: 'struct', of: 'phys_layer_cntrs', union: 'counter_set' },
    ],
  },
  eth_802_3_cntrs_grp_data_layout: {
    size: 248,
    doc: 'each counter is a be64 (the PRM high/low dword pair)',
    fields: IEEE_802_3.map((name, i) => [name, i * 64, 64] as const),
  },
  phys_layer_cntrs: {
    size: 248,
    doc: 'PPCNT group 0x12 (physical layer): be64 counters, then two u32 event counts',
    fields: [
      ...PHYS_LAYER.map((name, i) => [name, i * 64, 64] as const),
      ['link_down_events', 0x600, 0x20],
      ['successful_recovery_events', 0x620, 0x20],
    ],
  },
  pddr: {
    size: 256,
    doc: 'PDDR 0x5031: page_select picks the page_data layout',
    fields: [
      ['local_port', 0x8, 8],
      ['pnat', 0x10, 2],
      ['lp_msb', 0x12, 2],
      ['page_select', 0x38, 8],
      { name: 'page_data', bit: 0x40, kind: 'bytes', width: 0x7c0 },
    ],
  },
  sltp: {
    size: 0x4c,
    doc: 'SLTP 0x5027: serdes lane transmit parameters of one lane; version 4 (prod_7nm) selects the 7nm FIR taps page (signed 8-bit taps)',
    fields: [
      ['lp_msb', 0x0, 2],
      ['status', 0x2, 2],
      ['version', 0x4, 4],
      ['local_port', 0x8, 8],
      ['pnat', 0x10, 2],
      ['tx_policy', 0x12, 1],
      ['lane', 0x14, 4],
      ['lane_speed', 0x18, 4],
      ['port_type', 0x1c, 3],
      ['c_db', 0x1f, 1],
      // page_data (byte 4) as sltp_7nm_ext
      ['ob_bad_stat', 0x28, 8],
      ['fir_pre3', 0x30, 8],
      ['fir_pre2', 0x38, 8],
      ['fir_pre1', 0x40, 8],
      ['fir_main', 0x48, 8],
      ['fir_post1', 0x50, 8],
    ],
  },
  paos: {
    size: 16,
    doc: 'PAOS 0x5006: oper_status 1 up, 2 down, 4 down by failure',
    fields: [
      ['swid', 0x0, 8],
      ['local_port', 0x8, 8],
      ['lp_msb', 0x12, 2],
      ['admin_status', 0x14, 4],
      ['oper_status', 0x1c, 4],
      ['ase', 0x20, 1],
      ['ee', 0x21, 1],
      ['e', 0x3e, 2],
    ],
  },
  ptys: {
    size: 64,
    doc: 'PTYS 0x5004: proto_mask 0x4 Ethernet',
    fields: [
      ['an_disable_admin', 0x1, 1],
      ['an_disable_cap', 0x2, 1],
      ['local_port', 0x8, 8],
      ['lp_msb', 0x12, 2],
      ['plane_ind', 0x18, 4],
      ['proto_mask', 0x1d, 3],
      ['an_status', 0x20, 4],
      ['data_rate_oper', 0x30, 0x10],
      ['ext_eth_proto_capability', 0x40, 0x20],
      ['eth_proto_capability', 0x60, 0x20],
      ['ib_link_width_capability', 0x80, 0x10],
      ['ib_proto_capability', 0x90, 0x10],
      ['ext_eth_proto_admin', 0xa0, 0x20],
      ['eth_proto_admin', 0xc0, 0x20],
      ['ib_link_width_admin', 0xe0, 0x10],
      ['ib_proto_admin', 0xf0, 0x10],
      ['ext_eth_proto_oper', 0x100, 0x20],
      ['eth_proto_oper', 0x120, 0x20],
      ['ib_link_width_oper', 0x140, 0x10],
      ['ib_proto_oper', 0x150, 0x10],
      ['lane_rate_oper', 0x168, 0x14],
      ['connector_type', 0x17c, 4],
      ['eth_proto_lp_advertise', 0x180, 0x20],
    ],
  },
  pcam: {
    size: 80,
    doc: 'PCAM 0x507f: port register / feature capability masks',
    fields: [
      ['feature_group', 0x8, 8],
      ['access_reg_group', 0x18, 8],
      { name: 'port_access_reg_cap_mask', bit: 0x40, kind: 'bytes', width: 0x80 },
      { name: 'feature_cap_mask', bit: 0x140, kind: 'bytes', width: 0x80 },
    ],
  },
  qcam: {
    size: 72,
    doc: 'QCAM 0x4019: QoS register / feature capability masks',
    fields: [
      ['feature_group', 0x8, 8],
      ['access_reg_group', 0x18, 8],
      { name: 'qos_access_reg_cap_mask', bit: 0x40, kind: 'bytes', width: 0x80 },
      { name: 'qos_feature_cap_mask', bit: 0x140, kind: 'bytes', width: 0x80 },
    ],
  },
};
