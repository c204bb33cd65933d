/**
 * SET_DIAGNOSTIC_PARAMS (0x820), QUERY_DIAGNOSTIC_PARAMS (0x819) and QUERY_DIAGNOSTIC_COUNTERS
 * (0x821). The context sits at byte 8 of the SET inbox and of the QUERY_PARAMS outbox, counter
 * ids follow at byte 0x20, one per dword (low 16 bits); samples are 16-byte entries after the
 * QUERY_COUNTERS outbox header.
 */
import { FwStatus } from '../../status';
import { layout } from '../../../uapi/ifc';
import type { CommandContext, CommandDef } from '../command';
import { FwError, Syndrome } from '../errors';
import { RegSyndrome } from '../registers/syndromes';
import type { SimState } from '../state';
import { diagCaps } from './caps';
import { DiagParams, DiagSampler } from './sampler';

export const DiagOpcode = { QUERY_PARAMS: 0x819, SET_PARAMS: 0x820, QUERY_COUNTERS: 0x821 } as const;

const CTX_AT = 8;
const IDS_AT = 0x20;
const SAMPLES_AT = 0x10;
const SAMPLE_SIZE = 16;
/** The longest sample period the simulator accepts: 2^40 clocks ≈ 18 minutes. */
const LOG_MAX_SAMPLE_PERIOD = 40;

const samplers = new WeakMap<SimState, DiagSampler>();

const bad = (syndrome: number, message: string): FwError => new FwError(FwStatus.BAD_PARAM, syndrome, message);

const ctxL = layout('diagnostic_params_context');
const flag = (buf: Buffer, name: string): boolean => ctxL.uint(name).get(buf, CTX_AT) === 1;

function checkOpMod(ctx: CommandContext): void {
  if (ctx.opMod !== 0) throw bad(Syndrome.BAD_OP_MOD, `op_mod ${ctx.opMod}`);
}

function parseParams(ctx: CommandContext): DiagParams {
  const { inbox } = ctx;
  const n = ctxL.uint('num_of_counters').get(inbox, CTX_AT);
  if (inbox.length < IDS_AT + 4 * n) {
    throw new FwError(FwStatus.BAD_INP_LEN, RegSyndrome.DIAG_BAD_INLEN, `${n} counters need ${IDS_AT + 4 * n} inbox bytes`);
  }
  const counterIds = Array.from({ length: n }, (_, i) => inbox.readUInt16BE(IDS_AT + 4 * i + 2));
  return {
    counterIds,
    logNumOfSamples: ctxL.uint('log_num_of_samples').get(inbox, CTX_AT),
    logSamplePeriod: ctxL.uint('log_sample_period').get(inbox, CTX_AT),
    single: flag(inbox, 'single'),
    repetitive: flag(inbox, 'repetitive'),
    sync: flag(inbox, 'sync'),
    clear: flag(inbox, 'clear'),
    onDemand: flag(inbox, 'on_demand'),
    enable: flag(inbox, 'enable'),
  };
}

function validate(state: SimState, p: DiagParams): void {
  const caps = diagCaps(state);
  const n = p.counterIds.length;
  if (n === 0) throw bad(RegSyndrome.DIAG_TOO_MANY_COUNTERS, 'enable with no counters');
  if (n > caps.maxCounters) throw bad(RegSyndrome.DIAG_TOO_MANY_COUNTERS, `${n} counters, the device samples at most ${caps.maxCounters}`);
  const seen = new Set<number>();
  for (const id of p.counterIds) {
    const c = caps.counters.get(id);
    if (c === undefined) throw bad(RegSyndrome.DIAG_BAD_COUNTER_ID, `counter 0x${id.toString(16)} not supported`);
    if (p.sync && !c.sync) throw bad(RegSyndrome.DIAG_BAD_COUNTER_ID, `counter 0x${id.toString(16)} cannot be sampled in sync`);
    if (seen.has(id)) throw bad(RegSyndrome.DIAG_DUPLICATE_COUNTER, `counter 0x${id.toString(16)} listed twice`);
    seen.add(id);
  }
  if (p.logNumOfSamples > caps.logMaxSamples || 2 ** p.logNumOfSamples < n) {
    throw bad(RegSyndrome.DIAG_BAD_SAMPLES, `log_num_of_samples ${p.logNumOfSamples}: 2^n must hold ${n} counters, n ≤ ${caps.logMaxSamples}`);
  }
  if (!p.onDemand && (p.logSamplePeriod < caps.logMinSamplePeriod || p.logSamplePeriod > LOG_MAX_SAMPLE_PERIOD)) {
    throw bad(RegSyndrome.DIAG_BAD_PERIOD, `log_sample_period ${p.logSamplePeriod} outside ${caps.logMinSamplePeriod}..${LOG_MAX_SAMPLE_PERIOD}`);
  }
  const modes = [p.single, p.repetitive].filter(Boolean).length;
  if (modes !== 1 || (p.single && !caps.single) || (p.repetitive && !caps.repetitive)) {
    throw bad(RegSyndrome.DIAG_BAD_MODE, 'exactly one of single and repetitive must be set');
  }
}

