/**
 * Time sources for devlink health. The kernel uses jiffies (monotonic) for grace/burst windows and
 * dump_ts, and ktime_get_real_ns() for dump_real_ts. Both are injected so tests are deterministic.
 */
export interface DevlinkClock {
  /** Monotonic milliseconds (the kernel's jiffies converted to ms). */
  now(): number;
  /** Wall-clock nanoseconds since the epoch (ktime_get_real_ns). */
  wallNs(): bigint;
}

export const systemClock: DevlinkClock = {
  now: () => performance.now(),
  wallNs: () => BigInt(Date.now()) * 1_000_000n,
};

/** A clock that only moves when told to; for tests and the deterministic simulator. */
export class ManualClock implements DevlinkClock {
  constructor(
    private monotonicMs = 0,
    private epochNs = 1_700_000_000_000_000_000n,
  ) {}

  now(): number {
    return this.monotonicMs;
  }

  wallNs(): bigint {
    return this.epochNs;
  }

  /** Moves both clocks forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.monotonicMs += ms;
    this.epochNs += BigInt(Math.round(ms * 1_000_000));
  }
}
