/**
 * Cap types src/uapi/ifc has no layout for. Each page sets a handful of well-known fields at the
 * bit offsets of mlx5_ifc.h (noted per struct), with values of a ConnectX-7 Ethernet PF; the rest
 * of each page is zero. Flow-table property blocks (flow_table_prop_layout, 0x200 bits each) share
 * one helper so the NIC RX/TX, FDB, ACL and port-selection tables read alike.
 */
import { CapPages, RawCapField, pagesOf, rawPage } from './page';

/** flow_table_prop_layout at `base`: ft_support@0, flow_counter@2, log_max_ft_size@0x22/6, ... */
function ftProps(prefix: string, base: number, logSize: number, maxLevel: number): RawCapField[] {
  return [
    [`${prefix}.ft_support`, base + 0x0, 1, 1],
    [`${prefix}.flow_counter`, base + 0x2, 1, 1],
    [`${prefix}.flow_modify_en`, base + 0x3, 1, 1],
    [`${prefix}.modify_root`, base + 0x4, 1, 1],
    [`${prefix}.reformat`, base + 0x7, 1, 1],
    [`${prefix}.decap`, base + 0x8, 1, 1],
    [`${prefix}.log_max_ft_size`, base + 0x22, 6, logSize],
    [`${prefix}.log_max_modify_header_context`, base + 0x28, 8, 24],
    [`${prefix}.max_modify_header_actions`, base + 0x30, 8, 32],
    [`${prefix}.max_ft_level`, base + 0x38, 8, maxLevel],
    [`${prefix}.log_max_ft_num`, base + 0x78, 8, 16],
    [`${prefix}.log_max_destination`, base + 0x98, 8, 16],
    [`${prefix}.log_max_flow_counter`, base + 0xa0, 8, 24],
    [`${prefix}.log_max_flow`, base + 0xb8, 8, logSize],
  ];
}

/** odp_cap: sig@0x40, then per-transport {send,receive,write,read,atomic,srq_receive} from 0x80. */
const odp: RawCapField[] = [
  ['sig', 0x40, 1, 1],
  ...(['rc', 'uc', 'ud', 'xrc', 'dc'] as const).flatMap((svc, i): RawCapField[] =>
    ['send', 'receive', 'write', 'read', 'atomic', 'srq_receive'].map(
      (op, j): RawCapField => [`${svc}_odp_caps.${op}`, 0x80 + i * 0x20 + j, 1, svc === 'uc' ? 0 : 1],
    ),
  ),
];

/** atomic_caps: 8-byte atomics in host endianness, CAS/FA and their masked forms. */
const atomic: RawCapField[] = [
  ['atomic_req_8B_endianness_mode', 0x40, 2, 1],
  ['supported_atomic_req_8B_endianness_mode_1', 0x46, 1, 1],
  ['atomic_operations', 0x90, 16, 0xf],
  ['atomic_size_qp', 0xb0, 16, 0x8],
  ['atomic_size_dc', 0xd0, 16, 0x8],
];

/** roce_cap: RoCE v1+v2 over IPv4/IPv6 on UDP port 4791 (the fields `mlx5ctl cap -P` prints). */
const roce: RawCapField[] = [
  ['roce_apm', 0x0, 1, 0],
  ['sw_r_roce_src_udp_port', 0x4, 1, 1],
  ['fl_rc_qp_when_roce_disabled', 0x5, 1, 1],
  ['fl_rc_qp_when_roce_enabled', 0x6, 1, 1],
  ['roce_cc_general', 0x7, 1, 1],
  ['qp_ts_format', 0x1e, 2, 2],
  ['l3_type', 0x8c, 4, 0x6],
  ['roce_version', 0x98, 8, 0x5],
  ['r_roce_dest_udp_port', 0xb0, 16, 4791],
  ['r_roce_max_src_udp_port', 0xc0, 16, 0xffff],
  ['r_roce_min_src_udp_port', 0xd0, 16, 0xc000],
  ['roce_address_table_size', 0xf0, 16, 255],
];

/** flow_table_nic_cap: NIC RX props at 0x200, NIC TX props at 0x800. */
const flowTable: RawCapField[] = [
  ['nic_rx_multi_path_tirs', 0x0, 1, 1],
  ['nic_rx_multi_path_tirs_fts', 0x1, 1, 1],
  ['allow_sniffer_and_nic_rx_shared_tir', 0x2, 1, 1],
  ['sw_owner_reformat_supported', 0x7, 1, 1],
  ['encap_general_header', 0x20, 1, 1],
  ['log_max_packet_reformat_context', 0x2b, 5, 23],
  ['max_encap_header_size', 0x36, 10, 128],
  ...ftProps('flow_table_properties_nic_receive', 0x200, 23, 64),
  ...ftProps('flow_table_properties_nic_transmit', 0x800, 23, 64),
];

