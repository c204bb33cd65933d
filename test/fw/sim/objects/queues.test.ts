import { ObjSyndrome } from '../../../../src/fw/sim/objects/syndromes';
import { device, getBits, ids, OP, run, status, syndrome } from './helpers';

// Context offsets (bytes) inside the outboxes and fields (bits) inside the contexts, from mlx5_ifc.h.
const EQC = 0x10;
const CQC = 0x10;
const SQC = 0x20;
const RQC = 0x20;
const WQ = 0x30; // wq at bit 0x180 of sqc/rqc
const QPC = 0x18;

const eq = (out: Buffer, bit: number, w: number): number => getBits(out, EQC * 8 + bit, w);
const cq = (out: Buffer, bit: number, w: number): number => getBits(out, CQC * 8 + bit, w);
const sqc = (out: Buffer, bit: number, w: number): number => getBits(out, SQC * 8 + bit, w);
const wq = (out: Buffer, base: number, bit: number, w: number): number => getBits(out, (base + WQ) * 8 + bit, w);

describe('driver queues after netdev bring-up', () => {
  const { dev, clock } = device();
  const queryEq = (n: number): Buffer => run(dev, OP.QUERY_EQ, 272, [[0x58, 8, n]]);
  const queryCq = (n: number): Buffer => run(dev, OP.QUERY_CQ, 272, [[0x48, 24, n]]);
  const querySq = (n: number): Buffer => run(dev, OP.QUERY_SQ, 272, [[0x48, 24, n]]);
  const queryRq = (n: number): Buffer => run(dev, OP.QUERY_RQ, 272, [[0x48, 24, n]]);

  it('has ctrl, async and pages EQs on IRQ 0 and one completion EQ per channel on IRQ c+1', () => {
    expect(ids(dev, 'eq')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (let n = 0; n <= 10; n++) {
      const out = queryEq(n);
      expect(status(out)).toBe(0);
      expect(eq(out, 0x14, 4)).toBe(0x9); // st ARMED
      expect(eq(out, 0xb4, 12)).toBe(n < 3 ? 0 : n - 2); // intr
    }
    expect(eq(queryEq(3), 0x63, 5)).toBe(10); // log_eq_size: 1024 EQEs
    // event_bitmask (be64 at outbox byte 0x58): the cmd EQ takes only CMD events (type 0xa)
    expect(queryEq(0).readBigUInt64BE(0x58)).toBe(1n << 0xan);
    expect(queryEq(2).readBigUInt64BE(0x58)).toBe(1n << 0xbn);
  });

  it('answers BAD_RES with a per-type syndrome for ids that do not exist', () => {
    const cases: [Buffer, number][] = [
      [queryEq(11), ObjSyndrome.NO_SUCH_EQ],
      [queryCq(0x3ff), ObjSyndrome.NO_SUCH_CQ],
      [querySq(0xfffff), ObjSyndrome.NO_SUCH_SQ],
      [queryRq(0x1), ObjSyndrome.NO_SUCH_RQ],
      [run(dev, OP.QUERY_QP, 272, [[0x48, 24, 0x99999]]), ObjSyndrome.NO_SUCH_QP],
    ];
    for (const [out, syn] of cases) {
      expect(status(out)).toBe(0x5);
      expect(syndrome(out)).toBe(syn);
      expect(out.subarray(8).every((b) => b === 0)).toBe(true);
    }
  });

  it('links every SQ and RQ to a CQ on its channel completion EQ', () => {
    const sqs = ids(dev, 'sq');
    expect(sqs).toHaveLength(16); // an ICOSQ and a TX SQ per channel
    const eqs = new Set<number>();
    for (const sqn of sqs) {
      const sq = querySq(sqn);
      expect(status(sq)).toBe(0);
      expect(sqc(sq, 0x8, 4)).toBe(1); // state RDY
      expect(wq(sq, SQC, 0x0, 4)).toBe(1); // cyclic
      expect(wq(sq, SQC, 0x10c, 4)).toBe(6); // 64-byte WQEBBs
      const cqn = sqc(sq, 0x48, 24);
      const c = queryCq(cqn);
      expect(status(c)).toBe(0);
      const eqn = cq(c, 0xa0, 32);
      expect(status(queryEq(eqn))).toBe(0);
      eqs.add(eqn);
    }
    expect([...eqs].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    for (const rqn of ids(dev, 'rq')) {
      const rq = queryRq(rqn);
      expect(getBits(rq, RQC * 8 + 0x8, 4)).toBe(1);
      expect(status(queryCq(getBits(rq, RQC * 8 + 0x48, 24)))).toBe(0);
      expect([1, 2]).toContain(getBits(rq, RQC * 8 + 0x60, 8)); // counter_set_id
    }
  });

  it('gives TX SQs the TIS of TC 0 and one queue-number space to SQs, RQs and QPs', () => {
    const tisns = ids(dev, 'tis');
    const txq = ids(dev, 'sq').map((n) => querySq(n)).filter((o) => sqc(o, 0x100, 16) === 1);
    expect(txq).toHaveLength(8);
    for (const o of txq) expect(sqc(o, 0x168, 24)).toBe(tisns[0]);
    const all = [...ids(dev, 'sq'), ...ids(dev, 'rq'), ...ids(dev, 'qp')];
    expect(new Set(all).size).toBe(all.length);
    // an SQ number is not a QP
    expect(status(run(dev, OP.QUERY_QP, 272, [[0x48, 24, ids(dev, 'sq')[0] ?? 0]]))).toBe(0x5);
  });

  it('moves producer/consumer counters with the clock, the CQ agreeing with its SQ', () => {
    const sqn = ids(dev, 'sq')[1] ?? 0; // channel 0 TX SQ
    const before = querySq(sqn);
    clock.t += 100;
    const after = querySq(sqn);
    const pc0 = wq(before, SQC, 0xe0, 32);
    const pc1 = wq(after, SQC, 0xe0, 32);
    expect(pc1).toBeGreaterThan(pc0);
    const cc1 = wq(after, SQC, 0xc0, 32);
    expect(cc1).toBeLessThanOrEqual(pc1);
    expect(pc1 - cc1).toBeLessThanOrEqual(3);
    const c = queryCq(sqc(after, 0x48, 24));
    expect(cq(c, 0x168, 24) & 0xffff).toBe(pc1); // CQEs produced = WQEBBs posted
    expect(cq(c, 0x148, 24) & 0xffff).toBe(cc1);
    const eqn = cq(c, 0xa0, 32);
    const e0 = eq(queryEq(eqn), 0x168, 24);
    clock.t += 50;
    expect(eq(queryEq(eqn), 0x168, 24)).toBeGreaterThan(e0);
  });

  it('keeps an RQ ring full: posted = received + ring size', () => {
    const rqn = ids(dev, 'rq')[0] ?? 0;
    const out = queryRq(rqn);
    const size = 1 << wq(out, RQC, 0x11b, 5);
    expect(size).toBe(1024);
    expect((wq(out, RQC, 0xe0, 32) - wq(out, RQC, 0xc0, 32)) & 0xffff).toBe(size);
  });

  it('has the mlx5_ib GSI (UD, QP1) and UMR QPs in RTS', () => {
    const [gsi, umr] = ids(dev, 'qp').map((n) => run(dev, OP.QUERY_QP, 272, [[0x48, 24, n]]));
    if (!gsi || !umr) throw new Error('missing QPs');
    expect(getBits(gsi, QPC * 8 + 0x0, 4)).toBe(3);
    expect(getBits(gsi, QPC * 8 + 0x8, 8)).toBe(0x2);
    expect(getBits(gsi, QPC * 8 + 0x408, 24)).toBe(1); // deth_sqpn
    expect(getBits(umr, QPC * 8 + 0x8, 8)).toBe(0xc);
    expect(status(queryCq(getBits(umr, QPC * 8 + 0x3e8, 24)))).toBe(0);
  });

  it('refuses an outbox shorter than the query needs', () => {
    expect(status(querySqShort(dev, ids(dev, 'sq')[0] ?? 0))).toBe(0x51);
  });
});

function querySqShort(dev: ReturnType<typeof device>['dev'], sqn: number): Buffer {
  return run(dev, OP.QUERY_SQ, 100, [[0x48, 24, sqn]]);
}

describe('determinism', () => {
  it('gives identical answers for the same seed and clock, different ones for another seed', () => {
    const a = device({ seed: 7 }).dev;
    const b = device({ seed: 7 }).dev;
    const c = device({ seed: 8 }).dev;
    const q = (d: typeof a): Buffer => run(d, OP.QUERY_SQ, 272, [[0x48, 24, ids(d, 'sq')[1] ?? 0]]);
    expect(q(a).equals(q(b))).toBe(true);
    const tir = (d: typeof a): Buffer => run(d, OP.QUERY_TIR, 272, [[0x48, 24, ids(d, 'tir')[0] ?? 0]]);
    expect(tir(a).equals(tir(b))).toBe(true);
    expect(tir(a).equals(tir(c))).toBe(false);
  });
});
