/**
 * cmd_hca_cap (capability type GENERAL) of the simulated ConnectX-7 running as an Ethernet PF with
 * mlx5_core + mlx5_ib loaded. Every field `mlx5ctl cap -P` prints is set here by name through the
 * cmd_hca_cap layout; `{max, cur}` marks the few the driver lowers with SET_HCA_CAP at init.
 */
import { layout } from '../../../uapi/ifc';
import { UctxCap } from '../../../uapi/mlx5ctl';
import { CapValue, HCA_CAP_SIZE } from './page';

export { HCA_CAP_SIZE } from './page';

/** Device UCTX capabilities: RAW_TX, INTERNAL_DEVICE_RESOURCES and TOOLS_RESOURCES (0x7). */
export const SIM_UCTX_CAP = UctxCap.RAW_TX | UctxCap.INTERNAL_DEVICE_RESOURCES | UctxCap.TOOLS_RESOURCES;
export const SIM_LOG_MAX_UCTX = 10;
export const SIM_DEVICE_FREQUENCY_KHZ = 1_000_000;
/** Must equal the number of entries the DEBUG cap page lists (caps/debug.ts checks it). */
export const SIM_NUM_DIAG_COUNTERS = 18;

/** General object types (bit n = obj type n): UCTX 4, UMEM 5, SW_ICM 8, GENEVE_TLV 0xb, DEK 0xc, VIRTIO_NET_Q 0xd, MATCH_DEFINER 0x18, FLOW_METER_ASO 0x24, MACSEC 0x27. */
export const SIM_GENERAL_OBJ_TYPES: readonly number[] = [0x4, 0x5, 0x8, 0xb, 0xc, 0xd, 0x18, 0x24, 0x27];