/** flow_table_eswitch_cap: FDB props at 0x200, ingress ACL at 0x400, egress ACL at 0x600. */
const eswFlowTable: RawCapField[] = [
  ['fdb_to_vport_reg_c_id', 0x0, 8, 0xff],
  ['fdb_modify_header_fwd_to_table', 0x15, 1, 1],
  ['flow_source', 0x17, 1, 1],
  ['multi_fdb_encap', 0x1a, 1, 1],
  ['egress_acl_forward_to_vport', 0x1b, 1, 1],
  ['fdb_multi_path_to_table', 0x1c, 1, 1],
  ...ftProps('flow_table_properties_nic_esw_fdb', 0x200, 23, 64),
  ...ftProps('flow_table_properties_esw_acl_ingress', 0x400, 16, 4),
  ...ftProps('flow_table_properties_esw_acl_egress', 0x600, 16, 4),
];

/** e_switch_cap: VLAN strip/insert, merged eswitch, SFs from base 0x8000. */
const eswitch: RawCapField[] = [
  ['vport_svlan_strip', 0x0, 1, 1],
  ['vport_cvlan_strip', 0x1, 1, 1],
  ['vport_svlan_insert', 0x2, 1, 1],
  ['vport_cvlan_insert_if_not_exist', 0x3, 1, 1],
  ['vport_cvlan_insert_overwrite', 0x4, 1, 1],
  ['esw_uplink_ingress_acl', 0x8, 1, 1],
  ['esw_functions_changed', 0x19, 1, 1],
  ['ecpf_vport_exists', 0x1b, 1, 0],
  ['counter_eswitch_affinity', 0x1c, 1, 1],
  ['merged_eswitch', 0x1d, 1, 1],
  ['nic_vport_node_guid_modify', 0x1e, 1, 1],
  ['nic_vport_port_guid_modify', 0x1f, 1, 1],
  ['vxlan_encap_decap', 0x20, 1, 1],
  ['nvgre_encap_decap', 0x21, 1, 1],
  ['log_max_fdb_encap_uplink', 0x23, 5, 10],
  ['log_max_packet_reformat_context', 0x2b, 5, 23],
  ['max_encap_header_size', 0x36, 10, 128],
  ['log_max_esw_sf', 0x4b, 5, 8],
  ['esw_sf_base_id', 0x50, 16, 0x8000],
];

/** device_mem_cap: 128 KB of MEMIC in BAR 0 and the SW ICM windows used by SW steering. */
const devMem: RawCapField[] = [
  ['memic', 0x0, 1, 1],
  ['log_min_memic_alloc_size', 0x2b, 5, 6],
  ['log_max_memic_addr_alignment', 0x38, 8, 12],
  ['memic_bar_size', 0x80, 32, 0x20000],
  ['max_memic_size', 0xa0, 32, 0x20000],
  ['log_header_modify_sw_icm_size', 0x108, 8, 21],
  ['log_sw_icm_alloc_granularity', 0x112, 6, 12],
  ['log_steering_sw_icm_size', 0x118, 8, 26],
];
const devMemWide: (readonly [number, bigint])[] = [
  [0x40, 0x1000000n], // memic_bar_start_addr
  [0xc0, 0x7ff0_0000_0000n], // steering_sw_icm_start_address
  [0x140, 0x7fe0_0000_0000n], // header_modify_sw_icm_start_address
];

const tls: RawCapField[] = [
  ['tls_1_2_aes_gcm_128', 0x0, 1, 1],
  ['tls_1_3_aes_gcm_128', 0x1, 1, 1],
  ['tls_1_2_aes_gcm_256', 0x2, 1, 1],
  ['tls_1_3_aes_gcm_256', 0x3, 1, 1],
];

/** virtio_emulation_cap as the mlx5ctl tool's mlx5_ifc.h lays it out (its VDPA/ADV_VIRT printer). */
const vdpa: RawCapField[] = [
  ['desc_tunnel_offload_type', 0x0, 1, 1],
  ['eth_frame_offload_type', 0x1, 1, 1],
  ['virtio_version_1_0', 0x2, 1, 1],
  ['device_features_bits_mask', 0x3, 13, 0x1fff],
  ['event_mode', 0x10, 8, 0x6],
  ['virtio_queue_type', 0x18, 8, 0x3],
  ['max_tunnel_desc', 0x20, 16, 32],
  ['log_doorbell_stride', 0x33, 5, 2],
  ['log_doorbell_bar_size', 0x3b, 5, 13],
  ['max_emulated_devices', 0x80, 8, 0],
  ['max_num_virtio_queues', 0x88, 24, 256],
  ['umem_1_buffer_param_a', 0x100, 32, 128],
  ['umem_1_buffer_param_b', 0x120, 32, 4096],
  ['umem_2_buffer_param_a', 0x140, 32, 128],
  ['umem_2_buffer_param_b', 0x160, 32, 4096],
  ['umem_3_buffer_param_a', 0x180, 32, 0],
  ['umem_3_buffer_param_b', 0x1a0, 32, 4096],
];

