import { ObjSyndrome } from '../../../../src/fw/sim/objects/syndromes';
import { device, getBits, ids, OP, run, status, syndrome } from './helpers';

const TISC = 0x10;
const TIRC = 0x20;
const RQTC = 0x20;

describe('steering objects: TIS per TC, TIR → RQT → RQ', () => {
  const { dev } = device();
  const queryTir = (n: number): Buffer => run(dev, OP.QUERY_TIR, 272, [[0x48, 24, n]]);

  it('has one TIS per traffic class with prio tc << 1', () => {
    const tisns = ids(dev, 'tis');
    expect(tisns).toHaveLength(8);
    tisns.forEach((n, tc) => {
      const out = run(dev, OP.QUERY_TIS, 176, [[0x48, 24, n]]);
      expect(status(out)).toBe(0);
      expect(getBits(out, TISC * 8 + 0xc, 4)).toBe(tc << 1);
      expect(getBits(out, TISC * 8 + 0x128, 24)).toBe(1); // transport domain
    });
  });

  it('hashes the 10 indirect TIRs over the 256-entry RSS table of all 8 RQs', () => {
    const tirns = ids(dev, 'tir');
    expect(tirns).toHaveLength(18);
    const rssTirs = tirns.slice(0, 10).map(queryTir);
    const rqtns = new Set(rssTirs.map((o) => getBits(o, TIRC * 8 + 0x108, 24)));
    expect(rqtns.size).toBe(1);
    const [rqtn] = [...rqtns];
    // ipv4_tcp: Toeplitz over src/dst IP and ports, with a 40-byte key
    const tcp4 = rssTirs[0] ?? Buffer.alloc(0);
    expect(getBits(tcp4, TIRC * 8 + 0x20, 4)).toBe(1); // INDIRECT
    expect(getBits(tcp4, TIRC * 8 + 0x120, 4)).toBe(2); // TOEPLITZ
    expect(getBits(tcp4, TIRC * 8 + 0x282, 30)).toBe(0xf);
    expect(tcp4.subarray(TIRC + 0x28, TIRC + 0x50).some((b) => b !== 0)).toBe(true);
    // the RQT lists the rq_num entries after the 0x780-bit context when the outbox has room
    const rqt = run(dev, OP.QUERY_RQT, 272 + 256 * 4, [[0x48, 24, rqtn ?? 0]]);
    expect(status(rqt)).toBe(0);
    expect(getBits(rqt, RQTC * 8 + 0xd0, 16)).toBe(256);
    const rqns = Array.from({ length: 256 }, (_, i) => getBits(rqt, (272 + i * 4) * 8 + 8, 24));
    const distinct = [...new Set(rqns)].sort((a, b) => a - b);
    expect(distinct).toHaveLength(8);
    for (const rqn of distinct) expect(status(run(dev, OP.QUERY_RQ, 272, [[0x48, 24, rqn]]))).toBe(0);
    // with mlx5ctl's fixed 272-byte outbox only the context comes back
    expect(status(run(dev, OP.QUERY_RQT, 272, [[0x48, 24, rqtn ?? 0]]))).toBe(0);
  });

  it('gives each direct TIR a one-entry RQT of its channel RQ', () => {
    const direct = ids(dev, 'tir').slice(10).map(queryTir);
    const rqns = direct.map((o) => {
      const rqt = run(dev, OP.QUERY_RQT, 276, [[0x48, 24, getBits(o, TIRC * 8 + 0x108, 24)]]);
      expect(getBits(rqt, RQTC * 8 + 0xd0, 16)).toBe(1);
      return getBits(rqt, 272 * 8 + 8, 24);
    });
    expect(rqns).toEqual(ids(dev, 'rq').slice(0, 8));
  });
});

