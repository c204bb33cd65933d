/**
 * `mlx5ctl DEV diagcnt {cap | set | param | dump | disable | help}`: diagnostic counter sampling
 * (upstream diag_cnt.c). cap reads GENERAL (debug, num_of_diagnostic_counters,
 * device_frequency_khz) and DEBUG (the counter list); set/disable issue SET_DIAGNOSTIC_PARAMS,
 * param QUERY_DIAGNOSTIC_PARAMS, dump QUERY_DIAGNOSTIC_COUNTERS. Deliberate departures from the
 * upstream tool, none of which changes a line it prints for valid input:
 *  - counter_value is the full value_h:value_l; upstream's `h << 31 | l` in 32-bit arithmetic
 *    keeps only the low word (plus h's bit 0 in bit 31);
 *  - the sample count is bounded by the 16-bit num_of_samples field instead of wrapping the
 *    u16 outbox length (which made upstream read past its buffer);
 *  - the `o` (on_demand) flag is accepted; upstream's parse_flags() returns 0x8 for it, which
 *    its caller treats as an error;
 *  - an invalid flag names the bad character, not the one after it.
 */
import { HELP_WORDS } from '../globals';
import * as os from 'os';
import { newInbox } from '../../../src/fw/mailbox';
import { Opcode } from '../../../src/fw/opcodes';
import { getBits, layout } from '../../../src/uapi/ifc';
import { DeviceCommand, DeviceCommandContext } from '../command';
import { Output } from '../output';
import { counterDesc, DiagParams, paramsBlock, PARAM_FIELDS, sampleLine, samplePeriodUs } from '../pretty/diag';
import { CommandExit, guard, hex, parseUint, rpc, writeBinary } from './cli';

const CAP_OUT = 4112;
const CAP = 0x10;
const GENERAL = 0x0;
const DEBUG = 0xd;
const ENOTSUP = 95;
const EINVAL = 22;

type Sub = (ctx: DeviceCommandContext, args: string[]) => Promise<number>;

/** QUERY_HCA_CAP (cur); a failure prints upstream's extra line and exits with the status. */
async function queryCap(ctx: DeviceCommandContext, type: number, outlen = CAP_OUT): Promise<Buffer> {
  const { outbox, status } = await rpc(ctx, newInbox(Opcode.QUERY_HCA_CAP, 16, (type << 1) | 1), outlen);
  if (status !== 0) {
    ctx.out.error(`query_hca_cap(${type}) failed: ${status}`);
    throw new CommandExit(status);
  }
  return outbox.subarray(CAP);
}

/** atoi(): leading decimal digits, else 0. */
const atoi = (s: string | undefined): number => (s === undefined ? 0 : Number.parseInt(s, 10) || 0);

const cap: Sub = async (ctx) => {
  const { out } = ctx;
  const general = await queryCap(ctx, GENERAL);
  const gen = layout('cmd_hca_cap');
  if (gen.uint('debug').get(general) === 0) {
    out.error('debug capability is not supported');
    return ENOTSUP;
  }
  const n = gen.uint('num_of_diagnostic_counters').get(general);
  const freq = gen.uint('device_frequency_khz').get(general);
  const debug = await queryCap(ctx, DEBUG, CAP_OUT + 4 * n);
  const dbg = layout('debug_cap');
  const flags = ['single', 'repetitive', 'log_max_samples', 'log_min_sample_period'] as const;
  const counters = Array.from({ length: n }, (_, i) => {
    const id = getBits(debug, (0x40 + 4 * i) * 8 + 0x10, 16);
    return { index: i, counter_id: id, sync: getBits(debug, (0x40 + 4 * i) * 8, 1), desc: counterDesc(id) };
  });
  if (out.options.json) {
    const caps = Object.fromEntries(flags.map((f) => [f, dbg.uint(f).get(debug)]));
    out.json({ num_of_diagnostic_counters: n, ...caps, dev_freq_khz: freq, counters });
    return 0;
  }
  out.line('diag counters:');
  out.line(`\tnum_of_diagnostic_counters: ${n}`);
  for (const f of flags) out.line(`\t${f}: ${dbg.uint(f).get(debug)}`);
  out.line(`\tdev_freq: ${freq} kHz`);
  for (const c of counters) out.line(`\tcounter[${c.index}]: ${hex(c.counter_id)} sync(${c.sync}) ${c.desc}`);
  return 0;
};

