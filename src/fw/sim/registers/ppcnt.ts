/**
 * PPCNT (0x5008): port counters by group, each counter a be64 (the PRM's high/low dword pair)
 * from byte 8. Groups 0 (IEEE 802.3), 1 (RFC 2863), 2 (RFC 2819), 0x12 (physical layer: RS-FEC
 * codewords of the 400G link), 0x16 (physical layer statistics: the same corrections as bit
 * errors and BERs, which mstlink -c shows) and 0x23 (the same codewords binned by symbol errors,
 * as PPHCR describes the bins; fec_histogram.ts) are derived from the port's traffic model; the other groups the PRM
 * defines for an Ethernet port read as zeros. `clr` returns
 * the counters and then clears that group, as firmware does.
 *
 * Clearing is a state change (ethtool's counters go back to zero), so a user context (the tools
 * UID) clears only with a write (op_mod 0), which the broker audits as one; clr on a read is the
 * driver's (uid 0). Clearing statistics is the one register write a tools UID may make.
 */
import { layout, layoutSpec } from '../../../uapi/ifc';
import { badRegParam, toolsUidRefused } from './access';
import { fecHistogram } from './fec_histogram';
import { checkLocalPort } from './port';
import { portOf } from './port_state';
import type { RegisterContext, RegisterDef } from './register';
import { RegSyndrome } from './syndromes';
import type { PortTraffic } from './traffic';

export const PpcntGroup = { IEEE_802_3: 0x0, RFC_2863: 0x1, RFC_2819: 0x2, PHYS_LAYER: 0x12, PHYS_LAYER_STAT: 0x16, RS_FEC_HISTOGRAM: 0x23 } as const;
/** Groups that exist on an Ethernet port but that the simulator leaves at zero. */
const ZERO_GROUPS = new Set([0x3, 0x5, 0x6, 0x10, 0x11]);
/** Groups past RFC 2819 with counters of their own. */
const MODELLED_GROUPS: ReadonlySet<number> = new Set([PpcntGroup.PHYS_LAYER, PpcntGroup.PHYS_LAYER_STAT, PpcntGroup.RS_FEC_HISTOGRAM]);
/** Data bits an RS(544,514) codeword of 400GBASE-R carries (514 ten-bit symbols). */
const RS_FEC_CODEWORD_BITS = 5140;
/** One codeword in this many needs correcting: a healthy PAM4 link, never an uncorrectable one. */
const CODEWORDS_PER_CORRECTED = 25_000;
const COUNTERS_AT = 8;

/** RFC 2819 frame-size histogram: share of received frames per bin, 64 B … 8192–10239 B. */
const SIZE_BINS = [0.12, 0.18, 0.06, 0.05, 0.07, 0.42, 0.02, 0.03, 0.04];

function sizeHistogram(frames: number): number[] {
  const bins = SIZE_BINS.map((share) => Math.floor(frames * share));
  bins.push(frames - bins.reduce((a, b) => a + b, 0));
  return bins;
}

/**
 * Group 0x12 in phys_layer_cntrs field order: time since clear (ms), symbol and sync errors (none),
 * no BIP or FC-FEC counts (400G runs RS-FEC), RS-FEC corrected / uncorrectable / error-free /
 * single-error blocks, corrected symbols in total and per lane, then link-down events.
 */
function physLayerCounters(t: PortTraffic, uptimeMs: number, linkDowns: number): number[] {
  const codewords = Math.floor((t.rxOctets * 8) / RS_FEC_CODEWORD_BITS);
  const corrected = Math.floor(codewords / CODEWORDS_PER_CORRECTED);
  const symbols = corrected + Math.floor(corrected / 2);
  const perLane = [0, 1, 2, 3].map((lane) => Math.floor(symbols / 4) + (lane < symbols % 4 ? 1 : 0));
  return [uptimeMs, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, corrected, 0, codewords - corrected, Math.floor((corrected * 3) / 5), symbols,
    ...perLane, linkDowns, 0];
}

