/**
 * What the device says about diagnostic counters, read from its capability pages at call time
 * (GENERAL num_of_diagnostic_counters; DEBUG sampling limits and the counter list at byte 0x40),
 * so SET_DIAGNOSTIC_PARAMS validates against exactly what `mlx5ctl diagcnt cap` shows.
 */
import { layout } from '../../../uapi/ifc';
import type { SimState } from '../state';

export interface DiagCaps {
  counters: ReadonlyMap<number, { sync: boolean }>;
  maxCounters: number;
  logMaxSamples: number;
  logMinSamplePeriod: number;
  single: boolean;
  repetitive: boolean;
}

const CAP_GENERAL = 0x0;
const CAP_DEBUG = 0xd;
const LIST_AT = 0x40;

/**
 * Used only when no DEBUG page is registered (a device built without the objects feature): the
 * ids mlx5ctl's own table names, with the limits a ConnectX-7 reports.
 */
const FALLBACK: DiagCaps = {
  counters: new Map([0x0401, 0x0402, 0x0403, 0x0406, 0x0409, 0x040a, 0x040b, 0x1001, 0x2001, 0x2006].map((id) => [id, { sync: true }])),
  maxCounters: 18,
  logMaxSamples: 16,
  logMinSamplePeriod: 10,
  single: true,
  repetitive: true,
};

export function diagCaps(state: SimState): DiagCaps {
  const debug = state.capsOf(CAP_DEBUG, true);
  const general = state.capsOf(CAP_GENERAL, true);
  if (debug === undefined || general === undefined) return FALLBACK;
  const cap = layout('debug_cap');
  const entry = layout('diagnostic_cntr_layout');
  const n = layout('cmd_hca_cap').uint('num_of_diagnostic_counters').get(general);
  const counters = new Map<number, { sync: boolean }>();
  for (let i = 0; i < n && LIST_AT + 4 * (i + 1) <= debug.length; i++) {
    counters.set(entry.uint('counter_id').get(debug, LIST_AT + 4 * i), { sync: entry.uint('sync').get(debug, LIST_AT + 4 * i) === 1 });
  }
  return {
    counters,
    maxCounters: n,
    logMaxSamples: cap.uint('log_max_samples').get(debug),
    logMinSamplePeriod: cap.uint('log_min_sample_period').get(debug),
    single: cap.uint('single').get(debug) === 1,
    repetitive: cap.uint('repetitive').get(debug) === 1,
  };
}