/** SET_DIAGNOSTIC_PARAMS: the context at byte 8, one counter id per dword from byte 0x20. */
async function setParams(ctx: DeviceCommandContext, p: DiagParams): Promise<number> {
  const inbox = newInbox(Opcode.SET_DIAGNOSTIC_PARAMS, 32 + 4 * p.counters.length);
  const ctxBits = layout('set_diagnostic_params_in');
  const set = (f: string, v: number): void => ctxBits.uint(`diagnostic_params_ctx.${f}`).set(inbox, v);
  set('num_of_counters', p.counters.length);
  for (const f of PARAM_FIELDS) set(f, p[f]);
  p.counters.forEach((id, i) => inbox.writeUInt16BE(id & 0xffff, 32 + 4 * i + 2));
  const { status } = await rpc(ctx, inbox, 16);
  if (status !== 0) ctx.out.error(`set diagnostic params failed, ${status}`);
  return status;
}

function parseFlags(out: Output, flags: string, p: DiagParams): boolean {
  for (const c of flags) {
    if (c === '-') continue;
    else if (c === 'c') p.clear = 1;
    else if (c === 'S') p.sync = 1;
    else if (c === 's') p.single = 1;
    else if (c === 'r') p.repetitive = 1;
    else if (c === 'o') p.on_demand = 1;
    else {
      out.line(`invalid flag ${c}`);
      return false;
    }
  }
  return true;
}

const set: Sub = async (ctx, args) => {
  const { out } = ctx;
  if (args[0] !== undefined && HELP_WORDS.has(args[0])) {
    out.line('Usage: set [flags] <log num of samples> <sample period> <counter id1>,<counter id2>...');
    out.line('\tflags: -Scsro = (S)ync (c)lear (s)ingle (r)epetitive (o)n_demand');
    return 0;
  }
  if (args.length < 4) {
    out.error('usage: set [flags] <log num of samples> <sample period> <counter id1>,<counter id2>...');
    return EINVAL;
  }
  const p: DiagParams = { single: 0, repetitive: 0, sync: 0, clear: 0, on_demand: 0, enable: 1, log_num_of_samples: 0, log_sample_period: 0, counters: [] };
  if (!parseFlags(out, args[0], p)) return EINVAL;
  p.log_num_of_samples = atoi(args[1]) & 0xff;
  p.log_sample_period = atoi(args[2]) & 0xff;
  const ids = args[3].split(',').map((t) => parseUint(t));
  if (ids.some((id) => id === undefined || id > 0xffff)) {
    out.error(`invalid counter id list ${args[3]}`);
    return EINVAL;
  }
  p.counters = ids.map((id) => id ?? 0);
  const freq = layout('cmd_hca_cap').uint('device_frequency_khz').get(await queryCap(ctx, GENERAL));
  if (!out.options.json) for (const l of paramsBlock(p, freq)) out.line(l);
  const status = await setParams(ctx, p);
  if (status !== 0) {
    out.error(`set diagnostic params failed, ${status}`);
    return status;
  }
  if (out.options.json) {
    const { counters, ...flags } = p;
    out.json({ ...flags, num_of_counters: counters.length, sample_period_us: samplePeriodUs(p.log_sample_period, freq), dev_freq_khz: freq, counter_id: counters });
  } else out.line('set diagnostic params succeeded');
  return 0;
};

const disable: Sub = async (ctx) => {
  if (!ctx.out.options.json) ctx.out.line('disabling diag counters and clearing HW buffer');
  const p: DiagParams = { single: 0, repetitive: 0, sync: 0, clear: 1, on_demand: 0, enable: 0, log_num_of_samples: 0, log_sample_period: 0, counters: [] };
  const status = await setParams(ctx, p);
  if (status === 0 && ctx.out.options.json) ctx.out.json({ enable: 0, clear: 1 });
  return status;
};

const param: Sub = async (ctx, args) => {
  const { out } = ctx;
  if (args[0] !== undefined && HELP_WORDS.has(args[0])) {
    out.line('Usage: param [num counters currently enabled in HW or more..]');
    return 0;
  }
  const n = args.length > 0 ? atoi(args[0]) : 20;
  if (n < 0 || n > 0xffff) {
    out.error(`invalid number of counters ${args[0]}`);
    return EINVAL;
  }
  if (!out.options.json) out.line(`query diag counter params with ${n} counters`);
  const { outbox, status } = await rpc(ctx, newInbox(Opcode.QUERY_DIAGNOSTIC_PARAMS, 16), 32 + 4 * n);
  if (status !== 0) {
    out.error(`query diagnostic params failed, ${status}`);
    return status;
  }
  const l = layout('query_diagnostic_params_out');
  const names = ['sync', 'clear', 'enable', 'single', 'repetitive', 'on_demand', 'log_num_of_samples', 'log_sample_period'];
  const values = names.map((f) => [f, l.uint(`diagnostic_params_ctx.${f}`).get(outbox)] as const);
  const counters = Array.from({ length: n }, (_, i) => outbox.readUInt16BE(32 + 4 * i + 2));
  if (out.options.json) {
    out.json({ ...Object.fromEntries(values), num_of_counters: l.uint('diagnostic_params_ctx.num_of_counters').get(outbox), counter_id: counters });
    return 0;
  }
  out.line('diag params:');
  for (const [f, v] of values) out.line(`\t${f}: ${v}`);
  counters.forEach((id, i) => out.line(`\tcounter[${i}]: ${hex(id)}`));
  return 0;
};

