/**
 * Object contexts src/uapi/ifc keeps as opaque bytes (cqc, sqc, rqc, wq, tisc, tirc, rqtc, qpc,
 * nic_vport_context): the fields the simulator fills, at their mlx5_ifc.h bit offsets relative to
 * the start of the context. Where the context sits inside an outbox comes from the ifc layout
 * (`contextBase`), so only the inner offsets live here.
 */
import { layout } from '../../../uapi/ifc';
import { set64, setBits } from '../../../uapi/ifc/bits';

/** [bit offset inside the context, width in bits]; width 64 fields are be64. */
export type LocalField = readonly [bit: number, width: number];
export type LocalLayout = Readonly<Record<string, LocalField>>;

export const CQC = {
  status: [0x0, 4], cqe_sz: [0x8, 3], cc: [0xb, 1], oi: [0xe, 1], cq_period_mode: [0xf, 2],
  cqe_comp_en: [0x11, 1], st: [0x14, 4], page_offset: [0x54, 6], log_cq_size: [0x63, 5],
  uar_page: [0x68, 24], cq_period: [0x84, 12], cq_max_count: [0x90, 16], c_eqn: [0xa0, 32],
  log_page_size: [0xc3, 5], last_notified_index: [0x108, 24], last_solicit_index: [0x128, 24],
  consumer_counter: [0x148, 24], producer_counter: [0x168, 24], dbr_addr: [0x1c0, 64],
} as const satisfies LocalLayout;

export const SQC = {
  rlky: [0x0, 1], fre: [0x2, 1], flush_in_error_en: [0x3, 1], allow_multi_pkt_send_wqe: [0x4, 1],
  min_wqe_inline_mode: [0x5, 3], state: [0x8, 4], reg_umr: [0xc, 1], allow_swp: [0xd, 1],
  ts_format: [0x1a, 2], user_index: [0x28, 24], cqn: [0x48, 24], packet_pacing_rate_limit_index: [0xf0, 16],
  tis_lst_sz: [0x100, 16], tis_num_0: [0x168, 24],
} as const satisfies LocalLayout;

export const RQC = {
  rlky: [0x0, 1], delay_drop_en: [0x1, 1], scatter_fcs: [0x2, 1], vsd: [0x3, 1], mem_rq_type: [0x4, 4],
  state: [0x8, 4], flush_in_error_en: [0xd, 1], ts_format: [0x1a, 2], user_index: [0x28, 24],
  cqn: [0x48, 24], counter_set_id: [0x60, 8], rmpn: [0x88, 24],
} as const satisfies LocalLayout;

/** The work queue embedded in sqc and rqc at bit 0x180. */
export const WQ_IN_SQC_RQC = 0x180;
export const WQ = {
  wq_type: [0x0, 4], end_padding_mode: [0x5, 2], page_offset: [0x2b, 5], lwm: [0x30, 16], pd: [0x48, 24],
  uar_page: [0x68, 24], dbr_addr: [0x80, 64], hw_counter: [0xc0, 32], sw_counter: [0xe0, 32],
  log_wq_stride: [0x10c, 4], log_wq_pg_sz: [0x113, 5], log_wq_sz: [0x11b, 5],
} as const satisfies LocalLayout;

export const TISC = {
  strict_lag_tx_port_affinity: [0x0, 1], tls_en: [0x1, 1], lag_tx_port_affinity: [0x4, 4], prio: [0xc, 4],
  transport_domain: [0x128, 24], underlay_qpn: [0x148, 24], pd: [0x168, 24],
} as const satisfies LocalLayout;

export const TIRC = {
  disp_type: [0x20, 4], lro_timeout_period_usecs: [0x84, 16], packet_merge_mask: [0x94, 4],
  lro_max_ip_payload_size: [0x98, 8], inline_rqn: [0xe8, 24], rx_hash_symmetric: [0x100, 1],
  tunneled_offload_en: [0x102, 1], indirect_table: [0x108, 24], rx_hash_fn: [0x120, 4],
  self_lb_block: [0x126, 2], transport_domain: [0x128, 24],
  outer_l3_prot_type: [0x280, 1], outer_l4_prot_type: [0x281, 1], outer_selected_fields: [0x282, 30],
} as const satisfies LocalLayout;
/** rx_hash_toeplitz_key[10][0x20] starts at bit 0x140 of tirc. */
export const TIRC_TOEPLITZ_KEY_BYTE = 0x140 / 8;

export const RQTC = { rqt_max_size: [0xb0, 16], rqt_actual_size: [0xd0, 16] } as const satisfies LocalLayout;
/** rq_num[] entries ({reserved 8, rq_num 24}) follow the 0x780-bit rqtc. */
export const RQTC_RQ_NUM_BYTE = 0x780 / 8;

export const QPC = {
  state: [0x0, 4], st: [0x8, 8], pm_state: [0x13, 2], pd: [0x28, 24], mtu: [0x40, 3], log_msg_max: [0x43, 5],
  log_rq_size: [0x49, 4], log_rq_stride: [0x4d, 3], no_sq: [0x50, 1], log_sq_size: [0x51, 4],
  counter_set_id: [0x60, 8], uar_page: [0x68, 24], user_index: [0x88, 24], log_page_size: [0xa3, 5],
  remote_qpn: [0xa8, 24], primary_vhca_port_num: [0x1e8, 8], next_send_psn: [0x3c8, 24], cqn_snd: [0x3e8, 24],
  deth_sqpn: [0x408, 24], last_acked_psn: [0x448, 24], ssn: [0x468, 24], next_rcv_psn: [0x4a8, 24],
  cqn_rcv: [0x4e8, 24], dbr_addr: [0x500, 64], q_key: [0x540, 32],
} as const satisfies LocalLayout;

export const NIC_VPORT_CONTEXT = {
  min_wqe_inline_mode: [0x5, 3], disable_mc_local_lb: [0x1d, 1], disable_uc_local_lb: [0x1e, 1],
  roce_en: [0x1f, 1], mtu: [0x130, 16], system_image_guid: [0x140, 64], port_guid: [0x180, 64],
  node_guid: [0x1c0, 64], promisc_uc: [0x780, 1], promisc_mc: [0x781, 1], promisc_all: [0x782, 1],
  allowed_list_type: [0x785, 3], allowed_list_size: [0x794, 12], permanent_address_47_32: [0x7b0, 16],
  permanent_address_31_0: [0x7c0, 32],
} as const satisfies LocalLayout;
/** query_nic_vport_context_out: context at byte 0x10, 0x800 bits; current_uc_mac_address[] follows. */
export const NIC_VPORT_CONTEXT_BYTE = 0x10;
export const NIC_VPORT_CONTEXT_BITS = 0x800;

/** Byte offset of a context inside an outbox, from the outbox's ifc layout. */
export function contextBase(outLayout: string, field: string): number {
  return layout(outLayout).field(field).bit / 8;
}

/** Writes `values` into the context at byte `base` of `buf`; numbers or bigints for be64 fields. */
export function fill<L extends LocalLayout>(
  buf: Buffer,
  base: number,
  table: L,
  values: Partial<Record<keyof L & string, number | bigint>>,
): void {
  const fields: LocalLayout = table;
  for (const [name, v] of Object.entries(values)) {
    const f = fields[name];
    if (f === undefined || v === undefined) continue;
    const [bit, width] = f;
    const abs = base * 8 + bit;
    if (width === 64) set64(buf, abs, typeof v === 'bigint' ? v : BigInt(v));
    else setBits(buf, abs, width, typeof v === 'bigint' ? Number(v) : v);
  }
}