describe('device queries', () => {
  const { dev } = device();

  it('QUERY_ADAPTER: Mellanox IEEE vendor id, PSID from the identity, vsd text', () => {
    const out = run(dev, OP.QUERY_ADAPTER, 272);
    expect(status(out)).toBe(0);
    expect(getBits(out, 0x80 + 0xc8, 24)).toBe(0x02c9);
    expect(out.toString('latin1', 0x10 + 0xf0, 0x10 + 0xf0 + dev.identity.psid.length)).toBe(dev.identity.psid);
    expect(out.toString('latin1', 0x10 + 0x20, 0x10 + 0x40)).toContain('Simulated ConnectX7');
  });

  it('QUERY_ISSI: current 1, ISSI 0 and 1 supported', () => {
    const out = run(dev, OP.QUERY_ISSI, 112);
    expect(getBits(out, 0x50, 16)).toBe(1);
    expect(getBits(out, 0x360, 32)).toBe(0x3);
  });

  it('QUERY_SPECIAL_CONTEXTS names reserved mkeys that QUERY_MKEY knows', () => {
    const out = run(dev, OP.QUERY_SPECIAL_CONTEXTS, 32);
    const resd = getBits(out, 0x60, 32);
    expect(resd).toBe(0x100);
    for (const mkey of [getBits(out, 0x40, 32), resd, getBits(out, 0x80, 32)]) {
      expect(status(run(dev, OP.QUERY_MKEY, 304, [[0x48, 24, mkey >>> 8]]))).toBe(0);
    }
  });

  it("QUERY_MKEY: the driver's PA mkey on its PD, local read/write", () => {
    const out = run(dev, OP.QUERY_MKEY, 304, [[0x48, 24, 4]]);
    expect(status(out)).toBe(0);
    const mkc = 0x10 * 8;
    expect(getBits(out, mkc + 0x16, 2)).toBe(0); // PA
    expect(getBits(out, mkc + 0x14, 1)).toBe(1);
    expect(getBits(out, mkc + 0x15, 1)).toBe(1);
    expect(getBits(out, mkc + 0x60, 1)).toBe(1); // length64
    expect(getBits(out, mkc + 0x68, 24)).toBe(ids(dev, 'pd')[0]);
    expect(syndrome(run(dev, OP.QUERY_MKEY, 304, [[0x48, 24, 0x777]]))).toBe(ObjSyndrome.NO_SUCH_MKEY);
  });

  it('QUERY_PAGES per stage, and only for this function', () => {
    expect(getBits(run(dev, OP.QUERY_PAGES, 16, [], { opMod: 1 }), 0x60, 32)).toBeGreaterThan(0);
    expect(getBits(run(dev, OP.QUERY_PAGES, 16, [], { opMod: 3 }), 0x60, 32)).toBe(0);
    expect(status(run(dev, OP.QUERY_PAGES, 16, [], { opMod: 4 }))).toBe(0x3);
    const vf = run(dev, OP.QUERY_PAGES, 16, [[0x50, 16, 1]], { opMod: 1 });
    expect([status(vf), syndrome(vf)]).toEqual([0x3, ObjSyndrome.NO_SUCH_FUNCTION]);
  });

  it('QUERY_LAG (not bonded) and QUERY_ESW_FUNCTIONS (SR-IOV capable, off)', () => {
    const lag = run(dev, OP.QUERY_LAG, 16);
    expect(status(lag)).toBe(0);
    expect(getBits(lag, 0x5d, 3)).toBe(0);
    const esw = run(dev, OP.QUERY_ESW_FUNCTIONS, 128);
    expect(status(esw)).toBe(0);
    expect(getBits(esw, 0x80 + 0x10, 16)).toBe(0);
    expect(getBits(esw, 0x80 + 0x20, 16)).toBe(16);
    expect(getBits(esw, 0x80 + 0x30, 16)).toBe(8); // bus 08
  });

  it('QUERY_GENERAL_OBJECT: BAD_PARAM for unsupported types, BAD_RES for unknown ids', () => {
    const unsupported = run(dev, OP.QUERY_GENERAL_OBJECT, 64, [[0x30, 16, 0x7], [0x40, 32, 1]]);
    expect([status(unsupported), syndrome(unsupported)]).toEqual([0x3, ObjSyndrome.OBJ_TYPE_UNSUPPORTED]);
    const unknown = run(dev, OP.QUERY_GENERAL_OBJECT, 64, [[0x30, 16, 0xd], [0x40, 32, 5]]);
    expect([status(unknown), syndrome(unknown)]).toEqual([0x5, ObjSyndrome.NO_SUCH_GENERAL_OBJECT]);
  });
});
