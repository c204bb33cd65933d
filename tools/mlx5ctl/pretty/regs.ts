/**
 * `reg -P` printers, one per register the upstream tool pretty-prints (reg.c print_reg_*), each
 * returning its lines. Offsets come from the src/uapi/ifc register layouts, except the MCAM
 * capability bits, which that layout keeps as raw masks (mlx5_ifc.h mcam_access_reg /
 * mcam_enhanced_features, relative to the start of the register).
 */
import { getBits, layout, layoutNames } from '../../../src/uapi/ifc';

export type RegPrinter = (data: Buffer) => string[];

const PTYS_FIELDS = [
  'proto_mask', 'eth_proto_capability', 'eth_proto_admin', 'eth_proto_oper', 'eth_proto_lp_advertise',
  'connector_type', 'data_rate_oper', 'an_status',
];

function ptys(data: Buffer): string[] {
  const l = layout('ptys');
  // print_reg_field(): "\t%s: %x" (hex without 0x).
  return PTYS_FIELDS.map((f) => `\t${f}: ${l.uint(f).get(data).toString(16)}`);
}

const DTOR_FIELDS = [
  'pcie_toggle_to', 'full_crdump_to', 'fw_reset_to', 'flush_on_err_to', 'pci_sync_update_to', 'tear_down_to',
  'fsm_reactivate_to', 'reclaim_pages_to', 'reclaim_vfs_pages_to',
];

function dtor(data: Buffer): string[] {
  const l = layout('dtor');
  return DTOR_FIELDS.map((f) => `\t${f}: val ${l.uint(`${f}.to_value`).get(data)} mult ${l.uint(`${f}.to_multiplier`).get(data)}`);
}

const ACCESS = 0x40;
const FEATURE = 0x140;
const MCAM_FIELDS: [string, number, number][] = [
  ['feature_group', 0x8, 8],
  ['access_reg_group', 0x18, 8],
  ['mng_access_reg_cap_mask.access_regs.mcqs', ACCESS + 0x1f, 1],
  ['mng_access_reg_cap_mask.access_regs.mcqi', ACCESS + 0x1e, 1],
  ['mng_access_reg_cap_mask.access_regs.mcc', ACCESS + 0x1d, 1],
  ['mng_access_reg_cap_mask.access_regs.mcda', ACCESS + 0x1c, 1],
  ['mng_access_reg_cap_mask.access_regs.mpegc', ACCESS + 0x29, 1],
  ['mng_access_reg_cap_mask.access_regs.mtutc', ACCESS + 0x2a, 1],
  ['mng_access_reg_cap_mask.access_regs.mrtc', ACCESS + 0x52, 1],
  ['mng_access_reg_cap_mask.access_regs.tracer_registers', ACCESS + 0x3c, 4],
  ['mng_feature_cap_mask.enhanced_features.mcia_32dwords', FEATURE + 0x5d, 1],
  ['mng_feature_cap_mask.enhanced_features.out_pulse_duration_ns', FEATURE + 0x5e, 1],
  ['mng_feature_cap_mask.enhanced_features.npps_period', FEATURE + 0x5f, 1],
  ['mng_feature_cap_mask.enhanced_features.reset_state', FEATURE + 0x6a, 1],
  ['mng_feature_cap_mask.enhanced_features.ptpcyc2realtime_modify', FEATURE + 0x6b, 1],
  ['mng_feature_cap_mask.enhanced_features.pci_status_and_power', FEATURE + 0x6e, 1],
  ['mng_feature_cap_mask.enhanced_features.mark_tx_action_cnp', FEATURE + 0x74, 1],
  ['mng_feature_cap_mask.enhanced_features.mark_tx_action_cqe', FEATURE + 0x75, 1],
  ['mng_feature_cap_mask.enhanced_features.dynamic_tx_overflow', FEATURE + 0x76, 1],
  ['mng_feature_cap_mask.enhanced_features.pcie_outbound_stalled', FEATURE + 0x7b, 1],
  ['mng_feature_cap_mask.enhanced_features.tx_overflow_buffer_pkt', FEATURE + 0x7c, 1],
  ['mng_feature_cap_mask.enhanced_features.mtpps_enh_out_per_adj', FEATURE + 0x7d, 1],
  ['mng_feature_cap_mask.enhanced_features.mtpps_fs', FEATURE + 0x7e, 1],
  ['mng_feature_cap_mask.enhanced_features.pcie_performance_group', FEATURE + 0x7f, 1],
];

