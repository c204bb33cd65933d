/**
 * Time-driven counters. The simulated netdev carries a steady, seed-chosen load per channel, so a
 * counter is `events at boot + rate × elapsed device time`: monotonic, deterministic given the
 * seed and the injected clock, and different between two queries whenever the clock moved.
 */
import type { SimState } from '../state';

export const MASK16 = 0xffff;
export const MASK24 = 0xffffff;

/** Milliseconds the device has been up, as its clock says. */
export function uptimeMs(state: SimState): number {
  return Math.max(0, state.clock.nowMs() - state.bootMs);
}

/** Events so far for something that happens `ratePerMs` times a millisecond after `atBoot`. */
export function eventsSoFar(state: SimState, ratePerMs: number, atBoot = 0): number {
  return atBoot + Math.floor(uptimeMs(state) * ratePerMs);
}

/**
 * A ring's producer/consumer pair: the consumer trails the producer by a small in-flight count
 * that varies with the producer, never more than `maxInflight` nor more than was produced.
 */
export function ringCounters(produced: number, maxInflight: number): { producer: number; consumer: number } {
  const inflight = Math.min(produced, maxInflight === 0 ? 0 : produced % (maxInflight + 1));
  return { producer: produced, consumer: produced - inflight };
}
