import { FwError } from '../../../../src/fw/sim/errors';
import { requireOwner, requireReadable } from '../../../../src/fw/sim/objects/ownership';
import { ObjSyndrome } from '../../../../src/fw/sim/objects/syndromes';
import { Syndrome } from '../../../../src/fw/sim/errors';
import { createUctx, device, getBits, ids, OP, run, status, syndrome } from './helpers';

const counterPackets = (out: Buffer, index: number): bigint => out.readBigUInt64BE(0x10 + index * 16);
// query_vport_counter_out traffic counters, in order from byte 0x10: errors (2), ib (4), then eth
const RX_ETH_UNICAST = 8;
const TX_ETH_UNICAST = 9;

describe('vport 0 and its counters', () => {
  const { dev, clock } = device();

  it('QUERY_VPORT_STATE: up; other_vport for a vport that does not exist is BAD_PARAM', () => {
    const out = run(dev, OP.QUERY_VPORT_STATE, 16, [[0x40, 1, 1], [0x50, 16, 0]]);
    expect(status(out)).toBe(0);
    expect(getBits(out, 0x7c, 4)).toBe(1);
    const vf = run(dev, OP.QUERY_VPORT_STATE, 16, [[0x40, 1, 1], [0x50, 16, 3]]);
    expect([status(vf), syndrome(vf)]).toEqual([0x3, ObjSyndrome.NO_SUCH_VPORT]);
    expect(status(run(dev, OP.QUERY_VNIC_ENV, 528, [[0x40, 1, 1], [0x50, 16, 1]]))).toBe(0x3);
  });

  it('QUERY_VPORT_COUNTER grows with time and restarts from zero after clear', () => {
    const q = (clear = 0): Buffer => run(dev, OP.QUERY_VPORT_COUNTER, 528, [[0x40, 1, 1], [0xc0, 1, clear]], { inLen: 32 });
    clock.t += 1000;
    const a = q();
    clock.t += 1000;
    const b = q();
    expect(counterPackets(b, RX_ETH_UNICAST)).toBeGreaterThan(counterPackets(a, RX_ETH_UNICAST));
    expect(counterPackets(b, TX_ETH_UNICAST)).toBeGreaterThan(counterPackets(a, TX_ETH_UNICAST));
    expect(b.readBigUInt64BE(0x10 + TX_ETH_UNICAST * 16 + 8)).toBeGreaterThan(0n); // octets
    q(1);
    expect(counterPackets(q(), RX_ETH_UNICAST)).toBe(0n);
    clock.t += 10;
    expect(counterPackets(q(), RX_ETH_UNICAST)).toBeGreaterThan(0n);
  });

  it('QUERY_NIC_VPORT_CONTEXT: hardware MTU, NVIDIA MAC, and the UC list holding it', () => {
    const out = run(dev, OP.QUERY_NIC_VPORT_CONTEXT, 272 + 8);
    expect(status(out)).toBe(0);
    const ctx = 0x10 * 8;
    expect(getBits(out, ctx + 0x130, 16)).toBe(1522);
    expect(getBits(out, ctx + 0x7b0, 16)).toBe(0xb8ce);
    const lo = getBits(out, ctx + 0x7c0, 32);
    expect(lo >>> 24).toBe(0xf6);
    expect(getBits(out, ctx + 0x794, 12)).toBe(1);
    expect(getBits(out, 272 * 8 + 0x10, 16)).toBe(0xb8ce);
    expect(getBits(out, 272 * 8 + 0x20, 32)).toBe(lo);
    // node GUID is the MAC with 03:00 in the middle
    expect(out.readBigUInt64BE(0x10 + 0x38) >> 24n).toBe(0xb8cef60300n);
  });

  it('QUERY_VNIC_ENV answers for the own vport', () => {
    expect(status(run(dev, OP.QUERY_VNIC_ENV, 528))).toBe(0);
  });
});

