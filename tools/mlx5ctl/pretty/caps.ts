/**
 * QUERY_HCA_CAP cap types (devcaps.c caps[], in its order) and the `-P` printers: one
 * `\t<field>: <value>` line per field, `%d` for numbers and `0x%lx` for 64-bit fields.
 *
 * Offsets come from the src/uapi/ifc layouts where one exists (GENERAL, GENERAL_2,
 * ETHERNET_OFFLOADS, DEBUG); ROCE, PORT_SELECTION, VDPA_EMULATION and ADV_VIRTUALIZATION have no
 * layout there yet, so their few printed fields are listed here with their mlx5_ifc.h offsets.
 */
import { get64, getBits, layout } from '../../../src/uapi/ifc';
import { GENERAL_FIELDS } from './caps_general';

/** Bytes the upstream tool dumps for every cap type: MLX5_ST_SZ_BYTES(cmd_hca_cap). */
export const CAP_DUMP_SIZE = 256;

export interface CapField {
  readonly name: string;
  readonly bit: number;
  /** 64 means a be64 field. */
  readonly width: number;
}

interface CapPrinter {
  fields(): readonly CapField[];
  /** How 64-bit fields print: devcaps.c uses 0x%lx, except %ld in the virtio printer. */
  readonly u64: 'hex' | 'dec';
}

export interface CapInfo {
  readonly name: string;
  readonly type: number;
  readonly printer?: CapPrinter;
}

/** Field paths resolved against a layout, cached on first use. */
function fromLayout(layoutName: string, paths: () => readonly string[]): () => readonly CapField[] {
  let cached: CapField[] | undefined;
  return () => {
    cached ??= paths().map((path) => {
      const f = layout(layoutName).field(path);
      return { name: path, bit: f.bit, width: f.kind === 'u64' ? 64 : f.width };
    });
    return cached;
  };
}

const fields = (list: readonly [string, number, number][]): (() => readonly CapField[]) => {
  const made = list.map(([name, bit, width]) => ({ name, bit, width }));
  return () => made;
};

const ETH_FIELDS = (): string[] => {
  const names = layout('per_protocol_networking_offload_caps')
    .spec.fields.filter((f) => f.kind !== 'reserved' && f.kind !== 'array')
    .map((f) => f.name);
  // devcaps.c prints the four LRO timer periods by index, then enhanced_multi_pkt_send_wqe again.
  return [...names, ...[0, 1, 2, 3].map((i) => `lro_timer_supported_periods[${i}]`), 'enhanced_multi_pkt_send_wqe'];
};

const DEBUG_FIELDS = [
  'core_dump_general', 'core_dump_qp', 'log_cr_dump_to_mem_size', 'resource_dump', 'log_min_resource_dump_eq',
  'log_max_samples', 'single', 'repetitive', 'health_mon_rx_activity', 'diag_counter_tracer_dump',
  'log_min_sample_period',
];

/** roce_cap (mlx5_ifc.h): only the fields print_roce_cap shows. */
const ROCE: [string, number, number][] = [
  ['roce_apm', 0x0, 1], ['sw_r_roce_src_udp_port', 0x4, 1], ['fl_rc_qp_when_roce_disabled', 0x5, 1],
  ['fl_rc_qp_when_roce_enabled', 0x6, 1], ['qp_ts_format', 0x1e, 2], ['l3_type', 0x8c, 4],
  ['roce_version', 0x98, 8], ['r_roce_dest_udp_port', 0xb0, 0x10], ['r_roce_max_src_udp_port', 0xc0, 0x10],
  ['r_roce_min_src_udp_port', 0xd0, 0x10], ['roce_address_table_size', 0xf0, 0x10],
];

const PORT_SELECTION: [string, number, number][] = [
  ['port_select_flow_table', 0x10, 1], ['port_select_flow_table_bypass', 0x12, 1],
];

/** virtio_emulation_cap (MLX5_CAP_VDPA_EMULATION). */
const VIRTIO: [string, number, number][] = [
  ['desc_tunnel_offload_type', 0x0, 1], ['eth_frame_offload_type', 0x1, 1], ['virtio_version_1_0', 0x2, 1],
  ['device_features_bits_mask', 0x3, 0xd], ['event_mode', 0x10, 8], ['virtio_queue_type', 0x18, 8],
  ['max_tunnel_desc', 0x20, 0x10], ['log_doorbell_stride', 0x33, 5], ['log_doorbell_bar_size', 0x3b, 5],
  ['doorbell_bar_offset', 0x40, 64], ['max_emulated_devices', 0x80, 8], ['max_num_virtio_queues', 0x88, 0x18],
  ['umem_1_buffer_param_a', 0x100, 0x20], ['umem_1_buffer_param_b', 0x120, 0x20],
  ['umem_2_buffer_param_a', 0x140, 0x20], ['umem_2_buffer_param_b', 0x160, 0x20],
  ['umem_3_buffer_param_a', 0x180, 0x20], ['umem_3_buffer_param_b', 0x1a0, 0x20],
];

