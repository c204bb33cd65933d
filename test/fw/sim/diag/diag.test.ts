import { SimDevice } from '../../../../src/fw/sim/device';
import { FwStatus } from '../../../../src/fw/status';

interface SetOpts {
  ids: number[];
  logSamples?: number;
  logPeriod?: number;
  single?: boolean;
  repetitive?: boolean;
  sync?: boolean;
  clear?: boolean;
  onDemand?: boolean;
  enable?: boolean;
}

/** set_diagnostic_params_in by hand: context at byte 8, ids from byte 0x20 (one per dword). */
function setInbox(o: SetOpts): Buffer {
  const b = Buffer.alloc(0x20 + 4 * o.ids.length);
  b.writeUInt16BE(0x820, 0);
  b.writeUInt16BE(o.ids.length, 8);
  b.writeUInt8(o.logSamples ?? 6, 11);
  const flags = (o.single ? 0x80 : 0) | (o.repetitive ?? !o.single ? 0x40 : 0) | (o.sync ? 0x20 : 0) | (o.clear ? 0x10 : 0) | (o.onDemand ? 0x08 : 0) | (o.enable ?? true ? 0x04 : 0);
  b.writeUInt8(flags, 12);
  b.writeUInt8(o.logPeriod ?? 20, 15);
  o.ids.forEach((id, i) => b.writeUInt32BE(id, 0x20 + 4 * i));
  return b;
}

const status = (out: Buffer): { status: number; syndrome: number } => ({ status: out.readUInt8(0), syndrome: out.readUInt32BE(4) });

interface Sample {
  id: number;
  sampleId: number;
  ts: number;
  value: bigint;
}

function query(dev: SimDevice, num: number, index = 0): { status: number; syndrome: number; samples: Sample[] } {
  const inbox = Buffer.alloc(16);
  inbox.writeUInt16BE(0x821, 0);
  inbox.writeUInt16BE(num, 8);
  inbox.writeUInt16BE(index, 10);
  const out = dev.executeSync(inbox, 16 + 16 * num);
  const samples = Array.from({ length: num }, (_, i) => {
    const at = 16 + 16 * i;
    return { id: out.readUInt16BE(at), sampleId: out.readUInt16BE(at + 2), ts: out.readUInt32BE(at + 4), value: (BigInt(out.readUInt32BE(at + 8)) << 32n) | BigInt(out.readUInt32BE(at + 12)) };
  });
  return { ...status(out), samples };
}

function device(): { dev: SimDevice; advance(ms: number): void } {
  let t = 0;
  return { dev: new SimDevice({ clock: { nowMs: () => t } }), advance: (ms) => { t += ms; } };
}

const IDS = [0x0401, 0x2006, 0x040b];
const PERIOD_MS = 2 ** 20 / 1e6; // log_sample_period 20 at 1 GHz