function groupCounters(group: number, t: PortTraffic): number[] {
  const rxUcast = t.rxFrames - t.rxMulticast - t.rxBroadcast;
  const txUcast = t.txFrames - t.txMulticast - t.txBroadcast;
  switch (group) {
    case PpcntGroup.IEEE_802_3:
      // Order of eth_802_3_cntrs_grp_data_layout.
      return [t.txFrames, t.rxFrames, t.rxFcsErrors, 0, t.txOctets, t.rxOctets, t.txMulticast, t.txBroadcast, t.rxMulticast,
        t.rxBroadcast, 0, 0, 0, 0, t.txPause, t.rxPause, 0, t.rxPause, t.txPause];
    case PpcntGroup.RFC_2863:
      // if_in_octets, ucast, discards, errors, unknown_protos, if_out_octets, ucast, discards, errors,
      // if_in_multicast, if_in_broadcast, if_out_multicast, if_out_broadcast.
      return [t.rxOctets, rxUcast, t.rxDiscards, t.rxFcsErrors, 0, t.txOctets, txUcast, 0, 0, t.rxMulticast, t.rxBroadcast,
        t.txMulticast, t.txBroadcast];
    case PpcntGroup.RFC_2819:
      // drop_events, octets, pkts, broadcast, multicast, crc_align_errors, undersize, oversize,
      // fragments, jabbers, collisions, then the ten size bins.
      return [t.rxDiscards, t.rxOctets, t.rxFrames, t.rxBroadcast, t.rxMulticast, t.rxFcsErrors, 0, 0, 0, 0, 0, ...sizeHistogram(t.rxFrames)];
    default:
      return [];
  }
}

const ppcnt = layout('ppcnt');
const grpF = ppcnt.uint('grp');
const clrF = ppcnt.uint('clr');
const portTypeF = ppcnt.uint('port_type');
/** phys_layer_cntrs fields in order: be64 counters, then the u32 event counts. */
const PHYS_FIELDS = layoutSpec('phys_layer_cntrs').fields.map((f) => ppcnt.field(`phys_layer_cntrs.${f.name}`));

/**
 * Group 0x16's counters, in this order: time since clear (ms), bits received, symbol errors left
 * after FEC (none), bits FEC corrected, raw (pre-FEC) bit errors of lanes 0..7, effective errors
 * (none). Each symbol group 0x12 counts as corrected is taken as one bit error, on its lane.
 */
function physStatCounters(t: PortTraffic, uptimeMs: number): number[] {
  const phys = physLayerCounters(t, uptimeMs, 0);
  const perLane = phys.slice(PHYS_LANE_SYMBOLS_AT, PHYS_LANE_SYMBOLS_AT + 4);
  return [uptimeMs, t.rxOctets * 8, 0, perLane.reduce((a, b) => a + b, 0), ...perLane, 0, 0, 0, 0, 0];
}
/** Where group 0x12's per-lane corrected symbols sit in physLayerCounters' list. */
const PHYS_LANE_SYMBOLS_AT = 20;
/** Where group 0x12's RS-FEC corrected, no-error and single-error blocks and corrected symbols sit. */
const PHYS_RS_FEC_AT = { corrected: 15, noErrors: 17, single: 18, symbols: 19 } as const;
const HISTOGRAM_BINS = layoutSpec('rs_fec_histogram_cntrs').fields.find((f) => f.name === 'hist')?.count ?? 0;

/** Group 0x23's bins: the codewords of group 0x12 by symbol errors (0..3; the higher bins stay empty). */
function histogramCounters(t: PortTraffic, uptimeMs: number): number[] {
  const phys = physLayerCounters(t, uptimeMs, 0).map((v) => BigInt(v));
  const at = (i: number): bigint => phys[i] ?? 0n;
  const bins = fecHistogram(at(PHYS_RS_FEC_AT.noErrors), at(PHYS_RS_FEC_AT.corrected), at(PHYS_RS_FEC_AT.single), at(PHYS_RS_FEC_AT.symbols));
  return Array.from({ length: HISTOGRAM_BINS }, (_, i) => Number(bins[i] ?? 0n));
}
const STAT_LANES = 8;

/** A ratio as the PRM's BER fields hold it, coef × 10^-magnitude with coef 1..9 (0, 0 for none). */
export function berFields(errors: bigint, bits: bigint): { coef: number; magnitude: number } {
  if (errors === 0n || bits === 0n) return { coef: 0, magnitude: 0 };
  const ber = Number(errors) / Number(bits);
  let magnitude = Math.ceil(-Math.log10(ber));
  let coef = Math.round(ber * 10 ** magnitude);
  if (coef >= 10) {
    magnitude -= 1;
    coef = Math.round(coef / 10);
  }
  return { coef: Math.max(1, coef), magnitude };
}

const stat = (name: string) => ppcnt.field(`phys_layer_stat_cntrs.${name}`);

