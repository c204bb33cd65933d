/**
 * The objects mlx5_core + mlx5_ib leave on the device after bringing up one Ethernet netdev with 8
 * channels, created in the driver's order and owned by uid 0:
 *   EQs:  ctrl (cmd) 0, async 1, pages 2, completion 3..10 (one per channel, IRQ c+1)
 *   per channel c: ICOSQ CQ, SQ CQ, RQ CQ on comp EQ c; ICOSQ, SQ (TIS of TC 0), RQ (q counter 1)
 *   drop RQ + CQ (q counter 2), 8 TISes (one per TC), the RSS RQT (256 entries over the 8 RQs),
 *   8 direct RQTs, 10 indirect TIRs (one per traffic type) + 8 direct TIRs, a PD, reserved mkeys
 *   1..3 (resd_lkey, dump_fill, null) and the driver's PA mkey, and mlx5_ib's GSI and UMR QPs.
 * Numbers are assigned as firmware would: QPs, SQs and RQs share one queue-number space.
 */
import { SeededRandom } from '../random';
import type { SimState } from '../state';
import { layout } from '../../../uapi/ifc';

export const NUM_CHANNELS = 8;
export const NUM_TCS = 8;
export const RSS_RQT_SIZE = 256;
export const DRIVER_UAR = 0x3;
export const DRIVER_TD = 0x1;
export const Q_COUNTER_RX = 1;
export const Q_COUNTER_DROP_RQ = 2;

/** Reserved mkeys (index << 8 | key 0) that QUERY_SPECIAL_CONTEXTS reports. */
export const RESD_LKEY = 0x100;
export const DUMP_FILL_MKEY = 0x200;
export const NULL_MKEY = 0x300;

export const EQ_CTRL = 0;
export const EQ_ASYNC = 1;
export const EQ_PAGES = 2;
export const EQ_COMP_BASE = 3;

/** queue states (sqc/rqc) and QP states */
export const QUEUE_RDY = 1;
export const QP_RTS = 3;
/** qpc.st */
export const QP_ST_UD = 0x2;
export const QP_ST_REG_UMR = 0xc;

/** mlx5_traffic_types order of the indirect TIRs: [name, l3 (0 v4, 1 v6), l4 (0 tcp, 1 udp), fields]. */
const SRC_IP = 1 << 0;
const DST_IP = 1 << 1;
const L4_SPORT = 1 << 2;
const L4_DPORT = 1 << 3;
const IPSEC_SPI = 1 << 4;
const IP_PAIR = SRC_IP | DST_IP;
const L4_TUPLE = IP_PAIR | L4_SPORT | L4_DPORT;
export const TRAFFIC_TYPES: readonly (readonly [string, number, number, number])[] = [
  ['ipv4_tcp', 0, 0, L4_TUPLE], ['ipv6_tcp', 1, 0, L4_TUPLE], ['ipv4_udp', 0, 1, L4_TUPLE], ['ipv6_udp', 1, 1, L4_TUPLE],
  ['ipv4_ipsec_ah', 0, 0, IP_PAIR | IPSEC_SPI], ['ipv6_ipsec_ah', 1, 0, IP_PAIR | IPSEC_SPI],
  ['ipv4_ipsec_esp', 0, 0, IP_PAIR | IPSEC_SPI], ['ipv6_ipsec_esp', 1, 0, IP_PAIR | IPSEC_SPI],
  ['ipv4', 0, 0, IP_PAIR], ['ipv6', 1, 0, IP_PAIR],
];

/** What the driver model knows beyond the object store: per-netdev numbers the vport queries use. */
export interface DriverModel {
  readonly mac: { readonly hi16: number; readonly lo32: number };
  readonly nodeGuid: bigint;
  /** Hardware MTU: 1500 + Ethernet header, VLAN tag and FCS. */
  readonly hwMtu: number;
  /** Sums of the channel rates, packets per ms, fixed at bring-up so vport counters never go back. */
  readonly txPerMs: number;
  readonly rxPerMs: number;
  readonly channels: readonly { readonly eqn: number; readonly sqn: number; readonly rqn: number; readonly icosqn: number }[];
  readonly rssRqtn: number;
  readonly tirns: readonly number[];
  readonly tisns: readonly number[];
  readonly pdn: number;
  readonly paMkey: number;
  readonly qpns: readonly number[];
}

