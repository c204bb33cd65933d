/**
 * The mlx5e netdev's queues as the tx/rx reporters see them: per channel the txq SQ, the RQ and
 * the ICOSQ, each with its CQ and the channel's completion EQ. Hardware state (the context
 * `state`, CQ→EQ links, sizes, traffic rates) is read from the driver's (uid 0) objects the
 * objects feature brought up; what only the driver knows (txq index, SW state bits, counters
 * restarted by a channel reopen, a stopped queue) is kept here, keyed by queue number.
 */
import type { FwObject, ObjectStore } from '../object_store';
import { num, str } from '../objects/ctx';
import { eventsSoFar, MASK16, MASK24, ringCounters } from '../objects/traffic';
import type { SimState } from '../state';

/** PRM sqc/rqc state values (MLX5_SQC_STATE_* / MLX5_RQC_STATE_*). */
export const QueueState = { RST: 0, RDY: 1, ERR: 3 } as const;
export type QueueStateValue = (typeof QueueState)[keyof typeof QueueState];

/** Linux IRQ number of MSI-X vector 0 on the simulated host (for the EQ's `irqn`). */
const IRQ_BASE = 0x24;
/** How many WQEs/CQEs may be in flight between producer and consumer when sampled. */
const MAX_INFLIGHT = 3;

interface Counters {
  cc: number;
  pc: number;
}

export interface SqSw {
  readonly sqn: number;
  readonly channel: number;
  readonly tc: number;
  readonly txqIx: number;
  stopped: boolean;
  recovering: boolean;
  /** Work done before the last (re)open: the driver's cc/pc restart from 0 at open. */
  base: number;
  /** Counters stop moving while the queue is stopped or in error. */
  frozen?: Counters;
}

export interface RqSw {
  readonly rqn: number;
  readonly channel: number;
  readonly icosqn: number;
  recovering: boolean;
  base: number;
  frozen?: Counters;
}

export interface CqView {
  cqn: number;
  eqn: number;
  ci: number;
  size: number;
}

export interface EqView {
  eqn: number;
  irqn: number;
  vecidx: number;
  ci: number;
  size: number;
}

export class NetdevQueues {
  private readonly sqs = new Map<number, SqSw>();
  private readonly rqs = new Map<number, RqSw>();

  constructor(private readonly state: SimState) {
    this.adopt();
  }

  private get objects(): ObjectStore {
    return this.state.objects;
  }

  /** The SQs in channel, then tc order (mlx5e_tx_reporter_diagnose's loop order). */
  txqsqs(): SqSw[] {
    return [...this.sqs.values()].sort((a, b) => a.channel - b.channel || a.tc - b.tc);
  }

  rqList(): RqSw[] {
    return [...this.rqs.values()].sort((a, b) => a.channel - b.channel);
  }

  sq(sqn: number): SqSw | undefined {
    return this.sqs.get(sqn);
  }

  rq(rqn: number): RqSw | undefined {
    return this.rqs.get(rqn);
  }

  /** mlx5_core_query_sq_state / query_rq: the context's state; a destroyed queue reads as ERR. */
  hwState(type: 'sq' | 'rq', qn: number): QueueStateValue {
    const obj = this.objects.get(type, qn);
    if (!obj) return QueueState.ERR;
    const value = num(obj, 'state', QueueState.RDY);
    return value === QueueState.RST || value === QueueState.ERR ? value : QueueState.RDY;
  }

  /** The firmware moves the queue: an error CQE puts it in ERR, MODIFY_SQ/RQ brings it back. */
  setHwState(type: 'sq' | 'rq', qn: number, value: QueueStateValue): void {
    const obj = this.objects.get(type, qn);
    if (obj) obj.ctx['state'] = value;
  }

  /** sq->cc / sq->pc (u16 WQEBB counters). */
  sqCounters(sq: SqSw): Counters {
    if (sq.frozen) return sq.frozen;
    const obj = this.objects.get('sq', sq.sqn);
    const { producer, consumer } = ringCounters(Math.max(0, this.done(obj) - sq.base), MAX_INFLIGHT);
    return { cc: consumer & MASK16, pc: producer & MASK16 };
  }