function mcam(data: Buffer): string[] {
  return MCAM_FIELDS.map(([name, bit, width]) => `\t${name} ${getBits(data, bit, width)}`);
}

function nodeDesc(data: Buffer): string[] {
  // printf("%s", out): the text up to the first NUL.
  const nul = data.indexOf(0);
  return [`Node description: ${data.toString('latin1', 0, nul < 0 ? data.length : nul)}`];
}

const SEVERITIES = [
  'Emergency: system is unusable',
  'Alert: action must be taken immediately',
  'Critical: critical conditions',
  'Error: error conditions',
  'Warning: warning conditions',
  'Notice: normal but significant condition',
  'Informational: informational messages',
  'Debug: debug-level messages',
];

/** RCR has no public layout; it prints only once src/uapi/ifc describes it as `rcr`. */
function rcr(data: Buffer): string[] {
  const l = layout('rcr');
  const mask = l.uint('health_severity_bitmask').get(data);
  const lines = [`Health severity bitmask: 0x${mask.toString(16)} valid ${l.uint('health_severity_bitmask_valid').get(data)}`];
  SEVERITIES.forEach((text, bit) => {
    if (mask & (1 << bit)) lines.push(`\t\t${text}`);
  });
  return lines;
}

/** Temperatures are signed 16-bit counts of 0.125 degC (mlx5_ifc.h mtmp_reg, hwmon.c). */
const MTMP_TEMPERATURES = new Set(['temperature', 'max_temperature', 'temperature_threshold_hi', 'temperature_threshold_lo']);
const MTMP_FIELDS = ['sensor_index', 'temperature', 'max_temperature', 'mte', 'mtr', 'tee', 'temperature_threshold_hi', 'temperature_threshold_lo'];

function celsius(raw: number): number {
  return ((raw << 16) >> 16) / 8;
}

/**
 * MTMP has no printer upstream: its fields in print_reg_field()'s "\t%s: %x" form, temperatures
 * also in degrees, and the sensor's name.
 */
function mtmp(data: Buffer): string[] {
  const l = layout('mtmp');
  const lines = MTMP_FIELDS.map((f) => {
    const raw = l.uint(f).get(data);
    return `\t${f}: ${raw.toString(16)}${MTMP_TEMPERATURES.has(f) ? ` (${celsius(raw).toFixed(3)} C)` : ''}`;
  });
  lines.push(`\tsensor_name: ${l.string('sensor_name').get(data)}`);
  return lines;
}

function mtmpObject(data: Buffer): Record<string, unknown> {
  const l = layout('mtmp');
  const fields: Record<string, unknown> = {};
  for (const f of MTMP_FIELDS) {
    const raw = l.uint(f).get(data);
    fields[f] = raw;
    if (MTMP_TEMPERATURES.has(f)) fields[`${f}_celsius`] = celsius(raw);
  }
  fields.sensor_name = l.string('sensor_name').get(data);
  return fields;
}

/** The printer for a register id, if the upstream tool has one and its layout is known here. */
export function regPrinter(id: number): RegPrinter | undefined {
  switch (id) {
    case 0x5004:
      return ptys;
    case 0xc00e:
      return dtor;
    case 0x907f:
      return mcam;
    case 0x6001:
      return nodeDesc;
    case 0x900a:
      return mtmp;
    case 0xc00f:
      return layoutNames().includes('rcr') ? rcr : undefined;
    default:
      return undefined;
  }
}

/** The fields of a printable register as an object, for -j. */
export function regObject(id: number, data: Buffer): Record<string, unknown> | undefined {
  switch (id) {
    case 0x5004:
      return Object.fromEntries(PTYS_FIELDS.map((f) => [f, layout('ptys').uint(f).get(data)]));
    case 0xc00e:
      return Object.fromEntries(
        DTOR_FIELDS.map((f) => [f, { to_value: layout('dtor').uint(`${f}.to_value`).get(data), to_multiplier: layout('dtor').uint(`${f}.to_multiplier`).get(data) }]),
      );
    case 0x907f:
      return Object.fromEntries(MCAM_FIELDS.map(([name, bit, width]) => [name, getBits(data, bit, width)]));
    case 0x6001:
      return { node_description: nodeDesc(data)[0].slice('Node description: '.length) };
    case 0x900a:
      return mtmpObject(data);
    default:
      return undefined;
  }
}
