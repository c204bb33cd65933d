/**
 * The sampling engine behind the diagnostic-counter commands. Samples are not stored: a sample is
 * a pure function of (counter, sample time), so the ring is arithmetic. Round k of a periodic
 * configuration is taken at start + (k+1)·period and writes one entry per counter; entry e lands
 * in ring slot e mod (rounds the ring holds · counters). `single` stops when the ring is full,
 * `repetitive` wraps, `on_demand` takes a round at each query instead of on a timer.
 */
import type { SimState } from '../state';
import { counterValue } from './values';

const CYCLES_PER_MS = 1_000_000;

export interface DiagParams {
  counterIds: readonly number[];
  logNumOfSamples: number;
  logSamplePeriod: number;
  single: boolean;
  repetitive: boolean;
  sync: boolean;
  clear: boolean;
  onDemand: boolean;
  enable: boolean;
}

export interface DiagSample {
  counterId: number;
  sampleId: number;
  /** Low 32 bits of the device clock (cycles since boot) when the sample was taken. */
  timestamp: number;
  value: bigint;
}

export class DiagSampler {
  private readonly startMs: number;
  /** Uptime at which sampling stopped (disable), or null while it runs. */
  private stoppedMs: number | null = null;
  /** On-demand sample times: the latest roundsHeld of them, after `droppedOnDemand` older ones. */
  private readonly onDemandTimes: number[] = [];
  private droppedOnDemand = 0;
  private readonly baseline: ReadonlyMap<number, bigint>;

  constructor(private readonly state: SimState, readonly params: DiagParams) {
    this.startMs = this.uptime();
    this.baseline = new Map(params.clear ? params.counterIds.map((id) => [id, counterValue(state, id, this.startMs)]) : []);
  }

  private uptime(): number {
    return Math.max(0, this.state.clock.nowMs() - this.state.bootMs);
  }

  get capacity(): number {
    return 2 ** this.params.logNumOfSamples;
  }

  private get roundsHeld(): number {
    return Math.floor(this.capacity / this.params.counterIds.length);
  }

  private get periodMs(): number {
    return 2 ** this.params.logSamplePeriod / CYCLES_PER_MS;
  }

  get running(): boolean {
    return this.stoppedMs === null;
  }

  stop(): void {
    if (this.stoppedMs === null) this.stoppedMs = this.uptime();
  }

  /** A query of an on-demand configuration samples now (the ring keeps the latest rounds). */
  onQuery(): void {
    if (!this.params.onDemand || !this.running) return;
    if (this.params.single && this.onDemandTimes.length >= this.roundsHeld) return;
    this.onDemandTimes.push(this.uptime());
    const excess = this.onDemandTimes.length - this.roundsHeld;
    if (excess > 0) {
      this.onDemandTimes.splice(0, excess);
      this.droppedOnDemand += excess;
    }
  }

  /** Rounds taken so far, and the time of round k. */
  private rounds(): { count: number; timeOf(k: number): number } {
    if (this.params.onDemand) {
      const times = this.onDemandTimes;
      const dropped = this.droppedOnDemand;
      return { count: dropped + times.length, timeOf: (k) => times[k - dropped] ?? 0 };
    }
    const until = this.stoppedMs ?? this.uptime();
    let count = Math.max(0, Math.floor((until - this.startMs) / this.periodMs));
    if (this.params.single) count = Math.min(count, this.roundsHeld);
    return { count, timeOf: (k) => this.startMs + (k + 1) * this.periodMs };
  }

  /** The entry in ring slot `slot`, or null if nothing has been written there yet. */
  sampleAt(slot: number): DiagSample | null {
    const n = this.params.counterIds.length;
    const held = this.roundsHeld;
    if (slot >= held * n) return null;
    const j = slot % n;
    const r0 = Math.floor(slot / n);
    const { count, timeOf } = this.rounds();
    if (count <= r0) return null;
    const k = r0 + held * Math.floor((count - 1 - r0) / held);
    const t = timeOf(k);
    const id = this.params.counterIds[j] ?? 0;
    const raw = counterValue(this.state, id, t) - (this.baseline.get(id) ?? 0n);
    return {
      counterId: id,
      sampleId: k & 0xffff,
      timestamp: Number(BigInt(Math.round(t * CYCLES_PER_MS)) & 0xffffffffn),
      value: raw > 0n ? raw : 0n,
    };
  }
}