/** adv_virtualization_cap: the page-tracker limits. */
const ADV_VIRT: [string, number, number][] = [
  ['pg_track_log_max_num', 0x3, 5], ['pg_track_max_num_range', 0x8, 8], ['pg_track_log_min_addr_space', 0x10, 8],
  ['pg_track_log_max_addr_space', 0x18, 8], ['pg_track_log_min_msg_size', 0x23, 5],
  ['pg_track_log_max_msg_size', 0x2b, 5], ['pg_track_log_min_page_size', 0x33, 5],
  ['pg_track_log_max_page_size', 0x3b, 5],
];

/**
 * devcaps.c caps[] in its order (it is also the help listing order). Upstream hangs the virtio
 * printer on ADV_VIRTUALIZATION (0x26), which decodes the wrong struct; here it sits on
 * VDPA_EMULATION (0x13), where that struct lives, and ADV_VIRTUALIZATION prints its own fields.
 */
export const CAPS: readonly CapInfo[] = [
  { name: 'GENERAL', type: 0x0, printer: { fields: fromLayout('cmd_hca_cap', () => GENERAL_FIELDS), u64: 'hex' } },
  { name: 'ETHERNET_OFFLOADS', type: 0x1, printer: { fields: fromLayout('per_protocol_networking_offload_caps', ETH_FIELDS), u64: 'hex' } },
  { name: 'ROCE', type: 0x4, printer: { fields: fields(ROCE), u64: 'hex' } },
  { name: 'GENERAL_2', type: 0x20, printer: { fields: fromLayout('cmd_hca_cap_2', () => layout('cmd_hca_cap_2').spec.fields.filter((f) => f.kind !== 'reserved').map((f) => f.name)), u64: 'hex' } },
  { name: 'PORT_SELECTION', type: 0x25, printer: { fields: fields(PORT_SELECTION), u64: 'hex' } },
  { name: 'ADV_VIRTUALIZATION', type: 0x26, printer: { fields: fields(ADV_VIRT), u64: 'hex' } },
  { name: 'DEBUG', type: 0xd, printer: { fields: fromLayout('debug_cap', () => DEBUG_FIELDS), u64: 'hex' } },
  { name: 'ODP', type: 0x2 },
  { name: 'ATOMIC', type: 0x3 },
  { name: 'IPOIB_OFFLOADS', type: 0x5 },
  { name: 'IPOIB_ENHANCED_OFFLOADS', type: 0x6 },
  { name: 'FLOW_TABLE', type: 0x7 },
  { name: 'ESWITCH_FLOW_TABLE', type: 0x8 },
  { name: 'ESWITCH', type: 0x9 },
  { name: 'QOS', type: 0xc },
  { name: 'DEV_MEM', type: 0xf },
  { name: 'TLS', type: 0x11 },
  { name: 'VDPA_EMULATION', type: 0x13, printer: { fields: fields(VIRTIO), u64: 'dec' } },
  { name: 'DEV_EVENT', type: 0x14 },
  { name: 'IPSEC', type: 0x15 },
  { name: 'CRYPTO', type: 0x1a },
  { name: 'MACSEC', type: 0x1f },
];

export function capByName(name: string): CapInfo | undefined {
  return CAPS.find((c) => c.name === name);
}

export function capByType(type: number): CapInfo | undefined {
  return CAPS.find((c) => c.type === type);
}

export function capFieldValue(cap: Buffer, f: CapField): number | bigint {
  return f.width === 64 ? get64(cap, f.bit) : getBits(cap, f.bit, f.width);
}

/** The printed lines of one cap page (without the MLX5_CAP_ header). */
export function capLines(info: CapInfo, cap: Buffer): string[] {
  const printer = info.printer;
  if (printer === undefined) return [];
  return printer.fields().map((f) => {
    const v = capFieldValue(cap, f);
    const text = typeof v === 'bigint' && printer.u64 === 'hex' ? `0x${v.toString(16)}` : v.toString();
    return `\t${f.name}: ${text}`;
  });
}

/** The same fields as an object, for -j. */
export function capObject(info: CapInfo, cap: Buffer): Record<string, number | bigint> | undefined {
  const printer = info.printer;
  if (printer === undefined) return undefined;
  return Object.fromEntries(printer.fields().map((f) => [f.name, capFieldValue(cap, f)]));
}
