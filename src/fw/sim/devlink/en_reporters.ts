/**
 * The mlx5e port reporters `tx` and `rx` (en/reporter_tx.c, en/reporter_rx.c): diagnose lists
 * every SQ / RQ with its CQ and EQ in the driver's field order; recover with a context fixes the
 * one queue that failed, recover without one (a user's `devlink health recover`) reopens all
 * channels. The firmware resource dumps (SX slice, QPC, send_buff) are not modelled: dumps carry
 * the queue state the driver can read instead.
 */
import type { Fmsg } from '../../../devlink/fmsg';
import type { HealthReporterOps } from '../../../devlink/health';
import { QueueState, type NetdevQueues, type RqSw, type SqSw } from './queues';

/** The port the netdev's devlink port has (the uplink of a PF in switchdev-less mode). */
export const EN_PORT_INDEX = 65535;
/** MLX5_REPORTER_{TX,RX}_GRACEFUL_PERIOD */
export const EN_GRACE_PERIOD_MS = 500;

/** What report() carries: the failing queue (mlx5e_err_ctx). */
export type EnErrCtx =
  | { kind: 'tx-err-cqe'; sqn: number }
  | { kind: 'tx-timeout'; sqn: number }
  | { kind: 'rx-err-cqe'; rqn: number };

function isEnErrCtx(ctx: unknown): ctx is EnErrCtx {
  if (typeof ctx !== 'object' || ctx === null) return false;
  const kind: unknown = Reflect.get(ctx, 'kind');
  return kind === 'tx-err-cqe' || kind === 'tx-timeout' || kind === 'rx-err-cqe';
}

export interface EnReporterHooks {
  /** Throws (a DevlinkError) when recovery of this reporter was set to fail. */
  checkRecover(reporter: 'tx' | 'rx'): void;
  /** mlx5e_safe_reopen_channels: also heals the other reporter (state_update HEALTHY). */
  reopenChannels(): void;
}

/** enum mlx5e_sq_state / mlx5e_rq_state bit names, in bit order, as the SW State object shows them. */
const SQ_SW_STATE = ['enabled', 'mpwqe', 'recovering', 'ipsec', 'dim', 'vlan_need_l2_inline', 'pending_xsk_tx', 'pending_tls_rx_resync', 'xdp_multibuf'];
const RQ_SW_STATE = ['enabled', 'recovering', 'dim', 'no_csum_complete', 'csum_full', 'mini_cqe_hw_stridx', 'shampo', 'mini_cqe_enhanced', 'xsk'];
/** MLX5_SEND_WQE_BB / the RQ's WQE and the CQE sizes, bytes. */
const SQ_STRIDE = 64;
const RQ_STRIDE = 16;
const CQE_STRIDE = 64;
/** MLX5_WQ_TYPE_CYCLIC (legacy RQ, not striding). */
const RQ_TYPE_CYCLIC = 1;

function named(fmsg: Fmsg, name: string, body: () => void): void {
  fmsg.pairNestStart(name);
  fmsg.objNestStart();
  body();
  fmsg.objNestEnd();
  fmsg.pairNestEnd();
}

function putSwState(fmsg: Fmsg, names: readonly string[], set: ReadonlySet<string>): void {
  named(fmsg, 'SW State', () => {
    for (const name of names) fmsg.u32PairPut(name, set.has(name) ? 1 : 0);
  });
}

/** mlx5e_health_cq_diag_fmsg + mlx5e_health_eq_diag_fmsg */
function putCqEq(fmsg: Fmsg, queues: NetdevQueues, type: 'sq' | 'rq', qn: number): void {
  const cq = queues.cqOf(type, qn);
  named(fmsg, 'CQ', () => {
    fmsg.u32PairPut('cqn', cq.cqn);
    fmsg.u8PairPut('HW status', 0);
    fmsg.u32PairPut('ci', cq.ci);
    fmsg.u32PairPut('size', cq.size);
  });
  const eq = queues.eq(cq.eqn);
  named(fmsg, 'EQ', () => {
    fmsg.u8PairPut('eqn', eq.eqn & 0xff);
    fmsg.u32PairPut('irqn', eq.irqn);
    fmsg.u32PairPut('vecidx', eq.vecidx);
    fmsg.u32PairPut('ci', eq.ci);
    fmsg.u32PairPut('size', eq.size);
  });
}

