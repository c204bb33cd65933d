/**
 * cmd_hca_cap (capability type GENERAL) of the simulated ConnectX-7. Values are those of a
 * ConnectX-7 running as an Ethernet PF; offsets are MLX5 bit offsets (see src/uapi/ifc/bits.ts).
 */
import { setBits, set64 } from '../../../uapi/ifc/bits';
import { UctxCap } from '../../../uapi/mlx5ctl';

export const HCA_CAP_SIZE = 4096;

/** Device UCTX capabilities: RAW_TX, INTERNAL_DEVICE_RESOURCES and TOOLS_RESOURCES (0x7). */
export const SIM_UCTX_CAP = UctxCap.RAW_TX | UctxCap.INTERNAL_DEVICE_RESOURCES | UctxCap.TOOLS_RESOURCES;
export const SIM_LOG_MAX_UCTX = 10;
export const SIM_DEVICE_FREQUENCY_KHZ = 1_000_000;

interface CapField {
  name: string;
  bit: number;
  width: number;
  max: number;
  /** The current value when it differs from the maximum the device supports. */
  cur?: number;
}

const generalFields: CapField[] = [
  { name: 'vhca_resource_manager', bit: 0x1f, width: 1, max: 1 },
  { name: 'hca_cap_2', bit: 0x20, width: 1, max: 1 },
  { name: 'dtor', bit: 0x22, width: 1, max: 1 },
  { name: 'vhca_id', bit: 0x30, width: 16, max: 0 },
  { name: 'log_max_srq_sz', bit: 0x80, width: 8, max: 15 },
  { name: 'log_max_qp_sz', bit: 0x88, width: 8, max: 15 },
  { name: 'log_max_qp', bit: 0x9b, width: 5, max: 17 },
  { name: 'log_max_srq', bit: 0xab, width: 5, max: 23 },
  { name: 'log_max_cq_sz', bit: 0xc8, width: 8, max: 22 },
  { name: 'log_max_cq', bit: 0xdb, width: 5, max: 24 },
  { name: 'log_max_eq_sz', bit: 0xe0, width: 8, max: 22 },
  { name: 'log_max_mkey', bit: 0xea, width: 6, max: 24 },
  { name: 'log_max_eq', bit: 0xfc, width: 4, max: 7 },
  { name: 'debug', bit: 0x183, width: 1, max: 1 },
  { name: 'mcam_reg', bit: 0x1a9, width: 1, max: 1 },
  { name: 'pcam_reg', bit: 0x1aa, width: 1, max: 1 },
  { name: 'port_type', bit: 0x1b6, width: 2, max: 1 },
  { name: 'num_ports', bit: 0x1b8, width: 8, max: 1 },
  { name: 'log_max_msg', bit: 0x1c3, width: 5, max: 30 },
  { name: 'umem_uid_0', bit: 0x252, width: 1, max: 1 },
  { name: 'log_pg_sz', bit: 0x258, width: 8, max: 12 },
  { name: 'num_of_diagnostic_counters', bit: 0x280, width: 16, max: 18 },
  { name: 'log_max_pd', bit: 0x32b, width: 5, max: 23 },
  { name: 'log_max_uctx', bit: 0x463, width: 5, max: SIM_LOG_MAX_UCTX },
  { name: 'log_max_umem', bit: 0x46b, width: 5, max: 20 },
  { name: 'max_num_eqs', bit: 0x470, width: 16, max: 1024, cur: 256 },
  { name: 'device_frequency_khz', bit: 0x4e0, width: 32, max: SIM_DEVICE_FREQUENCY_KHZ },
  { name: 'uctx_cap', bit: 0x6a0, width: 32, max: SIM_UCTX_CAP },
];

/** general_obj_types bitmap: bit n = object type n supported (here UCTX 0x4 and UMEM 0x5 ...). */
const GENERAL_OBJ_TYPES = (1n << 4n) | (1n << 5n) | (1n << 13n);

/** Builds the 4096-byte capability union for GENERAL, current (`cur`) or maximum values. */
export function generalCaps(cur: boolean): Buffer {
  const caps = Buffer.alloc(HCA_CAP_SIZE);
  for (const f of generalFields) setBits(caps, f.bit, f.width, cur && f.cur !== undefined ? f.cur : f.max);
  set64(caps, 0x400, GENERAL_OBJ_TYPES);
  return caps;
}