function writeStatCounters(reply: Buffer, values: bigint[]): void {
  const [time = 0n, bits = 0n, symbolErrors = 0n, corrected = 0n] = values;
  const lanes = values.slice(4, 4 + STAT_LANES);
  const effective = values[4 + STAT_LANES] ?? 0n;
  stat('time_since_last_clear').set(reply, time);
  stat('phy_received_bits').set(reply, bits);
  stat('phy_symbol_errors').set(reply, symbolErrors);
  stat('phy_corrected_bits').set(reply, corrected);
  lanes.forEach((v, i) => stat(`phy_raw_errors_lane${i}`).set(reply, v));
  stat('phy_effective_errors').set(reply, effective);
  const setBer = (prefix: string, suffix: string, errors: bigint, over: bigint): void => {
    const { coef, magnitude } = berFields(errors, over);
    stat(`${prefix}_coef${suffix}`).set(reply, coef);
    stat(`${prefix}_magnitude${suffix}`).set(reply, magnitude);
  };
  setBer('raw_ber', '', corrected, bits);
  setBer('effective_ber', '', effective, bits);
  setBer('symbol_ber', '', symbolErrors, bits);
  // Each of the four lanes the link uses carries a quarter of the bits; lanes 4..7 carry none.
  lanes.forEach((v, i) => setBer('raw_ber', `_lane${i}`, v, i < 4 ? bits / 4n : 0n));
}

/** Writes one group's counters (already less the clear baseline) into the reply. */
function writeCounters(reply: Buffer, grp: number, values: bigint[]): void {
  if (grp === PpcntGroup.RS_FEC_HISTOGRAM) {
    values.forEach((v, i) => ppcnt.u64(`rs_fec_histogram_cntrs.hist[${i}]`).set(reply, v));
    return;
  }
  if (grp === PpcntGroup.PHYS_LAYER_STAT) {
    writeStatCounters(reply, values);
    return;
  }
  if (grp !== PpcntGroup.PHYS_LAYER) {
    values.forEach((v, i) => reply.writeBigUInt64BE(v, COUNTERS_AT + 8 * i));
    return;
  }
  PHYS_FIELDS.forEach((field, i) => {
    const v = values[i] ?? 0n;
    if (field.kind === 'u64') field.set(reply, v);
    else field.set(reply, Number(BigInt.asUintN(32, v)));
  });
}

function readPpcnt({ state, data, reply, uid, write }: RegisterContext): void {
  checkLocalPort(data, 'PPCNT');
  if (!write && uid !== 0 && clrF.get(data) === 1) throw toolsUidRefused('PPCNT clr on a read', uid);
  const grp = grpF.get(data);
  // mstlink asks for a gearbox's near-end and far-end ports too; this device has only its network port.
  const portType = portTypeF.get(data);
  if (portType !== 0) throw badRegParam(RegSyndrome.BAD_FIELD_VALUE, `PPCNT port_type ${portType}: the device has only the network port (0)`);
  if (grp > PpcntGroup.RFC_2819 && !MODELLED_GROUPS.has(grp) && !ZERO_GROUPS.has(grp)) throw badRegParam(RegSyndrome.BAD_PPCNT_GROUP, `PPCNT group 0x${grp.toString(16)}`);
  const port = portOf(state);
  const traffic = port.traffic();
  const uptimeMs = Math.floor(Math.max(0, state.clock.nowMs() - state.bootMs));
  const counters = grp === PpcntGroup.PHYS_LAYER
    ? physLayerCounters(traffic, uptimeMs, port.linkDownEvents)
    : grp === PpcntGroup.PHYS_LAYER_STAT
      ? physStatCounters(traffic, uptimeMs)
      : grp === PpcntGroup.RS_FEC_HISTOGRAM
        ? histogramCounters(traffic, uptimeMs)
        : groupCounters(grp, traffic);
  const now = counters.map((v) => BigInt(v));
  const base = port.ppcntBaseline.get(grp) ?? [];
  reply.fill(0, COUNTERS_AT);
  writeCounters(reply, grp, now.map((v, i) => {
    const delta = v - (base[i] ?? 0n);
    return delta > 0n ? delta : 0n;
  }));
  if (clrF.get(data) === 1) port.ppcntBaseline.set(grp, now);
}

/** A write is PRM's Set(): the same answer as a read, and `clr` clears the group afterwards. */
export const ppcntRegister: RegisterDef = { id: 0x5008, name: 'PPCNT', size: 0x100, read: readPpcnt, write: readPpcnt, toolsMayWrite: true };