  /** The RQ's consumer counter and WQE counter (u16). */
  rqCounters(rq: RqSw): Counters {
    if (rq.frozen) return rq.frozen;
    const received = Math.max(0, this.done(this.objects.get('rq', rq.rqn)) - rq.base);
    return { cc: received & MASK16, pc: received & MASK16 };
  }

  /** Freezes a queue's counters where they are (stopped, or in error). */
  freezeSq(sq: SqSw, pending = 0): void {
    const now = this.sqCounters(sq);
    sq.frozen = { cc: now.cc, pc: (now.pc + pending) & MASK16 };
  }

  freezeRq(rq: RqSw): void {
    rq.frozen = this.rqCounters(rq);
  }

  ringSize(type: 'sq' | 'rq', qn: number): number {
    const obj = this.objects.get(type, qn);
    return 1 << (obj ? num(obj, 'logWqSz') : 0);
  }

  cqOf(type: 'sq' | 'rq', qn: number): CqView {
    const queue = this.objects.get(type, qn);
    const cqn = queue ? num(queue, 'cqn') : 0;
    const cq = this.objects.get('cq', cqn);
    return {
      cqn,
      eqn: cq ? num(cq, 'eqn') : 0,
      ci: ringCounters(this.done(cq), MAX_INFLIGHT).consumer & MASK24,
      size: 1 << (cq ? num(cq, 'logSize') : 0),
    };
  }

  eq(eqn: number): EqView {
    const eq = this.objects.get('eq', eqn);
    const vecidx = eq ? num(eq, 'intr') : 0;
    return { eqn, irqn: IRQ_BASE + vecidx, vecidx, ci: this.done(eq) & MASK24, size: 1 << (eq ? num(eq, 'logSize') : 0) };
  }

  /** Reopening the channels (mlx5e_safe_reopen_channels): every queue fresh and ready. */
  reopenAll(): void {
    for (const sq of this.sqs.values()) this.resetSq(sq);
    for (const rq of this.rqs.values()) this.resetRq(rq);
  }

  /** ERR → RST → RDY and counters from 0 (mlx5e_health_sq_to_ready + reset_txqsq_cc_pc). */
  resetSq(sq: SqSw): void {
    this.setHwState('sq', sq.sqn, QueueState.RDY);
    sq.base = this.done(this.objects.get('sq', sq.sqn));
    sq.frozen = undefined;
    sq.stopped = false;
    sq.recovering = false;
  }

  /** mlx5e_flush_rq + activate: the RQ starts over with a full ring posted. */
  resetRq(rq: RqSw): void {
    this.setHwState('rq', rq.rqn, QueueState.RDY);
    rq.base = this.done(this.objects.get('rq', rq.rqn));
    rq.frozen = undefined;
    rq.recovering = false;
  }

  /** Work completed by a queue, CQ or EQ so far (the objects feature's traffic model). */
  private done(obj: FwObject | undefined): number {
    return obj ? eventsSoFar(this.state, num(obj, 'rate'), num(obj, 'atBoot')) : 0;
  }

  /** The netdev's channels: uid-0 txq SQs and RQs with a channel (the drop RQ has -1). */
  private adopt(): void {
    const icosqs = new Map<number, number>();
    for (const obj of this.objects.list('sq')) {
      if (obj.uid !== 0) continue;
      const channel = num(obj, 'channel', -1);
      if (str(obj, 'kind') === 'icosq') icosqs.set(channel, obj.id);
      else if (channel >= 0) this.sqs.set(obj.id, { sqn: obj.id, channel, tc: 0, txqIx: channel, stopped: false, recovering: false, base: 0 });
    }
    for (const obj of this.objects.list('rq')) {
      const channel = num(obj, 'channel', -1);
      if (obj.uid !== 0 || channel < 0) continue;
      this.rqs.set(obj.id, { rqn: obj.id, channel, icosqn: icosqs.get(channel) ?? 0, recovering: false, base: 0 });
    }
  }
}