const generalValues: Readonly<Record<string, CapValue>> = {
  // identity and vHCA events (the PF is its own eswitch manager)
  shared_object_to_user_object_allowed: 1, vhca_resource_manager: 1, hca_cap_2: 1,
  create_lag_when_not_master_up: 1, dtor: 1, event_on_vhca_state_teardown_request: 1,
  event_on_vhca_state_in_use: 1, event_on_vhca_state_active: 1, event_on_vhca_state_allocated: 1,
  event_on_vhca_state_invalid: 1, vhca_id: 0,
  // queue limits; the driver's profile caps log_max_qp at 18
  log_max_srq_sz: 15, log_max_qp_sz: 15, event_cap: 1, isolate_vl_tc_new: 1, prio_tag_required: 0,
  log_max_qp: { max: 24, cur: 18 }, ece_support: 1, reg_c_preserve: 1, log_max_srq: 23, uplink_follow: 1,
  ts_cqe_to_dest_cqn: 1, shampo: 1, max_sgl_for_optimized_performance: 8, log_max_cq_sz: 22,
  relaxed_ordering_write_umr: 1, relaxed_ordering_read_umr: 1, virtio_net_device_emualtion_manager: 0,
  virtio_blk_device_emualtion_manager: 0, log_max_cq: 24, log_max_eq_sz: 22, relaxed_ordering_write: 1,
  relaxed_ordering_read: 1, log_max_mkey: 24, dump_fill_mkey: 1, fast_teardown: 1, log_max_eq: 7,
  max_indirection: 4, fixed_buffer_size: 1, log_max_mrw_sz: 64, force_teardown: 1, log_max_bsf_list_size: 5,
  umr_extended_translation_offset: 1, null_mkey: 1, log_max_klm_list_size: 16, log_max_ra_req_dc: 4,
  eth_wqe_too_small: 1, vnic_env_cq_overrun: 1, log_max_ra_res_dc: 4, release_all_pages: 1, must_not_use: 0,
  roce_accl: 1, log_max_ra_req_qp: 4, log_max_ra_res_qp: 4, end_pad: 1, cc_query_allowed: 1,
  cc_modify_allowed: 1, start_pad: 1, cache_line_128byte: 0, rts2rts_qp_counters_set_id: 1,
  vnic_env_int_rq_oob: 1, sbcam_reg: 1, qcam_reg: 1, gid_table_size: 255,
  // counters, virtualization, ports
  out_of_seq_cnt: 1, vport_counters: 1, retransmission_q_counters: 1, debug: 1, modify_rq_counter_set_id: 1,
  rq_delay_drop: 1, max_qp_cnt: 64, pkey_table_size: 0, vport_group_manager: 1, vhca_group_manager: 1,
  ib_virt: 0, eth_virt: 1, vnic_env_queue_counters: 1, ets: 1, nic_flow_table: 1, eswitch_manager: 1,
  device_memory: 1, mcam_reg: 1, pcam_reg: 1, local_ca_ack_delay: 16, port_module_event: 1,
  enhanced_error_q_counters: 1, ports_check: 1, disable_link_up: 1, beacon_led: 1, port_type: 1, num_ports: 1,
  pps: 1, pps_modify: 1, log_max_msg: 30, max_tc: 8, temp_warn_event: 1, dcbx: 1,
  general_notification_event: 1, fpga: 0, rol_s: 0, rol_g: 0, wol_s: 0, wol_g: 1, wol_a: 0, wol_b: 0,
  wol_m: 0, wol_u: 0, wol_p: 0, stat_rate_support: 0, pci_sync_for_fw_update_event: 1,
  init2_lag_tx_port_affinity: 1, cqe_version: 1,
  // transport features
  compact_address_vector: 1, striding_rq: 1, ipoib_enhanced_offloads: 1, ipoib_basic_offloads: 1,
  repeated_block_disabled: 0, umr_modify_entity_size_disabled: 0, umr_modify_atomic_disabled: 0,
  umr_indirect_mkey_disabled: 0, umr_fence: 1, dc_req_scat_data_cqe: 1, drain_sigerr: 1,
  cmdif_checksum: { max: 3, cur: 0 }, sigerr_cqe: 1, wq_signature: 1, sctr_data_cqe: 1, sho: 1, tph: 1, rf: 1,
  dct: 1, qos: 1, eth_net_offloads: 1, roce: 1, atomic: 1, cq_oi: 1, cq_resize: 1, cq_moderation: 1,
  cq_eq_remap: 1, pg: 1, block_lb_mc: 1, scqe_break_moderation: 1, cq_period_start_from_cqe: 1, cd: 1, apm: 0,
  vector_calc: 0, umr_ptr_rlky: 1, imaicl: 1, qp_packet_based: 1, qkv: 1, pkv: 1, set_deth_sqpn: 1, xrc: 1,
  ud: 1, uc: 1, rc: 1, uar_4k: 1, uar_sz: 6, port_selection_cap: 1, umem_uid_0: 1, log_pg_sz: 12, bf: 1,
  driver_version: 1, pad_tx_eth_packet: 1, mkey_by_name: 0, log_bf_reg_size: 9, lag_dct: 1,
  lag_tx_port_affinity: 1, lag_native_fdb_selection: 1, lag_master: 1, num_lag_ports: 2,
  num_of_diagnostic_counters: SIM_NUM_DIAG_COUNTERS, max_wqe_sz_sq: 1024, max_wqe_sz_rq: 512,
  max_flow_counter_31_16: 0x10, max_wqe_sz_sq_dc: 944, max_qp_mcg: 240000, flow_counter_bulk_alloc: 0xff,
  log_max_mcg: 21, log_max_transport_domain: 16, log_max_pd: 23, log_max_xrcd: 24,
  // Ethernet objects
  nic_receive_steering_discard: 1, receive_discard_vport_down: 1, transmit_discard_vport_down: 1,
  eq_overrun_count: 1, invalid_command_count: 1, quota_exceeded_count: 1, log_max_flow_counter_bulk: 23,
  max_flow_counter_15_0: 0, log_max_rq: 23, log_max_sq: 23, log_max_tir: 23, log_max_tis: 16,
  basic_cyclic_rcv_wqe: 1, log_max_rmp: 23, log_max_rqt: 20, log_max_rqt_size: 18, log_max_tis_per_sq: 3,
  ext_stride_num_range: 1, roce_rw_supported: 1, log_max_current_uc_list_wr_supported: 1,
  log_max_stride_sz_rq: 13, log_min_stride_sz_rq: 6, log_max_stride_sz_sq: 13, log_min_stride_sz_sq: 6,
  hairpin: 1, log_max_hairpin_queues: 8, log_max_hairpin_wq_data_sz: 15, log_max_hairpin_num_packets: 11,
  log_max_wq_sz: 17, nic_vport_change_event: 1, disable_local_lb_uc: 1, disable_local_lb_mc: 1,
  log_min_hairpin_wq_data_sz: 9, vhca_state: 1, log_max_vlan_list: 12, log_max_current_mc_list: 12,
  log_max_current_uc_list: 12, sq_ts_format: 2, rq_ts_format: 2, steering_format_version: 2,
  create_qp_start_hint: 0, ats: 1, log_max_uctx: SIM_LOG_MAX_UCTX, ipsec_offload: 1, log_max_umem: 20,
  max_num_eqs: { max: 1024, cur: 256 }, tls_tx: 1, tls_rx: 1, log_max_l2_table: 12, log_uar_page_sz: 0,
  device_frequency_mhz: SIM_DEVICE_FREQUENCY_KHZ / 1000, device_frequency_khz: SIM_DEVICE_FREQUENCY_KHZ,
  num_of_uars_per_page: 1, flex_parser_protocols: 0, max_geneve_tlv_options: 1,
  max_geneve_tlv_option_data_len: 31, adv_virtualization: 1, log_max_dci_stream_channels: 4,
  log_max_dci_errored_streams: 3, enhanced_cqe_compression: 1, log_max_dek: 22, mini_cqe_resp_stride_index: 1,
  cqe_128_always: 1, cqe_compression_128: 1, cqe_compression: 1, cqe_compression_timeout: 0xa,
  cqe_compression_max_num: 64, tag_matching: 1, rndv_offload_rc: 1, rndv_offload_dc: 0,
  log_tag_matching_list_sz: 10, log_max_xrq: 20, native_port_num: 1, num_vhca_ports: 1, sw_owner_id: 1,
  max_num_of_monitor_counters: 8, num_ppcnt_monitor_counters: 4, num_q_monitor_counters: 4,
  // scalable functions: supported, none created
  max_num_sf: { max: 256, cur: 0 }, sf: 1, sf_set_partition: 1, log_max_sf: 8, apu: 0, migration: 1,
  log_min_sf_size: 0, max_num_sf_partitions: 1, uctx_cap: SIM_UCTX_CAP, max_num_match_definer: 32,
  sf_base_id: 0x8000, num_total_dynamic_vf_msix: 0, dynamic_msix_table_size: 0,
};

/** Builds the 4096-byte capability union for GENERAL, current (`cur`) or maximum values. */
export function generalCaps(cur: boolean): Buffer {
  const caps = Buffer.alloc(HCA_CAP_SIZE);
  const l = layout('cmd_hca_cap');
  for (const [name, v] of Object.entries(generalValues)) {
    l.uint(name).set(caps, typeof v === 'number' ? v : cur ? v.cur : v.max);
  }
  l.u64('general_obj_types').set(caps, SIM_GENERAL_OBJ_TYPES.reduce((m, t) => m | (1n << BigInt(t)), 0n));
  l.u64('match_definer_format_supported').set(caps, 0x3f0f7n);
  return caps;
}