export const setDiagnosticParams: CommandDef = {
  opcode: DiagOpcode.SET_PARAMS,
  inLen: IDS_AT,
  outLen: 16,
  run(ctx) {
    checkOpMod(ctx);
    const p = parseParams(ctx);
    const current = samplers.get(ctx.state);
    if (!p.enable) {
      // Disable: stop sampling; with clear, also drop the configuration and the samples.
      current?.stop();
      if (p.clear) samplers.delete(ctx.state);
      return;
    }
    if (current?.running === true) throw new FwError(FwStatus.BAD_SYS_STATE, RegSyndrome.DIAG_BAD_MODE, 'sampling is enabled: disable it first');
    validate(ctx.state, p);
    samplers.set(ctx.state, new DiagSampler(ctx.state, p));
  },
};

export const queryDiagnosticParams: CommandDef = {
  opcode: DiagOpcode.QUERY_PARAMS,
  inLen: 16,
  outLen: CTX_AT + ctxL.size,
  run(ctx) {
    checkOpMod(ctx);
    const s = samplers.get(ctx.state);
    if (s === undefined) return; // never configured (or cleared): the context reads as zeros
    const p = s.params;
    const out = ctx.outbox;
    const set = (name: string, v: number | boolean): void => ctxL.uint(name).set(out, Number(v), CTX_AT);
    set('num_of_counters', p.counterIds.length);
    set('log_num_of_samples', p.logNumOfSamples);
    set('single', p.single);
    set('repetitive', p.repetitive);
    set('sync', p.sync);
    set('clear', p.clear);
    set('on_demand', p.onDemand);
    set('enable', s.running);
    set('log_sample_period', p.logSamplePeriod);
    // mlx5ctl asks for room for 20 ids by default: write as many as the outbox holds.
    p.counterIds.forEach((id, i) => {
      if (IDS_AT + 4 * (i + 1) <= out.length) out.writeUInt32BE(id, IDS_AT + 4 * i);
    });
  },
};

const qIn = layout('query_diagnostic_counters_in');
const sampleL = layout('diagnostic_counter');

export const queryDiagnosticCounters: CommandDef = {
  opcode: DiagOpcode.QUERY_COUNTERS,
  inLen: 16,
  outLen: SAMPLES_AT,
  run(ctx) {
    checkOpMod(ctx);
    const s = samplers.get(ctx.state);
    if (s === undefined) throw new FwError(FwStatus.BAD_SYS_STATE, RegSyndrome.DIAG_NOT_CONFIGURED, 'diagnostic counters are not configured');
    const num = qIn.uint('num_of_samples').get(ctx.inbox);
    const index = qIn.uint('sample_index').get(ctx.inbox);
    if (num > s.capacity || index >= s.capacity) {
      throw bad(RegSyndrome.DIAG_BAD_SAMPLE_INDEX, `samples ${index}+${num} outside a ring of ${s.capacity}`);
    }
    if (ctx.outbox.length < SAMPLES_AT + num * SAMPLE_SIZE) {
      throw new FwError(FwStatus.BAD_OUTP_LEN, RegSyndrome.DIAG_BAD_SAMPLES, `${num} samples need ${SAMPLES_AT + num * SAMPLE_SIZE} bytes`);
    }
    s.onQuery();
    for (let i = 0; i < num; i++) {
      const sample = s.sampleAt((index + i) % s.capacity);
      if (sample === null) continue;
      const at = SAMPLES_AT + i * SAMPLE_SIZE;
      sampleL.uint('counter_id').set(ctx.outbox, sample.counterId, at);
      sampleL.uint('sample_id').set(ctx.outbox, sample.sampleId, at);
      sampleL.uint('time_stamp_31_0').set(ctx.outbox, sample.timestamp, at);
      sampleL.uint('counter_value_h').set(ctx.outbox, Number((sample.value >> 32n) & 0xffffffffn), at);
      sampleL.uint('counter_value_l').set(ctx.outbox, Number(sample.value & 0xffffffffn), at);
    }
  },
};

export const diagCommands: readonly CommandDef[] = [setDiagnosticParams, queryDiagnosticParams, queryDiagnosticCounters];
