/**
 * The mlx5e netdev's queues as the tx/rx reporters see them: each channel's SQs (one per tc), RQ
 * and ICOSQ, with their CQs and the channel's completion EQ. Hardware state (the queue context's
 * `state`, the CQ→EQ links) lives in the firmware objects of `state.objects` (uid 0: created by
 * mlx5_core); what only the driver knows (channel and txq index, cc/pc, SW state bits) is kept
 * here, keyed by queue number.
 *
 * When the device has no driver queues yet (no netdev was brought up by another feature), the
 * model opens a small netdev itself so the reporters have something to diagnose.
 */
import type { FwObject, ObjectStore } from '../object_store';

/** PRM sqc/rqc state values (MLX5_SQC_STATE_* / MLX5_RQC_STATE_*). */
export const QueueState = { RST: 0, RDY: 1, ERR: 3 } as const;
export type QueueStateValue = (typeof QueueState)[keyof typeof QueueState];

const STATE_BY_NAME: Record<string, QueueStateValue> = { rst: 0, rdy: 1, err: 3 };

/** Sizes the default netdev uses (mlx5e defaults: 1024-entry SQ/RQ, 64-byte strides). */
export const SQ_SIZE = 1024;
export const RQ_SIZE = 1024;
export const CQ_SIZE = 1024;
export const EQ_SIZE = 1024;
export const ICOSQ_SIZE = 128;
export const DEFAULT_CHANNELS = 2;
/** The first completion EQ vector: vector 0 is the async EQ. */
const FIRST_COMP_VECTOR = 1;
const FIRST_IRQN = 0x24;

export interface SqSw {
  readonly sqn: number;
  readonly channel: number;
  readonly tc: number;
  readonly txqIx: number;
  cc: number;
  pc: number;
  stopped: boolean;
  recovering: boolean;
}

export interface RqSw {
  readonly rqn: number;
  readonly channel: number;
  readonly icosqn: number;
  cc: number;
  wqeCounter: number;
  posted: number;
  recovering: boolean;
  icosqCc: number;
  icosqPc: number;
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

function ctxNumber(obj: FwObject | undefined, ...names: string[]): number | undefined {
  if (!obj) return undefined;
  for (const name of names) {
    const value = obj.ctx[name];
    if (typeof value === 'number') return value;
  }
  return undefined;
}

export class NetdevQueues {
  private readonly sqs = new Map<number, SqSw>();
  private readonly rqs = new Map<number, RqSw>();