const dump: Sub = async (ctx, args) => {
  const { out } = ctx;
  if (args[0] !== undefined && HELP_WORDS.has(args[0])) {
    out.line('Usage: dump [num samples] [sample index] [--bin]');
    return 0;
  }
  const bin = args.includes('--bin');
  const pos = args.filter((a) => a !== '--bin');
  const n = pos.length > 0 ? atoi(pos[0]) : 1;
  const index = pos.length > 1 ? atoi(pos[1]) : 0;
  if (n < 0 || n > 0xffff || index < 0 || index > 0xffff) {
    out.error(`invalid sample range ${n} samples at ${index}`);
    return EINVAL;
  }
  if (!bin && !out.options.json) out.line(`query diag counters: ${n} samples ${index} sample_index`);
  const inbox = newInbox(Opcode.QUERY_DIAGNOSTIC_COUNTERS, 16);
  inbox.writeUInt16BE(n, 8);
  inbox.writeUInt16BE(index, 10);
  const { outbox, status } = await rpc(ctx, inbox, 16 + 16 * n);
  if (status !== 0) return status;
  const s = layout('diagnostic_counter');
  const samples = Array.from({ length: n }, (_, i) => {
    const at = 16 + 16 * i;
    const value = (BigInt(s.uint('counter_value_h').get(outbox, at)) << 32n) | BigInt(s.uint('counter_value_l').get(outbox, at));
    return { counter_id: s.uint('counter_id').get(outbox, at), sample_id: s.uint('sample_id').get(outbox, at), time_stamp: s.uint('time_stamp_31_0').get(outbox, at), counter_value: value };
  });
  if (out.options.json) out.json({ num_samples: n, sample_index: index, samples });
  else if (bin) {
    // Four host-endian u64 per sample: counter_id, sample_id, time_stamp, counter_value.
    const buf = Buffer.alloc(32 * n);
    const le = os.endianness() === 'LE';
    samples.forEach((x, i) =>
      [BigInt(x.counter_id), BigInt(x.sample_id), BigInt(x.time_stamp), x.counter_value].forEach((v, j) =>
        le ? buf.writeBigUInt64LE(v, 32 * i + 8 * j) : buf.writeBigUInt64BE(v, 32 * i + 8 * j),
      ),
    );
    writeBinary(out, buf);
  } else for (const x of samples) out.line(sampleLine(x));
  return 0;
};

const SUBS: { name: string; run: Sub; desc: string }[] = [
  { name: 'cap', run: cap, desc: 'show diag counters cap' },
  { name: 'help', run: async (ctx) => (printDiagHelp(ctx.out), 0), desc: 'show this help' },
  { name: 'set', run: set, desc: 'set param' },
  { name: 'disable', run: disable, desc: 'disable diag counters' },
  { name: 'param', run: param, desc: 'query param' },
  { name: 'dump', run: dump, desc: 'dump samples' },
];

function printDiagHelp(out: Output): void {
  out.line('Usage: diagcnt <command> [options]');
  out.line('Commands:');
  for (const s of SUBS) out.line(`\t${s.name}: ${s.desc}`);
}

async function run(ctx: DeviceCommandContext): Promise<number> {
  const [word, ...rest] = ctx.args;
  // No sub-command runs the first one (cap), like cmd_select().
  const sub = word === undefined ? SUBS[0] : SUBS.find((s) => s.name === (HELP_WORDS.has(word) ? 'help' : word));
  if (sub === undefined) {
    ctx.out.error(`Unknown command "${word}"`);
    printDiagHelp(ctx.out);
    return 1;
  }
  const code = await guard(ctx.out, () => printDiagHelp(ctx.out), () => sub.run(ctx, rest));
  if (code !== 0) ctx.out.error(`diag_cnt ${word ?? 'cap'} failed, ${code}`);
  return code;
}

export const diagcntCommand: DeviceCommand = { name: 'diagcnt', desc: 'Dump diagnostic counters', run };
