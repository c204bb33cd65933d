/**
 * Text for `mlx5ctl diagcnt`: the counter descriptions diag_cnt.c knows, the `setting params:`
 * block and the sample line, in the upstream formats.
 */

const DESCRIPTIONS = new Map<number, string>([
  [0x0402, 'Outbound Stalled Writes'],
  [0x0403, 'Outbound Stalled Reads'],
  [0x0409, 'PCI Read Stalled due to No Read Engines'],
  [0x040a, 'PCI Read Stalled due to No Completion Buffer'],
  [0x040b, 'PCI Read Stalled due to Ordering'],
  [0x0401, 'Back Pressure from Datalink to Transport Unit'],
  [0x0406, 'RX 128B Data'],
  [0x1001, 'RX Steering Packets'],
  [0x2006, 'TX Packets'],
  [0x2c02, 'Line Transmitted Port 1'],
  [0x2c03, 'Line Transmitted Port 2'],
  [0x2c04, 'Line Transmitted Loop Back'],
  [0x2001, 'Send Queue Stopped due to Limited VL'],
]);

export function counterDesc(id: number): string {
  return DESCRIPTIONS.get(id) ?? 'N/A';
}

export interface DiagParams {
  single: number;
  repetitive: number;
  sync: number;
  clear: number;
  on_demand: number;
  enable: number;
  log_num_of_samples: number;
  log_sample_period: number;
  counters: number[];
}

/** The diagnostic_params_context fields SET writes from DiagParams (num_of_counters aside). */
export const PARAM_FIELDS = ['single', 'repetitive', 'sync', 'clear', 'on_demand', 'enable', 'log_num_of_samples', 'log_sample_period'] as const;

/** A sample period of 2^p device clocks in microseconds at `khz`. */
export function samplePeriodUs(logPeriod: number, khz: number): number {
  return (2 ** logPeriod * 1000) / khz;
}

const both = (v: number): string => `${v} (0x${v.toString(16)})`;

export function paramsBlock(p: DiagParams, khz: number): string[] {
  return [
    'setting params:',
    `\tsingle: ${both(p.single)}`,
    `\trepetitive: ${both(p.repetitive)}`,
    `\tsync: ${p.sync} `,
    `\tclear: ${p.clear}`,
    `\ton_demand: ${p.on_demand}`,
    `\tenable: ${p.enable}`,
    `\tnum_of_counters: ${both(p.counters.length)}`,
    `\tlog_num_of_samples: ${both(p.log_num_of_samples)}`,
    `\tlog_sample_period: ${both(p.log_sample_period)}`,
    `\tsample_period: ${samplePeriodUs(p.log_sample_period, khz).toFixed(1)} μs`,
    `\tdev_freq: ${khz} kHz`,
    '\tcounter_id:',
    ...p.counters.map((id, i) => `\t\t[${i}] = ${both(id)}`),
  ];
}

export interface Sample {
  counter_id: number;
  sample_id: number;
  time_stamp: number;
  counter_value: bigint;
}

/** "counter_id: 0x%04x, sample_id: %010d, time_stamp: %010u counter_value: %lu" */
export function sampleLine(s: Sample): string {
  const pad10 = (n: number): string => n.toString().padStart(10, '0');
  return `counter_id: 0x${s.counter_id.toString(16).padStart(4, '0')}, sample_id: ${pad10(s.sample_id)}, time_stamp: ${pad10(s.time_stamp)} counter_value: ${s.counter_value}`;
}
