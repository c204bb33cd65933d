import { readFileSync } from 'fs';
import { SimDevice } from '../../../../src/fw/sim/device';
import { crspaceOf, CRSPACE_SIZE, HEALTH_BUFFER_ADDR, HEALTH_COUNTER_ADDR, INTERNAL_TIMER_L_ADDR } from '../../../../src/fw/sim/crspace';
import { walkTlvChain } from '../../../../src/regdump/tlv';
import { CX7_CSV, requireMstflint } from '../../../regdump/helpers';

function device(seed = 0x5eed): { dev: SimDevice; advance(ms: number): void } {
  let t = 500;
  return { dev: new SimDevice({ seed, clock: { nowMs: () => t } }), advance: (ms) => { t += ms; } };
}

/** The ConnectX-7 ranges from Debian mstflint's CSV (.ci/run installs it); missing, the test fails. */
function cx7Ranges(): Array<[number, number]> {
  return readFileSync(requireMstflint(CX7_CSV), 'latin1')
    .split('\n')
    .filter((l) => /^0x/.test(l))
    .map((l) => l.split(',').map((s) => s.trim()))
    .map(([a, n]) => [parseInt(a ?? '0', 16), parseInt(n ?? '0', 10)] as [number, number]);
}

describe('cr-space model', () => {
  it('holds the ConnectX-7 device id word at 0xf0014', () => {
    const cr = crspaceOf(device().dev.state);
    expect(cr.readDwords(0xf0014, 1)[0]).toBe(0x00000218);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = crspaceOf(device(1).dev.state).readDwords(0x48000, 129);
    const b = crspaceOf(device(1).dev.state).readDwords(0x48000, 129);
    const c = crspaceOf(device(2).dev.state).readDwords(0x48000, 129);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
    expect(a.some((v) => v === 0)).toBe(true);
    expect(a.some((v) => v > 0xffff)).toBe(true);
  });

  // Speed is measured in bench/, never asserted here: this checks coverage only.
  it('reads every CSV range (~230k dwords) inside the modelled space', () => {
    const ranges = cx7Ranges();
    const cr = crspaceOf(device().dev.state);
    const last = ranges[ranges.length - 1]!;
    expect(last[0] + 4 * last[1]).toBeLessThanOrEqual(CRSPACE_SIZE);
    let dwords = 0;
    for (const [addr, n] of ranges) dwords += cr.readDwords(addr, n).length;
    expect(dwords).toBe(ranges.reduce((sum, [, n]) => sum + n, 0));
    expect(dwords).toBeGreaterThan(200_000);
  });

  it('agrees between readDwords and read (little-endian dwords) and at any alignment', () => {
    const cr = crspaceOf(device().dev.state);
    const words = cr.readDwords(0xf0000, 8);
    const bytes = cr.read(0xf0000, 32);
    for (let i = 0; i < 8; i++) expect(bytes.readUInt32LE(4 * i)).toBe(words[i]);
    expect(cr.read(0xf0015, 3).equals(bytes.subarray(0x15, 0x18))).toBe(true);
  });

  it('bounds-checks and alignment-checks reads', () => {
    const cr = crspaceOf(device().dev.state);
    expect(() => cr.readDwords(CRSPACE_SIZE - 4, 2)).toThrow(expect.objectContaining({ code: 'EFAULT' }));
    expect(() => cr.readDwords(2, 1)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    expect(() => cr.read(-4, 4)).toThrow(expect.objectContaining({ code: 'EFAULT' }));
    expect(cr.readDwords(CRSPACE_SIZE - 4, 1).length).toBe(1);
  });

  it('has no scratchpad TLVs unless configured, then a chain mstregdump walks', async () => {
    const cr = crspaceOf(device().dev.state);
    const read = async (a: number, n: number) => cr.readDwords(a, n);
    expect(await walkTlvChain(read, 0x18)).toEqual([]);
    cr.configureScratchpad([{ address: 0x9d0000, dwords: 16 }, { address: 0x9e0000, dwords: 8, writable: true }]);
    const chain = await walkTlvChain(read, 0x18);
    expect(chain.map((b) => [b.address, b.dwords, b.writable])).toEqual([[0x9d0000, 16, false], [0x9e0000, 8, true]]);
    cr.configureScratchpad([]);
    expect(await walkTlvChain(read, 0x18)).toEqual([]);
  });

  it('moves the internal timer and health counter with the clock; a stalled counter freezes', () => {
    const { dev, advance } = device();
    const cr = crspaceOf(dev.state);
    const t0 = cr.readDwords(INTERNAL_TIMER_L_ADDR, 1)[0]!;
    const h0 = cr.readDwords(HEALTH_COUNTER_ADDR, 1)[0]!;
    advance(2);
    expect(cr.readDwords(INTERNAL_TIMER_L_ADDR, 1)[0]! - t0).toBe(2_000_000);
    expect(cr.readDwords(HEALTH_COUNTER_ADDR, 1)[0]!).toBe(h0 + 2);
    cr.setHealthCounterStalled(true);
    const h1 = cr.readDwords(HEALTH_COUNTER_ADDR, 1)[0];
    advance(2_000);
    expect(cr.readDwords(HEALTH_COUNTER_ADDR, 1)[0]).toBe(h1);
    const p0 = cr.readDwords(0x40000, 2);
    advance(10);
    expect(cr.readDwords(0x40000, 2)[0]).not.toBe(p0[0]);
  });

  it('exposes the mlx5 health buffer: healthy, then a fault with syndrome and ext syndrome', () => {
    const { dev, advance } = device();
    const cr = crspaceOf(dev.state);
    const healthy = cr.healthBuffer();
    expect(healthy.readUInt8(0x3d)).toBe(0);
    expect(healthy.readUInt32BE(0x34)).toBe(0x218);
    expect(healthy.readUInt32BE(0x30)).toBe((28 << 24) | (39 << 16) | 1002);
    advance(42_000);
    cr.setHealthSyndrome(0x8, 0x1234);
    const hb = cr.healthBuffer();
    expect(hb.readUInt8(0x3d)).toBe(0x8);
    expect(hb.readUInt16BE(0x3e)).toBe(0x1234);
    expect(hb.readUInt8(0x38) & 0x8).toBe(0x8); // severity valid
    expect(hb.readUInt32BE(0x2c)).toBe(42);
    const words = cr.readDwords(HEALTH_BUFFER_ADDR, 16);
    for (let i = 0; i < 16; i++) expect(words[i]).toBe(hb.readUInt32BE(4 * i));
    cr.clearHealth();
    expect(cr.healthSyndrome).toBe(0);
  });

  it('lets writes override modelled words', () => {
    const cr = crspaceOf(device().dev.state);
    cr.writeDword(0xf0014, 0xdeadbeef);
    expect(cr.readDwords(0xf0010, 2)[1]).toBe(0xdeadbeef);
    cr.clearOverride(0xf0014);
    expect(cr.readDwords(0xf0014, 1)[0]).toBe(0x218);
  });

  describe('copyBigEndian', () => {
    /** readDwords' values as the big-endian bytes copyBigEndian must write. */
    function expected(cr: ReturnType<typeof crspaceOf>, addr: number, count: number): Buffer {
      const out = Buffer.alloc(count * 4);
      cr.readDwords(addr, count).forEach((v, i) => out.writeUInt32BE(v, 4 * i));
      return out;
    }
    // Every modelled kind of word: the device id, the clock, the health buffer and counter.
    const addr = 0;
    const count = (HEALTH_BUFFER_ADDR + 0x1000) / 4;

    it('writes the dwords readDwords gives, big-endian, at the offset asked, and nothing around them', () => {
      const { dev, advance } = device();
      const cr = crspaceOf(dev.state);
      advance(1234);
      const target = Buffer.alloc(count * 4 + 16, 0xee);
      cr.copyBigEndian(addr, count, target, 8);
      expect(target.subarray(8, 8 + count * 4).equals(expected(cr, addr, count))).toBe(true);
      expect(target.subarray(0, 8).every((b) => b === 0xee)).toBe(true);
      expect(target.subarray(8 + count * 4).every((b) => b === 0xee)).toBe(true);
    });

    it('a second copy of the same range shows what changed since the first: clock, health, overrides', () => {
      const { dev, advance } = device();
      const cr = crspaceOf(dev.state);
      const first = Buffer.alloc(count * 4);
      cr.copyBigEndian(addr, count, first, 0);
      advance(5000);
      cr.setHealthSyndrome(0x8, 0x4321);
      cr.writeDword(0x100, 0xfeedf00d);
      const second = Buffer.alloc(count * 4);
      cr.copyBigEndian(addr, count, second, 0);
      expect(second.equals(expected(cr, addr, count))).toBe(true);
      expect(second.readUInt32BE(0x100)).toBe(0xfeedf00d);
      expect(second.equals(first)).toBe(false);
      // The override gone, the background word under it is back.
      cr.clearOverride(0x100);
      cr.copyBigEndian(addr, count, second, 0);
      expect(second.readUInt32BE(0x100)).toBe(cr.readDwords(0x100, 1)[0]);
    });

    it('another range after the first is that range, not the cached one', () => {
      const cr = crspaceOf(device().dev.state);
      cr.copyBigEndian(addr, count, Buffer.alloc(count * 4), 0);
      const other = Buffer.alloc(64 * 4);
      cr.copyBigEndian(0x48000, 64, other, 0);
      expect(other.equals(expected(cr, 0x48000, 64))).toBe(true);
    });

    it('refuses a target too small and an unaligned address', () => {
      const cr = crspaceOf(device().dev.state);
      expect(() => cr.copyBigEndian(0, 4, Buffer.alloc(15), 0)).toThrow(RangeError);
      expect(() => cr.copyBigEndian(0, 4, Buffer.alloc(16), 1)).toThrow(RangeError);
      expect(() => cr.copyBigEndian(2, 1, Buffer.alloc(4), 0)).toThrow(/not dword aligned/);
    });
  });
});