const bits = (events: readonly number[]): bigint => events.reduce((m, e) => m | (1n << BigInt(e)), 0n);
/** device_event_cap: events a user context may subscribe to, as be64 bitmaps (event n = bit n). */
const devEventWide: (readonly [number, bigint])[] = [
  // affiliated: CQ error, WQ catastrophic / invalid request / access error, SRQ catastrophic
  [0x0, bits([0x04, 0x10, 0x11, 0x12, 0x13, 0x14, 0x1c])],
  // unaffiliated: internal error, port change, NIC vport change, port module, temp warning, general
  [0x100, bits([0x08, 0x09, 0x0d, 0x16, 0x17, 0x22])],
];

const ipsec: RawCapField[] = [
  ['ipsec_full_offload', 0x0, 1, 1],
  ['ipsec_crypto_offload', 0x1, 1, 1],
  ['ipsec_esn', 0x2, 1, 1],
  ['ipsec_crypto_esp_aes_gcm_256_encrypt', 0x3, 1, 1],
  ['ipsec_crypto_esp_aes_gcm_128_encrypt', 0x4, 1, 1],
  ['ipsec_crypto_esp_aes_gcm_256_decrypt', 0x5, 1, 1],
  ['ipsec_crypto_esp_aes_gcm_128_decrypt', 0x6, 1, 1],
  ['log_max_ipsec_offload', 0xb, 5, 20],
  ['min_log_ipsec_full_replay_window', 0x20, 8, 5],
  ['max_log_ipsec_full_replay_window', 0x28, 8, 12],
];

const crypto: RawCapField[] = [
  ['wrapped_crypto_operational', 0x0, 1, 0],
  ['wrapped_import_method', 0x18, 8, 0x4],
  ['log_max_num_deks', 0x2b, 5, 22],
  ['log_max_num_import_keks', 0x33, 5, 4],
  ['log_max_num_creds', 0x3b, 5, 4],
];

const macsec: RawCapField[] = [
  ['macsec_epn', 0x0, 1, 1],
  ['macsec_crypto_esp_aes_gcm_256_encrypt', 0x3, 1, 1],
  ['macsec_crypto_esp_aes_gcm_128_encrypt', 0x4, 1, 1],
  ['macsec_crypto_esp_aes_gcm_256_decrypt', 0x5, 1, 1],
  ['macsec_crypto_esp_aes_gcm_128_decrypt', 0x6, 1, 1],
  ['log_max_macsec_offload', 0xb, 5, 12],
  ['max_log_macsec_full_replay_window', 0x28, 8, 10],
];

const portSelection: RawCapField[] = [
  ['port_select_flow_table', 0x10, 1, 1],
  ['port_select_flow_table_bypass', 0x12, 1, 1],
  ...ftProps('flow_table_properties_port_selection', 0x200, 16, 8),
];

/** adv_virtualization_cap: the dirty-page tracker used by VFIO live migration. */
const advVirt: RawCapField[] = [
  ['pg_track_log_max_num', 0x3, 5, 10],
  ['pg_track_max_num_range', 0x8, 8, 16],
  ['pg_track_log_min_addr_space', 0x10, 8, 21],
  ['pg_track_log_max_addr_space', 0x18, 8, 48],
  ['pg_track_log_min_msg_size', 0x23, 5, 6],
  ['pg_track_log_max_msg_size', 0x2b, 5, 14],
  ['pg_track_log_min_page_size', 0x30, 8, 12],
  ['pg_track_log_max_page_size', 0x38, 8, 30],
];

const raw = (type: number, fields: readonly RawCapField[], wide: readonly (readonly [number, bigint])[] = []): CapPages =>
  pagesOf(type, (cur) => rawPage(fields, cur, wide));

export const extraCaps = (): CapPages[] => [
  raw(0x2, odp),
  raw(0x3, atomic),
  raw(0x4, roce),
  raw(0x7, flowTable),
  raw(0x8, eswFlowTable),
  raw(0x9, eswitch),
  raw(0xf, devMem, devMemWide),
  raw(0x11, tls),
  raw(0x13, vdpa),
  raw(0x14, [], devEventWide),
  raw(0x15, ipsec),
  raw(0x1a, crypto),
  raw(0x1f, macsec),
  raw(0x25, portSelection),
  raw(0x26, advVirt),
];