function putCqCommon(fmsg: Fmsg, size: number): void {
  named(fmsg, 'CQ', () => {
    fmsg.u64PairPut('stride size', CQE_STRIDE);
    fmsg.u32PairPut('size', size);
  });
}

/** mlx5e_tx_reporter_build_diagnose_output */
function putSq(fmsg: Fmsg, queues: NetdevQueues, sq: SqSw): void {
  fmsg.objNestStart();
  fmsg.u32PairPut('channel ix', sq.channel);
  fmsg.u32PairPut('tc', sq.tc);
  fmsg.u32PairPut('txq ix', sq.txqIx);
  fmsg.u32PairPut('sqn', sq.sqn);
  fmsg.u8PairPut('HW state', queues.hwState('sq', sq.sqn));
  fmsg.boolPairPut('stopped', sq.stopped);
  const { cc, pc } = queues.sqCounters(sq);
  fmsg.u32PairPut('cc', cc);
  fmsg.u32PairPut('pc', pc);
  putSwState(fmsg, SQ_SW_STATE, new Set(sq.recovering ? ['enabled', 'recovering'] : ['enabled']));
  putCqEq(fmsg, queues, 'sq', sq.sqn);
  fmsg.objNestEnd();
}

/** mlx5e_rx_reporter_build_diagnose_output */
function putRq(fmsg: Fmsg, queues: NetdevQueues, rq: RqSw): void {
  fmsg.objNestStart();
  fmsg.u32PairPut('channel ix', rq.channel);
  fmsg.u32PairPut('rqn', rq.rqn);
  fmsg.u8PairPut('HW state', queues.hwState('rq', rq.rqn));
  const { cc, pc } = queues.rqCounters(rq);
  fmsg.u32PairPut('WQE counter', pc);
  // The driver reposts every consumed WQE, so all but the one it holds back stay posted.
  fmsg.u32PairPut('posted WQEs', queues.ringSize('rq', rq.rqn) - 1);
  fmsg.u32PairPut('cc', cc);
  putSwState(fmsg, RQ_SW_STATE, new Set(rq.recovering ? ['enabled', 'recovering'] : ['enabled']));
  putCqEq(fmsg, queues, 'rq', rq.rqn);
  named(fmsg, 'ICOSQ', () => {
    const cq = queues.cqOf('sq', rq.icosqn);
    fmsg.u32PairPut('sqn', rq.icosqn);
    fmsg.u8PairPut('HW state', queues.hwState('sq', rq.icosqn));
    fmsg.u32PairPut('cc', cq.ci & 0xffff);
    fmsg.u32PairPut('pc', cq.ci & 0xffff);
    fmsg.u32PairPut('WQE size', queues.ringSize('sq', rq.icosqn));
    named(fmsg, 'CQ', () => {
      fmsg.u32PairPut('cqn', cq.cqn);
      fmsg.u32PairPut('cc', cq.ci);
      fmsg.u32PairPut('size', cq.size);
    });
  });
  fmsg.objNestEnd();
}