/** All object numbers start here and go up, as a freshly reset device hands them out. */
const FIRST = { cq: 0x400, queue: 0x100, tis: 0x10, tir: 0x20, rqt: 0x8, pd: 0x1 } as const;

export function bringUp(state: SimState): DriverModel {
  // One draw from the device PRNG seeds ours, so later features' draws do not depend on ours.
  const rnd = new SeededRandom(state.random.nextU32());
  const objs = state.objects;
  let nextQueue: number = FIRST.queue;
  const queueNumber = (): number => nextQueue++;
  const dbr = (): number => 0x1_0000_0000 + rnd.below(0x100000) * 64;

  const pd = objs.add('pd', 0, { purpose: 'mlx5e' }, undefined, FIRST.pd).id;

  // Reserved mkeys and the driver's PA mkey (mlx5e_create_mkey: PA, lw/lr, length64).
  const mkc = layout('mkc');
  const mkey = (index: number, key: number, access: number, lrw: boolean, pdn: number): number => {
    const ctx = Buffer.alloc(mkc.size);
    mkc.uint('access_mode_1_0').set(ctx, access);
    mkc.uint('lw').set(ctx, lrw ? 1 : 0);
    mkc.uint('lr').set(ctx, lrw ? 1 : 0);
    mkc.uint('qpn').set(ctx, 0xffffff);
    mkc.uint('mkey_7_0').set(ctx, key);
    mkc.uint('length64').set(ctx, 1);
    mkc.uint('pd').set(ctx, pdn);
    objs.add('mkey', 0, { mkc: ctx, key, pd: pdn }, index);
    return (index << 8) | key;
  };
  mkey(RESD_LKEY >> 8, 0, 0, true, 0);
  mkey(DUMP_FILL_MKEY >> 8, 0, 0, false, 0);
  mkey(NULL_MKEY >> 8, 0, 0, false, 0);
  const paMkey = mkey(4, rnd.below(256), 0, true, pd);

  // EQs: log sizes of mlx5 eq.c (cmd 32 EQEs... async/pages 4096, comp 1024).
  const eq = (eqn: number, kind: string, logSize: number, intr: number, events: readonly number[], rate: number, atBoot: number): void => {
    const bitmask = events.reduce((m, e) => m + 2 ** e, 0);
    objs.add('eq', 0, { kind, logSize, intr, bitmask, rate, atBoot }, eqn);
  };
  eq(EQ_CTRL, 'ctrl', 6, 0, [0x0a], 0.02, 120);
  eq(EQ_ASYNC, 'async', 12, 0, [0x04, 0x08, 0x09, 0x0d, 0x10, 0x11, 0x12, 0x16, 0x17, 0x22, 0x26], 0.0001, 3);
  eq(EQ_PAGES, 'pages', 12, 0, [0x0b], 0, 6);

  const cq = (eqn: number, logSize: number, rate: number, moderation: { period: number; count: number }, queue: string): number =>
    objs.add('cq', 0, { eqn, logSize, rate, queue, dbr: dbr(), ...moderation }, undefined, FIRST.cq).id;

  const tisns: number[] = [];
  for (let tc = 0; tc < NUM_TCS; tc++) tisns.push(objs.add('tis', 0, { prio: tc << 1, td: DRIVER_TD }, undefined, FIRST.tis).id);

  objs.add('q_counter', 0, { purpose: 'rx', oobPerMs: 0.0005 }, Q_COUNTER_RX);
  objs.add('q_counter', 0, { purpose: 'drop_rq', oobPerMs: 0 }, Q_COUNTER_DROP_RQ);

  const channels: { eqn: number; sqn: number; rqn: number; icosqn: number }[] = [];
  let txPerMs = 0;
  let rxPerMs = 0;
  for (let c = 0; c < NUM_CHANNELS; c++) {
    const eqn = EQ_COMP_BASE + c;
    // 20k..80k packets/s each way per channel; the ICOSQ posts a UMR/NOP every few ms.
    const tx = 20 + rnd.below(61);
    const rx = 20 + rnd.below(61);
    const ico = 0.25;
    txPerMs += tx;
    rxPerMs += rx;
    // One EQE per CQ arm; NAPI batches about 16 completions per poll.
    eq(eqn, 'comp', 10, c + 1, [], (tx + rx + ico) / 16, 0);
    const icoCq = cq(eqn, 7, ico, { period: 0x10, count: 0x20 }, 'icosq');
    const sqCq = cq(eqn, 10, tx, { period: 0x10, count: 0x20 }, 'sq');
    const rqCq = cq(eqn, 10, rx, { period: 0x3, count: 0x20 }, 'rq');
    const sq = (cqn: number, kind: string, rate: number, logWqSz: number, tisn: number): number =>
      objs.add('sq', 0, { cqn, kind, rate, logWqSz, tisn, pd, channel: c, dbr: dbr() }, queueNumber()).id;
    const icosqn = sq(icoCq, 'icosq', ico, 6, 0);
    const sqn = sq(sqCq, 'txq', tx, 10, tisns[0] ?? 0);
    const rqn = objs.add('rq', 0, { cqn: rqCq, rate: rx, logWqSz: 10, pd, counterSetId: Q_COUNTER_RX, channel: c, dbr: dbr() }, queueNumber()).id;
    channels.push({ eqn, sqn, rqn, icosqn });
  }

  // The drop RQ steers traffic nowhere while channels are closed; it stays idle when they are open.
  const dropCq = cq(EQ_COMP_BASE, 0, 0, { period: 0, count: 0 }, 'drop_rq');
  objs.add('rq', 0, { cqn: dropCq, rate: 0, logWqSz: 0, pd, counterSetId: Q_COUNTER_DROP_RQ, channel: -1, dbr: dbr() }, queueNumber());

  const rqns = channels.map((ch) => ch.rqn);
  const rssRqtn = objs.add('rqt', 0, { rqns: Array.from({ length: RSS_RQT_SIZE }, (_, i) => rqns[i % rqns.length] ?? 0), maxSize: RSS_RQT_SIZE }, undefined, FIRST.rqt).id;
  const directRqts = rqns.map((rqn) => objs.add('rqt', 0, { rqns: [rqn], maxSize: 1 }, undefined, FIRST.rqt).id);

  const key = rnd.fill(Buffer.alloc(40));
  const tirns: number[] = [];
  const tir = (ctx: Record<string, unknown>): void => {
    tirns.push(objs.add('tir', 0, { td: DRIVER_TD, selfLb: 3, key, ...ctx }, undefined, FIRST.tir).id);
  };
  for (const [name, l3, l4, fields] of TRAFFIC_TYPES) tir({ trafficType: name, rqtn: rssRqtn, hashFn: 2, l3, l4, fields });
  for (const rqtn of directRqts) tir({ trafficType: 'direct', rqtn, hashFn: 1, l3: 0, l4: 0, fields: 0 });

  // mlx5_ib: the GSI QP (UD, sends as QP1) and the UMR QP, on their own CQs on the first comp EQ.
  const gsiCq = cq(EQ_COMP_BASE, 7, 0.001, { period: 0, count: 0 }, 'gsi');
  const umrCq = cq(EQ_COMP_BASE, 7, 0.002, { period: 0, count: 0 }, 'umr');
  const qpns = [
    objs.add('qp', 0, { st: QP_ST_UD, cqn: gsiCq, pd, logSq: 7, logRq: 7, dethSqpn: 1, qkey: 0x80010000, rate: 0.001, dbr: dbr() }, queueNumber()).id,
    objs.add('qp', 0, { st: QP_ST_REG_UMR, cqn: umrCq, pd, logSq: 7, logRq: 0, dethSqpn: 0, qkey: 0, rate: 0.002, dbr: dbr() }, queueNumber()).id,
  ];

  const macLow = rnd.below(0x1000000);
  return {
    mac: { hi16: 0xb8ce, lo32: (0xf6000000 | macLow) >>> 0 },
    nodeGuid: (0xb8cef603_00000000n | BigInt(macLow)),
    hwMtu: 1500 + 14 + 4 + 4,
    txPerMs,
    rxPerMs,
    channels,
    rssRqtn,
    tirns,
    tisns,
    pdn: pd,
    paMkey,
    qpns,
  };
}
