/**
 * The port's traffic, as smooth functions of the time the link has been up. Every counter the
 * simulator reports about packets (PPCNT, the cr-space hardware counters, diagnostic counters)
 * comes from here, so two views of the same traffic agree.
 *
 * Rate model: a 400 Gb/s port carrying on average ~30 % of line rate, with a slow sinusoidal swing.
 * Octets are the integral of rate(τ) = base + amp·sin(ωτ + φ) with amp < base, which is
 * non-decreasing in τ by construction; frame counts are octets divided by a mean frame size.
 * Values are exact integers in a double up to about six days of simulated link-up time.
 */

export const LINE_RATE_BPS = 400e9;
const MEAN_FRAME_BYTES = 1100;
/** ω: one traffic swing every 90 s. */
const OMEGA = (2 * Math.PI) / 90_000;

interface Direction {
  /** Mean octets per millisecond. */
  base: number;
  amp: number;
  phase: number;
}

// 30 % / 22 % of 400 Gb/s = 15 GB/s and 11 GB/s = 15e6 / 11e6 octets per ms.
const RX: Direction = { base: 15e6, amp: 6e6, phase: 0 };
const TX: Direction = { base: 11e6, amp: 4e6, phase: 1.3 };

function octets(d: Direction, activeMs: number): number {
  if (activeMs <= 0) return 0;
  // ∫0^τ base + amp·sin(ωt+φ) dt = base·τ + amp/ω·(cos φ − cos(ωτ+φ))
  const v = d.base * activeMs + (d.amp / OMEGA) * (Math.cos(d.phase) - Math.cos(OMEGA * activeMs + d.phase));
  return Math.max(0, Math.floor(v));
}

export interface PortTraffic {
  rxOctets: number;
  txOctets: number;
  rxFrames: number;
  txFrames: number;
  rxMulticast: number;
  txMulticast: number;
  rxBroadcast: number;
  txBroadcast: number;
  /** Frames received with a bad FCS: rare, one per ~40 s of link time. */
  rxFcsErrors: number;
  rxPause: number;
  txPause: number;
  /** Receive-side drops for lack of buffers. */
  rxDiscards: number;
}

/** Counters for `activeMs` milliseconds of link-up time. */
export function portTraffic(activeMs: number): PortTraffic {
  const rxOctets = octets(RX, activeMs);
  const txOctets = octets(TX, activeMs);
  const rxFrames = Math.floor(rxOctets / MEAN_FRAME_BYTES);
  const txFrames = Math.floor(txOctets / MEAN_FRAME_BYTES);
  const t = Math.max(0, activeMs);
  return {
    rxOctets,
    txOctets,
    rxFrames,
    txFrames,
    rxMulticast: Math.floor(rxFrames / 997),
    txMulticast: Math.floor(txFrames / 1201),
    rxBroadcast: Math.floor(rxFrames / 50_021),
    txBroadcast: Math.floor(txFrames / 70_001),
    rxFcsErrors: Math.floor(t / 40_000),
    rxPause: Math.floor(t / 250),
    txPause: Math.floor(t / 400),
    rxDiscards: Math.floor(rxFrames / 2_000_003),
  };
}