  constructor(private readonly objects: ObjectStore) {
    this.adoptOrOpen();
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

  /** mlx5_core_query_sq_state / query_rq: the context's state, ERR if the object is gone. */
  hwState(type: 'sq' | 'rq', qn: number): QueueStateValue {
    const obj = this.objects.get(type, qn);
    const raw = obj?.ctx['state'];
    if (typeof raw === 'number' && (raw === 0 || raw === 1 || raw === 3)) return raw;
    if (typeof raw === 'string' && STATE_BY_NAME[raw.toLowerCase()] !== undefined) return STATE_BY_NAME[raw.toLowerCase()];
    return obj ? QueueState.RDY : QueueState.ERR;
  }

  /** The firmware moves the queue (an error CQE puts it in ERR; MODIFY_SQ/RQ brings it back). */
  setHwState(type: 'sq' | 'rq', qn: number, value: QueueStateValue): void {
    const obj = this.objects.get(type, qn);
    if (obj) obj.ctx['state'] = value;
  }

  cqOf(type: 'sq' | 'rq', qn: number): CqView {
    const cqn = ctxNumber(this.objects.get(type, qn), 'cqn', 'cqn_snd', 'cqn_rcv') ?? 0;
    const cq = this.objects.get('cq', cqn);
    return {
      cqn,
      eqn: ctxNumber(cq, 'eqn', 'c_eqn', 'c_eqn_or_apu_element') ?? 0,
      ci: ctxNumber(cq, 'ci', 'consumer_counter') ?? 0,
      size: ctxNumber(cq, 'size') ?? 1 << (ctxNumber(cq, 'log_cq_size') ?? Math.log2(CQ_SIZE)),
    };
  }

  eq(eqn: number): EqView {
    const eq = this.objects.get('eq', eqn);
    return {
      eqn,
      irqn: ctxNumber(eq, 'irqn') ?? FIRST_IRQN + eqn,
      vecidx: ctxNumber(eq, 'vecidx', 'intr') ?? 0,
      ci: ctxNumber(eq, 'ci', 'consumer_counter') ?? 0,
      size: ctxNumber(eq, 'size') ?? 1 << (ctxNumber(eq, 'log_eq_size') ?? Math.log2(EQ_SIZE)),
    };
  }

  /** Reopening the channels (mlx5e_safe_reopen_channels): every queue fresh and ready. */
  reopenAll(): void {
    for (const sq of this.sqs.values()) this.resetSq(sq);
    for (const rq of this.rqs.values()) this.resetRq(rq);
  }

  /** ERR → RST → RDY and counters reset (mlx5e_health_sq_to_ready + reset_txqsq_cc_pc). */
  resetSq(sq: SqSw): void {
    this.setHwState('sq', sq.sqn, QueueState.RDY);
    sq.cc = 0;
    sq.pc = 0;
    sq.stopped = false;
    sq.recovering = false;
  }

  /** mlx5e_flush_rq + activate: the RQ starts over with a full ring posted. */
  resetRq(rq: RqSw): void {
    this.setHwState('rq', rq.rqn, QueueState.RDY);
    rq.cc = 0;
    rq.wqeCounter = 0;
    rq.posted = RQ_SIZE - 1;
    rq.recovering = false;
  }

  /** Takes the driver's (uid 0) SQs and RQs as channels; opens a netdev when there are none. */
  private adoptOrOpen(): void {
    const driverSqs = this.objects.list('sq').filter((obj) => obj.uid === 0 && obj.ctx['icosq'] !== true);
    const driverRqs = this.objects.list('rq').filter((obj) => obj.uid === 0);
    if (driverSqs.length === 0 && driverRqs.length === 0) {
      this.open(DEFAULT_CHANNELS);
      return;
    }
    driverSqs.forEach((obj, i) => this.addSq(obj.id, i, 0, i));
    driverRqs.forEach((obj, i) => this.addRq(obj.id, i));
  }

  /** mlx5e_open_channels: per channel an EQ vector, then the SQ, ICOSQ and RQ with their CQs. */
  private open(channels: number): void {
    for (let ix = 0; ix < channels; ix++) {
      const vecidx = FIRST_COMP_VECTOR + ix;
      const eq = this.objects.add('eq', 0, { state: 0, log_eq_size: Math.log2(EQ_SIZE), size: EQ_SIZE, vecidx, irqn: FIRST_IRQN + vecidx, ci: 0 }, undefined, 7);
      const cq = (): FwObject => this.objects.add('cq', 0, { eqn: eq.id, log_cq_size: Math.log2(CQ_SIZE), size: CQ_SIZE, ci: 0 }, undefined, 0x400);
      const sq = this.objects.add('sq', 0, { state: QueueState.RDY, cqn: cq().id, size: SQ_SIZE }, undefined, 0x800);
      const icosq = this.objects.add('sq', 0, { state: QueueState.RDY, cqn: cq().id, size: ICOSQ_SIZE, icosq: true }, undefined, 0x800);
      const rq = this.objects.add('rq', 0, { state: QueueState.RDY, cqn: cq().id, size: RQ_SIZE, icosqn: icosq.id }, undefined, 0x900);
      this.addSq(sq.id, ix, 0, ix);
      this.addRq(rq.id, ix, icosq.id);
    }
  }

  private addSq(sqn: number, channel: number, tc: number, txqIx: number): void {
    this.sqs.set(sqn, { sqn, channel, tc, txqIx, cc: 0, pc: 0, stopped: false, recovering: false });
  }

  private addRq(rqn: number, channel: number, icosqn?: number): void {
    const icosq = icosqn ?? ctxNumber(this.objects.get('rq', rqn), 'icosqn') ?? 0;
    this.rqs.set(rqn, { rqn, channel, icosqn: icosq, cc: 0, wqeCounter: 0, posted: RQ_SIZE - 1, recovering: false, icosqCc: 0, icosqPc: 0 });
  }
}
