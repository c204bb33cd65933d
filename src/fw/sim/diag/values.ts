/**
 * What each diagnostic counter counts, as a cumulative value at any device time. Counters are
 * tied to the port's traffic model, so they rise with load and stand still while the link is down:
 * stall counters count device clocks (1 GHz) in proportion to traffic, data counters count
 * 128-byte units or packets. Meanings follow mlx5ctl's counter table where it names the id; ids it
 * does not name get a deterministic share of received packets.
 */
import { mix32 } from '../crspace/hash';
import { portOf } from '../registers/port_state';
import type { PortTraffic } from '../registers/traffic';
import type { SimState } from '../state';

/** Mean receive octets per device clock: 15 GB/s over 1 GHz. */
const RX_OCTETS_PER_CLOCK = 15;

type Model = (t: PortTraffic) => number;

/** Device clocks stalled: `share` of the clocks the mean load keeps the pipe busy. */
const stallClocks = (share: number): Model => (t) => Math.floor((t.rxOctets / RX_OCTETS_PER_CLOCK) * share);

const MODELS = new Map<number, Model>([
  [0x0401, stallClocks(0.02)], // back pressure from datalink to transport unit
  [0x0402, stallClocks(0.005)], // outbound stalled writes
  [0x0403, stallClocks(0.003)], // outbound stalled reads
  [0x0406, (t) => Math.floor(t.rxOctets / 128)], // RX 128B data
  [0x0409, stallClocks(0.008)], // read stalled: no read engines
  [0x040a, stallClocks(0.002)], // read stalled: no completion buffer
  [0x040b, stallClocks(0.011)], // read stalled: ordering
  [0x1001, (t) => t.rxFrames], // RX steering packets
  [0x2001, stallClocks(0.001)], // SQ stopped due to limited VL
  [0x2006, (t) => t.txFrames], // TX packets
  [0x2c02, (t) => t.txOctets], // line transmitted, port 1
  [0x2c03, () => 0], // line transmitted, port 2: a single-port adapter
  [0x2c04, (t) => Math.floor(t.txFrames / 5000)], // loopback
]);

/** Ids without a known meaning: a stable fraction (1/1000 .. 1) of received packets. */
function genericModel(id: number): Model {
  const share = 0.001 + (mix32(id * 0x9e3779b1) % 1000) / 1000;
  return (t) => Math.floor(t.rxFrames * share);
}

/** Cumulative value of counter `id` at device uptime `uptimeMs`. */
export function counterValue(state: SimState, id: number, uptimeMs: number): bigint {
  const model = MODELS.get(id) ?? genericModel(id);
  return BigInt(model(portOf(state).trafficAt(uptimeMs)));
}
