/**
 * PPCNT (0x5008): port counters by group, each counter a be64 (the PRM's high/low dword pair)
 * from byte 8. Groups 0 (IEEE 802.3), 1 (RFC 2863) and 2 (RFC 2819) are derived from the port's
 * traffic model; the other groups the PRM defines for an Ethernet port read as zeros. `clr` returns
 * the counters and then clears that group, as firmware does.
 *
 * Clearing is a state change (ethtool's counters go back to zero), so a user context (the tools
 * UID) clears only with a write (op_mod 0), which the broker audits as one; clr on a read is the
 * driver's (uid 0). Clearing statistics is the one register write a tools UID may make.
 */
import { layout } from '../../../uapi/ifc';
import { badRegParam, toolsUidRefused } from './access';
import { checkLocalPort } from './port';
import { portOf } from './port_state';
import type { RegisterContext, RegisterDef } from './register';
import { RegSyndrome } from './syndromes';
import type { PortTraffic } from './traffic';

export const PpcntGroup = { IEEE_802_3: 0x0, RFC_2863: 0x1, RFC_2819: 0x2 } as const;
/** Groups that exist on an Ethernet port but that the simulator leaves at zero. */
const ZERO_GROUPS = new Set([0x3, 0x5, 0x6, 0x10, 0x11, 0x12, 0x16]);
const COUNTERS_AT = 8;

/** RFC 2819 frame-size histogram: share of received frames per bin, 64 B … 8192–10239 B. */
const SIZE_BINS = [0.12, 0.18, 0.06, 0.05, 0.07, 0.42, 0.02, 0.03, 0.04];

function sizeHistogram(frames: number): number[] {
  const bins = SIZE_BINS.map((share) => Math.floor(frames * share));
  bins.push(frames - bins.reduce((a, b) => a + b, 0));
  return bins;
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

function readPpcnt({ state, data, reply, uid, write }: RegisterContext): void {
  checkLocalPort(data, 'PPCNT');
  if (!write && uid !== 0 && clrF.get(data) === 1) throw toolsUidRefused('PPCNT clr on a read', uid);
  const grp = grpF.get(data);
  if (grp > PpcntGroup.RFC_2819 && !ZERO_GROUPS.has(grp)) throw badRegParam(RegSyndrome.BAD_PPCNT_GROUP, `PPCNT group 0x${grp.toString(16)}`);
  const port = portOf(state);
  const now = groupCounters(grp, port.traffic()).map((v) => BigInt(v));
  const base = port.ppcntBaseline.get(grp) ?? [];
  reply.fill(0, COUNTERS_AT);
  now.forEach((v, i) => {
    const delta = v - (base[i] ?? 0n);
    reply.writeBigUInt64BE(delta > 0n ? delta : 0n, COUNTERS_AT + 8 * i);
  });
  if (clrF.get(data) === 1) port.ppcntBaseline.set(grp, now);
}

/** A write is PRM's Set(): the same answer as a read, and `clr` clears the group afterwards. */
export const ppcntRegister: RegisterDef = { id: 0x5008, name: 'PPCNT', size: 0x100, read: readPpcnt, write: readPpcnt, toolsMayWrite: true };
