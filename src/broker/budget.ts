/**
 * What all sessions together may make the broker buffer: request and reply bytes, and received
 * fds waiting for the request that uses them. Per-session caps (limits.ts) keep one session
 * from taking everything; this keeps the sum bounded however many sessions and users there are.
 */
import { BUFFERED_RESUME_FRACTION } from './limits';

export interface BudgetLimits {
  /** Request + reply bytes buffered (see DEFAULT_MAX_BUFFERED_BYTES). */
  bytes: number;
  /** Received fds held on requests not yet run (see DEFAULT_MAX_INFLIGHT_FDS_TOTAL). */
  fds: number;
}

export class SharedBudget {
  private usedBytes = 0;
  private usedFds = 0;
  private exhausted = false;
  private readonly listeners = new Set<() => void>();

  constructor(readonly limits: BudgetLimits) {}

  get bytes(): number {
    return this.usedBytes;
  }

  get fds(): number {
    return this.usedFds;
  }

  /** True from reaching the byte limit until use falls back below BUFFERED_RESUME_FRACTION of it. */
  get bytesExhausted(): boolean {
    return this.exhausted;
  }

  /** Buffered bytes changed by `delta` (negative when freed). */
  addBytes(delta: number): void {
    if (delta === 0) return;
    this.usedBytes += delta;
    if (!this.exhausted && this.usedBytes >= this.limits.bytes) this.setExhausted(true);
    else if (this.exhausted && this.usedBytes < this.limits.bytes * BUFFERED_RESUME_FRACTION) this.setExhausted(false);
  }

  /** Charges `n` fds if they fit; false (nothing charged) when they would pass the limit. */
  tryTakeFds(n: number): boolean {
    if (this.usedFds + n > this.limits.fds) return false;
    this.usedFds += n;
    return true;
  }

  releaseFds(n: number): void {
    this.usedFds -= n;
  }

  /** `onChange` runs whenever the byte budget becomes exhausted or available again. */
  subscribe(onChange: () => void): () => void {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  }

  private setExhausted(value: boolean): void {
    this.exhausted = value;
    for (const listener of [...this.listeners]) listener();
  }
}