describe('diagnostic counters', () => {
  it('refuses a query before any configuration', () => {
    const r = query(device().dev, 1);
    expect(r.status).toBe(FwStatus.BAD_SYS_STATE);
  });

  it('sets, echoes the parameters, and samples on the device clock', () => {
    const { dev, advance } = device();
    advance(100);
    expect(status(dev.executeSync(setInbox({ ids: IDS }), 16)).status).toBe(0);

    const qp = Buffer.alloc(16);
    qp.writeUInt16BE(0x819, 0);
    const params = dev.executeSync(qp, 0x20 + 4 * 20);
    expect(params.readUInt16BE(8)).toBe(3);
    expect(params.readUInt8(11)).toBe(6);
    expect(params.readUInt8(12) & 0x44).toBe(0x44); // repetitive, enable
    expect(params.readUInt8(15)).toBe(20);
    expect([0, 1, 2].map((i) => params.readUInt32BE(0x20 + 4 * i))).toEqual(IDS);
    expect(params.readUInt32BE(0x20 + 12)).toBe(0);

    expect(query(dev, 4).samples.every((s) => s.id === 0)).toBe(true); // nothing sampled yet
    advance(5 * PERIOD_MS + PERIOD_MS / 2);
    const { status: st, samples } = query(dev, 18);
    expect(st).toBe(0);
    expect(samples.slice(0, 15).map((s) => s.id)).toEqual([...IDS, ...IDS, ...IDS, ...IDS, ...IDS]);
    expect(samples.slice(0, 15).map((s) => s.sampleId)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
    expect(samples[15]!.id).toBe(0);
    // Timestamps count device cycles: one period of 2^20 cycles apart, starting 100 ms after boot.
    expect(samples[3]!.ts - samples[0]!.ts).toBe(2 ** 20);
    expect(samples[0]!.ts).toBe(100_000_000 + 2 ** 20);
    // Every counter grows round over round.
    for (let j = 0; j < 3; j++) {
      const v = [0, 1, 2, 3, 4].map((k) => samples[3 * k + j]!.value);
      for (let k = 1; k < 5; k++) expect(v[k]!).toBeGreaterThan(v[k - 1]!);
    }
  });

  it('wraps the ring in repetitive mode and keeps the latest rounds', () => {
    const { dev, advance } = device();
    dev.executeSync(setInbox({ ids: IDS, logSamples: 4 }), 16); // 16 entries → 5 rounds of 3
    advance(100 * PERIOD_MS + PERIOD_MS / 2);
    const { samples } = query(dev, 16);
    const ids = samples.slice(0, 15).map((s) => s.sampleId);
    expect(Math.max(...ids)).toBe(99);
    expect(Math.min(...ids)).toBe(95);
    expect(samples[15]!.id).toBe(0); // 16 is not a multiple of 3: the last slot stays empty
    // Reading from an index wraps around the ring.
    expect(query(dev, 2, 15).samples[1]).toEqual(samples[0]);
  });

  it('stops when the ring is full in single mode', () => {
    const { dev, advance } = device();
    dev.executeSync(setInbox({ ids: [0x2006], logSamples: 3, single: true }), 16);
    advance(50 * PERIOD_MS);
    expect(query(dev, 8).samples.map((s) => s.sampleId)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('counts from zero with clear, samples on query with on_demand', () => {
    const { dev, advance } = device();
    advance(60_000);
    dev.executeSync(setInbox({ ids: [0x2006], clear: true, onDemand: true }), 16);
    advance(10);
    const first = query(dev, 1).samples[0]!;
    expect(first.value).toBeGreaterThan(0n);
    expect(first.value).toBeLessThan(200_000n); // ~10 ms of TX packets, not a minute's
    advance(10);
    const two = query(dev, 2).samples;
    expect(two[1]!.sampleId).toBe(1);
    expect(two[1]!.value).toBeGreaterThan(two[0]!.value);
  });

  it('validates counters, sample counts, modes and state', () => {
    const { dev } = device();
    const set = (o: SetOpts) => status(dev.executeSync(setInbox(o), 16));
    const many = Array.from({ length: 19 }, (_, i) => 0x0401 + i);
    expect(set({ ids: many, logSamples: 8 })).toEqual({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e0031 });
    expect(set({ ids: [0x0401, 0x7777] })).toEqual({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e0032 });
    expect(set({ ids: [0x0401, 0x0401] }).status).toBe(FwStatus.BAD_PARAM);
    expect(set({ ids: IDS, logSamples: 17 })).toEqual({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e0033 });
    expect(set({ ids: IDS, logSamples: 1 }).status).toBe(FwStatus.BAD_PARAM); // 2 slots for 3 counters
    expect(set({ ids: IDS, logPeriod: 2 })).toEqual({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e0034 });
    expect(set({ ids: IDS, single: true, repetitive: true }).status).toBe(FwStatus.BAD_PARAM);
    const short = setInbox({ ids: IDS }).subarray(0, 0x24);
    expect(status(dev.executeSync(short, 16)).status).toBe(FwStatus.BAD_INP_LEN);

    expect(set({ ids: IDS }).status).toBe(0);
    expect(set({ ids: IDS }).status).toBe(FwStatus.BAD_SYS_STATE); // already enabled
    expect(query(dev, 65).status).toBe(FwStatus.BAD_PARAM);
    // Disable without clear keeps the samples; with clear the configuration is gone.
    expect(set({ ids: [], enable: false }).status).toBe(0);
    expect(query(dev, 1).status).toBe(0);
    expect(set({ ids: [], enable: false, clear: true }).status).toBe(0);
    expect(query(dev, 1).status).toBe(FwStatus.BAD_SYS_STATE);
  });
});
