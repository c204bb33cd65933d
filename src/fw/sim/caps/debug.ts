/**
 * debug_cap (capability type DEBUG, 0xd): dump support, diagnostic-counter sampling limits, and
 * the list of diagnostic counters the device can sample, one {sync@0, counter_id@0x10/16} dword
 * per counter from byte 0x40 (GENERAL's num_of_diagnostic_counters entries; `mlx5ctl diagcnt cap`
 * reads them with outlen 4112 + 4n).
 */
import { layout } from '../../../uapi/ifc';
import { SIM_NUM_DIAG_COUNTERS } from './general';
import { CapPages, HCA_CAP_SIZE, pagesOf } from './page';

export const CAP_TYPE_DEBUG = 0xd;

export interface DiagCounterInfo {
  readonly id: number;
  /** 1 when the counter can be sampled synchronously with the others (the sync bit). */
  readonly sync: 0 | 1;
  readonly name: string;
}

/**
 * The counters a ConnectX-7 lists (ids from NVIDIA's diagnostic counter tables: 0x04xx RX/TX
 * pipes, 0x1xxx PCIe, 0x2xxx steering/ICM). Exported so the diagnostic-counter commands sample
 * exactly the ids the cap advertises.
 */
export const SIM_DIAG_COUNTERS: readonly DiagCounterInfo[] = [
  { id: 0x0401, sync: 1, name: 'rq_num_oob' },
  { id: 0x0402, sync: 1, name: 'rq_num_no_resources' },
  { id: 0x0403, sync: 1, name: 'rq_num_wqe_errors' },
  { id: 0x0404, sync: 1, name: 'sq_num_wqe_errors' },
  { id: 0x0405, sync: 1, name: 'rx_pipe_stall_cycles' },
  { id: 0x0406, sync: 1, name: 'tx_pipe_stall_cycles' },
  { id: 0x0407, sync: 1, name: 'rx_steering_packets' },
  { id: 0x0408, sync: 1, name: 'tx_packets' },
  { id: 0x0409, sync: 1, name: 'rx_packets' },
  { id: 0x040a, sync: 1, name: 'rx_buffer_full' },
  { id: 0x040b, sync: 1, name: 'rx_wqe_consumed' },
  { id: 0x040c, sync: 1, name: 'tx_wqe_processed' },
  { id: 0x1001, sync: 0, name: 'pcie_outbound_stalled_reads' },
  { id: 0x1002, sync: 0, name: 'pcie_outbound_stalled_writes' },
  { id: 0x1003, sync: 0, name: 'pcie_read_completions' },
  { id: 0x2006, sync: 1, name: 'icm_cache_miss' },
  { id: 0x2007, sync: 1, name: 'steering_cache_hit' },
  { id: 0x2008, sync: 1, name: 'steering_cache_miss' },
];

if (SIM_DIAG_COUNTERS.length !== SIM_NUM_DIAG_COUNTERS) {
  throw new Error(`DEBUG cap lists ${SIM_DIAG_COUNTERS.length} counters, GENERAL says ${SIM_NUM_DIAG_COUNTERS}`);
}

/** log2 of the CR-space dump CORE_DUMP writes to memory: 2^21 = 2 MB, the README's advice. */
export const SIM_LOG_CR_DUMP_TO_MEM_SIZE = 21;

const DIAG_LIST_OFFSET = 0x40;

function debugPage(): Buffer {
  const page = Buffer.alloc(HCA_CAP_SIZE);
  const cap = layout('debug_cap');
  const values: Readonly<Record<string, number>> = {
    core_dump_general: 1,
    core_dump_qp: 1,
    log_cr_dump_to_mem_size: SIM_LOG_CR_DUMP_TO_MEM_SIZE,
    resource_dump: 1,
    log_min_resource_dump_eq: 4,
    log_max_samples: 16,
    single: 1,
    repetitive: 1,
    health_mon_rx_activity: 1,
    diag_counter_tracer_dump: 1,
    log_min_sample_period: 10,
  };
  for (const [name, v] of Object.entries(values)) cap.uint(name).set(page, v);
  const entry = layout('diagnostic_cntr_layout');
  SIM_DIAG_COUNTERS.forEach((c, i) => {
    const at = DIAG_LIST_OFFSET + i * entry.size;
    entry.uint('sync').set(page, c.sync, at);
    entry.uint('counter_id').set(page, c.id, at);
  });
  return page;
}

/** The debug page is the same for max and cur: the driver sets nothing in it. */
export const debugCaps = (): CapPages => pagesOf(CAP_TYPE_DEBUG, () => debugPage());