export function txReporterOps(queues: NetdevQueues, hooks: EnReporterHooks): HealthReporterOps {
  return {
    name: 'tx',
    gracePeriod: EN_GRACE_PERIOD_MS,
    recover(ctx) {
      hooks.checkRecover('tx');
      if (!isEnErrCtx(ctx) || ctx.kind === 'rx-err-cqe') return hooks.reopenChannels();
      const sq = queues.sq(ctx.sqn);
      if (!sq) return undefined;
      // A timeout finds no lost EQE to replay (mlx5e_health_channel_eq_recover → -EIO), so the
      // driver falls back to reopening every channel.
      if (ctx.kind === 'tx-timeout') return hooks.reopenChannels();
      if (queues.hwState('sq', sq.sqn) === QueueState.ERR) queues.resetSq(sq);
      sq.recovering = false;
      return undefined;
    },
    diagnose(fmsg) {
      const generic = queues.txqsqs()[0];
      named(fmsg, 'Common Config', () => {
        named(fmsg, 'SQ', () => {
          fmsg.u64PairPut('stride size', SQ_STRIDE);
          fmsg.u32PairPut('size', generic ? queues.ringSize('sq', generic.sqn) : 0);
          fmsg.stringPairPut('ts_format', 'FRC');
          putCqCommon(fmsg, generic ? queues.cqOf('sq', generic.sqn).size : 0);
        });
      });
      fmsg.arrPairNestStart('SQs');
      for (const sq of queues.txqsqs()) putSq(fmsg, queues, sq);
      fmsg.arrPairNestEnd();
    },
    dump(fmsg, ctx) {
      const sq = isEnErrCtx(ctx) && ctx.kind !== 'rx-err-cqe' ? queues.sq(ctx.sqn) : undefined;
      if (sq) {
        named(fmsg, 'SQ', () => putSqSummary(fmsg, queues, sq));
        return;
      }
      fmsg.arrPairNestStart('SQs');
      for (const each of queues.txqsqs()) {
        fmsg.objNestStart();
        putSqSummary(fmsg, queues, each);
        fmsg.objNestEnd();
      }
      fmsg.arrPairNestEnd();
    },
  };
}

function putSqSummary(fmsg: Fmsg, queues: NetdevQueues, sq: SqSw): void {
  fmsg.u32PairPut('sqn', sq.sqn);
  fmsg.u8PairPut('HW state', queues.hwState('sq', sq.sqn));
  const { cc, pc } = queues.sqCounters(sq);
  fmsg.u32PairPut('cc', cc);
  fmsg.u32PairPut('pc', pc);
  fmsg.u32PairPut('cqn', queues.cqOf('sq', sq.sqn).cqn);
}

export function rxReporterOps(queues: NetdevQueues, hooks: EnReporterHooks): HealthReporterOps {
  return {
    name: 'rx',
    gracePeriod: EN_GRACE_PERIOD_MS,
    recover(ctx) {
      hooks.checkRecover('rx');
      if (!isEnErrCtx(ctx) || ctx.kind !== 'rx-err-cqe') return hooks.reopenChannels();
      const rq = queues.rq(ctx.rqn);
      if (rq) queues.resetRq(rq);
      return undefined;
    },
    diagnose(fmsg) {
      const generic = queues.rqList()[0];
      named(fmsg, 'Common config', () => {
        named(fmsg, 'RQ', () => {
          fmsg.u8PairPut('type', RQ_TYPE_CYCLIC);
          fmsg.u64PairPut('stride size', RQ_STRIDE);
          fmsg.u32PairPut('size', generic ? queues.ringSize('rq', generic.rqn) : 0);
          fmsg.stringPairPut('ts_format', 'FRC');
          putCqCommon(fmsg, generic ? queues.cqOf('rq', generic.rqn).size : 0);
        });
      });
      fmsg.arrPairNestStart('RQs');
      for (const rq of queues.rqList()) putRq(fmsg, queues, rq);
      fmsg.arrPairNestEnd();
    },
    dump(fmsg, ctx) {
      const rq = isEnErrCtx(ctx) && ctx.kind === 'rx-err-cqe' ? queues.rq(ctx.rqn) : undefined;
      const list = rq ? [rq] : queues.rqList();
      fmsg.arrPairNestStart('RQs');
      for (const each of list) {
        fmsg.objNestStart();
        fmsg.u32PairPut('rqn', each.rqn);
        fmsg.u8PairPut('HW state', queues.hwState('rq', each.rqn));
        fmsg.u32PairPut('cc', queues.rqCounters(each).cc);
        fmsg.u32PairPut('cqn', queues.cqOf('rq', each.rqn).cqn);
        fmsg.objNestEnd();
      }
      fmsg.arrPairNestEnd();
    },
  };
}
