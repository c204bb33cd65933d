/**
 * Diagnostic counters: SET/QUERY_DIAGNOSTIC_PARAMS carry the sampling context at byte 8 followed by
 * one counter id per dword; QUERY_DIAGNOSTIC_COUNTERS returns 16-byte samples after its header.
 */
import type { LayoutFamily } from '../types';
import { IN_HDR, OUT_HDR } from './common';

export const diag: LayoutFamily = {
  diagnostic_params_context: {
    size: 24,
    doc: 'sample period is 2^log_sample_period device clocks',
    fields: [
      ['num_of_counters', 0x0, 0x10],
      ['log_num_of_samples', 0x18, 8],
      ['single', 0x20, 1],
      ['repetitive', 0x21, 1],
      ['sync', 0x22, 1],
      ['clear', 0x23, 1],
      ['on_demand', 0x24, 1],
      ['enable', 0x25, 1],
      ['log_sample_period', 0x38, 8],
    ],
  },
  counter_id: { size: 4, fields: [['counter_id', 0x10, 0x10]] },
  set_diagnostic_params_in: {
    size: 32,
    doc: 'inlen = 32 + 4 * num_of_counters',
    fields: [
      ...IN_HDR,
      { name: 'diagnostic_params_ctx', bit: 0x40, kind: 'struct', of: 'diagnostic_params_context' },
      { name: 'counter_id', bit: 0x100, kind: 'array', of: 'counter_id', count: 0 },
    ],
  },
  set_diagnostic_params_out: { size: 16, fields: [...OUT_HDR] },
  query_diagnostic_params_in: { size: 16, fields: [...IN_HDR] },
  query_diagnostic_params_out: {
    size: 32,
    fields: [
      ...OUT_HDR,
      { name: 'diagnostic_params_ctx', bit: 0x40, kind: 'struct', of: 'diagnostic_params_context' },
      { name: 'counter_id', bit: 0x100, kind: 'array', of: 'counter_id', count: 0 },
    ],
  },
  diagnostic_counter: {
    size: 16,
    doc: 'one sample; the value is counter_value_h:counter_value_l',
    fields: [
      ['counter_id', 0x0, 0x10],
      ['sample_id', 0x10, 0x10],
      ['time_stamp_31_0', 0x20, 0x20],
      ['counter_value_h', 0x40, 0x20],
      ['counter_value_l', 0x60, 0x20],
    ],
  },
  query_diagnostic_counters_in: {
    size: 16,
    fields: [...IN_HDR, ['num_of_samples', 0x40, 0x10], ['sample_index', 0x50, 0x10]],
  },
  query_diagnostic_counters_out: {
    size: 16,
    fields: [...OUT_HDR, { name: 'diag_counter', bit: 0x80, kind: 'array', of: 'diagnostic_counter', count: 0 }],
  },
};
