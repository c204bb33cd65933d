/**
 * Cap types with a layout in src/uapi/ifc: ETHERNET_OFFLOADS (1), QOS (0xc) and GENERAL_2 (0x20),
 * with ConnectX-7 Ethernet PF values for the fields `mlx5ctl cap -P` prints.
 */
import { CapPages, CapValue, layoutPage, pagesOf } from './page';

const ethOffloads: Readonly<Record<string, CapValue>> = {
  csum_cap: 1, vlan_cap: 1, lro_cap: 1, lro_psh_flag: 1, lro_time_stamp: 1, wqe_vlan_insert: 1,
  self_lb_en_modifiable: 1, max_lso_cap: 18, multi_pkt_send_wqe: 0, wqe_inline_mode: 2, rss_ind_tbl_cap: 11,
  reg_umr_sq: 1, scatter_fcs: 1, enhanced_multi_pkt_send_wqe: 1, tunnel_lso_const_out_ip_id: 1,
  tunnel_lro_gre: 1, tunnel_lro_vxlan: 1, tunnel_stateless_gre: 1, tunnel_stateless_vxlan: 1, swp: 1,
  swp_csum: 1, swp_lso: 1, cqe_checksum_full: 1, tunnel_stateless_geneve_tx: 1,
  tunnel_stateless_mpls_over_udp: 1, tunnel_stateless_mpls_over_gre: 1, tunnel_stateless_vxlan_gpe: 1,
  tunnel_stateless_ipv4_over_vxlan: 1, tunnel_stateless_ip_over_ip: 1, insert_trailer: 1,
  tunnel_stateless_ip_over_ip_rx: 1, tunnel_stateless_ip_over_ip_tx: 1, max_vxlan_udp_ports: 4,
  max_geneve_opt_len: 1, tunnel_stateless_geneve_rx: 1, lro_min_mss_size: 536,
  'lro_timer_supported_periods[0]': 8, 'lro_timer_supported_periods[1]': 16,
  'lro_timer_supported_periods[2]': 32, 'lro_timer_supported_periods[3]': 1024,
};

const qos: Readonly<Record<string, CapValue>> = {
  packet_pacing: 1, esw_scheduling: 1, esw_bw_share: 1, esw_rate_limit: 1, packet_pacing_burst_bound: 1,
  packet_pacing_typical_size: 1, nic_sq_scheduling: 1, nic_bw_share: 1, nic_rate_limit: 1,
  packet_pacing_uid: 1, log_esw_max_sched_depth: 3, log_max_qos_nic_queue_group: 12,
  // kb/s: 400 Gb/s down to 8 kb/s
  packet_pacing_max_rate: 400_000_000, packet_pacing_min_rate: 8, packet_pacing_rate_table_size: 512,
  esw_element_type: 0xf, esw_tsar_type: 0x7, max_qos_para_vport: 8, max_tsar_bw_share: 100,
  log_meter_aso_granularity: 1, log_meter_aso_max_alloc: 12, log_max_num_meter_aso: 21,
};

const general2: Readonly<Record<string, CapValue>> = {
  max_reformat_insert_size: 128, max_reformat_insert_offset: 254, max_reformat_remove_size: 128,
  max_reformat_remove_offset: 254, log_min_mkey_entity_size: 12, sw_vhca_id_valid: 1,
  sw_vhca_id: { max: 0x3fff, cur: 1 }, ts_cqe_metadata_size2wqe_counter: 16,
};

export const ethOffloadsCaps = (): CapPages =>
  pagesOf(0x1, (cur) => layoutPage('per_protocol_networking_offload_caps', ethOffloads, cur));
export const qosCaps = (): CapPages => pagesOf(0xc, (cur) => layoutPage('qos_cap', qos, cur));
export const general2Caps = (): CapPages => pagesOf(0x20, (cur) => layoutPage('cmd_hca_cap_2', general2, cur));