describe('q counters and UID rules', () => {
  const { dev, clock } = device();
  const debugUid = createUctx(dev);
  const queryQ = (id: number, uid = 0, clear = 0): Buffer =>
    run(dev, OP.QUERY_Q_COUNTER, 256, [[0xf8, 8, id], [0xc0, 1, clear]], { uid, inLen: 32 });

  it('counts rx out_of_buffer on q counter 1 and lets only its owner clear it', () => {
    clock.t += 60_000;
    const oob = getBits(queryQ(1, debugUid), 0x180, 32);
    expect(oob).toBe(30);
    const denied = queryQ(1, debugUid, 1);
    expect([status(denied), syndrome(denied)]).toEqual([0x3, ObjSyndrome.UID_NOT_OWNER]);
    expect(getBits(queryQ(1), 0x180, 32)).toBe(30);
    queryQ(1, 0, 1);
    expect(getBits(queryQ(1), 0x180, 32)).toBe(0);
    expect(syndrome(queryQ(9))).toBe(ObjSyndrome.NO_SUCH_Q_COUNTER);
  });

  it('lets a debug UID read driver objects but not destroy them', () => {
    const cqn = ids(dev, 'cq')[0] ?? 0;
    expect(status(run(dev, OP.QUERY_CQ, 272, [[0x48, 24, cqn]], { uid: debugUid }))).toBe(0);
    const out = run(dev, OP.DESTROY_CQ, 16, [[0x48, 24, cqn]], { uid: debugUid });
    expect([status(out), syndrome(out)]).toEqual([0x3, ObjSyndrome.UID_NOT_OWNER]);
    expect(dev.state.objects.get('cq', cqn)).toBeDefined();
    const sq = run(dev, OP.DESTROY_SQ, 16, [[0x48, 24, ids(dev, 'sq')[0] ?? 0]], { uid: debugUid });
    expect(syndrome(sq)).toBe(ObjSyndrome.UID_NOT_OWNER);
  });

  it('lets uid 0 destroy only unreferenced objects', () => {
    const cqn = ids(dev, 'cq')[0] ?? 0;
    const busy = run(dev, OP.DESTROY_CQ, 16, [[0x48, 24, cqn]]);
    expect([status(busy), syndrome(busy)]).toEqual([0x9, ObjSyndrome.OBJECT_IN_USE]);
    const tirn = ids(dev, 'tir')[0] ?? 0;
    expect(status(run(dev, OP.DESTROY_TIR, 16, [[0x48, 24, tirn]]))).toBe(0);
    expect(syndrome(run(dev, OP.QUERY_TIR, 272, [[0x48, 24, tirn]]))).toBe(ObjSyndrome.NO_SUCH_TIR);
  });

  it('rejects a UID that was never created', () => {
    const out = run(dev, OP.QUERY_EQ, 272, [[0x58, 8, 0]], { uid: 77 });
    expect([status(out), syndrome(out)]).toEqual([0x3, Syndrome.UID_UNKNOWN]);
  });

  it("keeps one user's objects from another user", () => {
    const other = createUctx(dev);
    const obj = dev.state.objects.add('cq', other, { eqn: 3 });
    expect(status(run(dev, OP.QUERY_CQ, 272, [[0x48, 24, obj.id]], { uid: other }))).toBe(0);
    expect(syndrome(run(dev, OP.QUERY_CQ, 272, [[0x48, 24, obj.id]], { uid: debugUid }))).toBe(ObjSyndrome.UID_NOT_OWNER);
    expect(() => requireOwner(obj, debugUid)).toThrow(FwError);
    expect(() => requireOwner(obj, other)).not.toThrow();
    expect(() => requireOwner(obj, 0)).not.toThrow();
    expect(() => requireReadable(dev.state.objects.get('eq', 0) ?? obj, debugUid)).not.toThrow();
  });
});

describe('congestion control', () => {
  const { dev } = device();
  const uid = createUctx(dev);
  // in: priority@0x58/4, cong_protocol@0x5c/4; enable@0x60
  const query = (protocol: number, prio: number): Buffer =>
    run(dev, OP.QUERY_CONG_STATUS, 16, [[0x58, 4, prio], [0x5c, 4, protocol]], { uid });

  it('starts with ECN on at both points and lets any UID modify it (not object based)', () => {
    expect(getBits(query(1, 3), 0x60, 1)).toBe(1);
    const mod = run(dev, OP.MODIFY_CONG_STATUS, 16, [[0x58, 4, 3], [0x5c, 4, 1], [0x60, 1, 0]], { uid });
    expect(status(mod)).toBe(0);
    expect(getBits(query(1, 3), 0x60, 1)).toBe(0);
    expect(getBits(query(2, 3), 0x60, 1)).toBe(1);
    expect(getBits(query(1, 4), 0x60, 1)).toBe(1);
  });

  it('rejects unknown protocols and reports DCQCN parameters', () => {
    expect([status(query(5, 0)), syndrome(query(5, 0))]).toEqual([0x3, ObjSyndrome.CONG_PROTOCOL_INVALID]);
    const rp = run(dev, OP.QUERY_CONG_PARAMS, 272, [[0x5c, 4, 1]], { uid });
    expect(getBits(rp, 0x80 + 0xa0, 32)).toBe(300); // rpg_time_reset
    const np = run(dev, OP.QUERY_CONG_PARAMS, 272, [[0x5c, 4, 2]], { uid });
    expect(getBits(np, 0x80 + 0xd2, 6)).toBe(48); // cnp_dscp
  });
});
