import { FwStatus } from '../../../../src/fw/status';
import { access, clockedDevice, portData, readReg, WRITE } from './helpers';

const PAOS = 0x5006;
const PTYS = 0x5004;
const PPCNT = 0x5008;

function ppcnt(grp: number, clr = false, port = 1): Buffer {
  const d = portData(0x100, port);
  d.writeUInt8(grp & 0x3f, 3);
  if (clr) d.writeUInt8(0x80, 4);
  return d;
}
const counter = (data: Buffer, i: number): bigint => data.readBigUInt64BE(8 + 8 * i);

describe('port registers', () => {
  it('PAOS reports admin/oper up; a write with ase brings the port down and back', () => {
    const { dev } = clockedDevice();
    const read = () => readReg(dev, PAOS, portData(16), 16).data.readUInt32BE(0);
    expect((read() >>> 8) & 0xf).toBe(1);
    expect(read() & 0xf).toBe(1);
    const down = portData(16);
    down.writeUInt8(0x02, 2); // admin_status 2 in bits 11:8
    down.writeUInt8(0x80, 4); // ase
    expect(access(dev, PAOS, WRITE, down, 16).status).toBe(0);
    expect((read() >>> 8) & 0xf).toBe(2);
    expect(read() & 0xf).toBe(2);
    const noAse = portData(16);
    noAse.writeUInt8(0x01, 2);
    access(dev, PAOS, WRITE, noAse, 16);
    expect(read() & 0xf).toBe(2);
    noAse.writeUInt8(0x80, 4);
    access(dev, PAOS, WRITE, noAse, 16);
    expect(read() & 0xf).toBe(1);
  });

  it('rejects a port that does not exist and accepts mlx5ctl default port 0', () => {
    const { dev } = clockedDevice();
    const r = readReg(dev, PAOS, portData(16, 2), 16);
    expect(r.status).toBe(FwStatus.BAD_PARAM);
    expect(r.syndrome).toBe(0x6a1e0003);
    expect(readReg(dev, PAOS, portData(16, 0), 16).status).toBe(0);
  });

  it('PTYS: Ethernet 400G capabilities and 400GAUI-4 oper; admin write narrows to 200G', () => {
    const { dev } = clockedDevice();
    const req = portData(0x44);
    req.writeUInt8(0x4, 3); // proto_mask Ethernet
    const r = readReg(dev, PTYS, req, 0x44).data;
    const ext = (byte: number) => r.readUInt32BE(byte);
    expect(ext(0x08) & (1 << 16)).not.toBe(0); // ext capability has 400GAUI-4
    expect(ext(0x08) & (1 << 12)).not.toBe(0); // and 200GAUI-4
    expect(ext(0x20)).toBe(1 << 16); // ext oper
    expect(r.readUInt16BE(6)).toBe(4000); // data_rate_oper, 100 Mb/s units
    const w = Buffer.from(req);
    w.writeUInt32BE(1 << 12, 0x14);
    expect(access(dev, PTYS, WRITE, w, 0x44).status).toBe(0);
    const r2 = readReg(dev, PTYS, req, 0x44).data;
    expect(r2.readUInt32BE(0x20)).toBe(1 << 12);
    expect(r2.readUInt16BE(6)).toBe(2000);
    w.writeUInt32BE(1 << 30, 0x14);
    expect(access(dev, PTYS, WRITE, w, 0x44).status).toBe(FwStatus.BAD_PARAM);
    const ib = Buffer.from(req);
    ib.writeUInt8(0x1, 3);
    expect(readReg(dev, PTYS, ib, 0x44).status).toBe(FwStatus.BAD_PARAM);
  });

  it('PTYS: a read with proto_mask 0 (as mstlink sends it) answers for the port\'s Ethernet and says so', () => {
    const { dev } = clockedDevice();
    const r = readReg(dev, PTYS, portData(0x44), 0x44);
    expect(r.status).toBe(0);
    expect(r.data.readUInt8(3) & 0x7).toBe(0x4); // proto_mask: the Ethernet data is valid
    expect(r.data.readUInt32BE(0x20)).toBe(1 << 16); // ext oper 400GAUI-4
    const w = portData(0x44);
    w.writeUInt32BE(1 << 12, 0x14);
    expect(access(dev, PTYS, WRITE, w, 0x44).status).toBe(FwStatus.BAD_PARAM); // a write must name Ethernet
  });

  it('PMLP maps four lanes onto module 0; PDDR troubleshooting page says no issue', () => {
    const { dev } = clockedDevice();
    const pmlp = readReg(dev, 0x5002, portData(0x40), 0x40).data;
    expect(pmlp.readUInt8(3)).toBe(4);
    expect([1, 2, 3].map((l) => (pmlp.readUInt32BE(4 * (l + 1)) >>> 16) & 0xf)).toEqual([1, 2, 3]);
    const req = portData(0x100);
    req.writeUInt8(1, 7); // page_select 1
    const pddr = readReg(dev, 0x5031, req, 0x100).data;
    expect(pddr.toString('latin1', 8 + 0xc, 8 + 0xc + 21)).toBe('No issue was observed');
    req.writeUInt8(0x42, 7);
    expect(readReg(dev, 0x5031, req, 0x100).status).toBe(FwStatus.BAD_PARAM);
  });
});

describe('PPCNT', () => {
  it('IEEE 802.3 counters grow with time at a plausible line rate', () => {
    const { dev, advance } = clockedDevice();
    advance(10_000);
    const a = readReg(dev, PPCNT, ppcnt(0)).data;
    advance(1_000);
    const b = readReg(dev, PPCNT, ppcnt(0)).data;
    const rxOctetsPerSec = Number(counter(b, 5) - counter(a, 5));
    expect(rxOctetsPerSec * 8).toBeGreaterThan(40e9); // > 10 % of 400G
    expect(rxOctetsPerSec * 8).toBeLessThan(400e9); // never above line rate
    expect(counter(b, 1)).toBeGreaterThan(counter(a, 1)); // frames received
    expect(counter(b, 0)).toBeGreaterThan(counter(a, 0)); // frames transmitted
    expect(counter(b, 1) * 1000n).toBeLessThan(counter(b, 5)); // mean frame > 1000 B
  });

  it('RFC 2863 and RFC 2819 groups agree with IEEE 802.3', () => {
    const { dev, advance } = clockedDevice();
    advance(60_000);
    const ieee = readReg(dev, PPCNT, ppcnt(0)).data;
    const rfc2863 = readReg(dev, PPCNT, ppcnt(1)).data;
    const rfc2819 = readReg(dev, PPCNT, ppcnt(2)).data;
    expect(counter(rfc2863, 0)).toBe(counter(ieee, 5)); // if_in_octets
    expect(counter(rfc2819, 2)).toBe(counter(ieee, 1)); // ether_stats_pkts
    let bins = 0n;
    for (let i = 11; i < 21; i++) bins += counter(rfc2819, i);
    expect(bins).toBe(counter(rfc2819, 2));
  });

  it('clr returns the counters then clears the group; other groups keep counting', () => {
    const { dev, advance } = clockedDevice();
    advance(5_000);
    const before = readReg(dev, PPCNT, ppcnt(0, true)).data;
    expect(counter(before, 5)).toBeGreaterThan(0n);
    const after = readReg(dev, PPCNT, ppcnt(0)).data;
    expect(counter(after, 5)).toBe(0n);
    expect(counter(readReg(dev, PPCNT, ppcnt(1)).data, 0)).toBe(counter(before, 5));
    advance(100);
    expect(counter(readReg(dev, PPCNT, ppcnt(0)).data, 5)).toBeGreaterThan(0n);
  });

  it('stops counting while the port is down', () => {
    const { dev, advance } = clockedDevice();
    advance(1_000);
    const down = portData(16);
    down.writeUInt8(0x02, 2);
    down.writeUInt8(0x80, 4);
    access(dev, PAOS, WRITE, down, 16);
    const a = counter(readReg(dev, PPCNT, ppcnt(0)).data, 5);
    advance(5_000);
    expect(counter(readReg(dev, PPCNT, ppcnt(0)).data, 5)).toBe(a);
  });

  it('reads zero groups as zeros and rejects unknown groups', () => {
    const { dev, advance } = clockedDevice();
    advance(1_000);
    const discard = readReg(dev, PPCNT, ppcnt(0x6));
    expect(discard.status).toBe(0);
    expect(discard.data.subarray(8).every((b) => b === 0)).toBe(true);
    expect(readReg(dev, PPCNT, ppcnt(0x3f)).status).toBe(FwStatus.BAD_PARAM);
  });

  it('refuses a gearbox port (port_type 1 near-end, 3 far-end) as mstlink -c asks for: there is none', () => {
    const { dev } = clockedDevice();
    for (const portType of [1, 3]) {
      const req = ppcnt(0x12);
      req.writeUInt8(portType, 2); // port_type, bits 11:8 of dword 0
      expect(readReg(dev, PPCNT, req)).toMatchObject({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e0004 });
    }
    expect(readReg(dev, PPCNT, ppcnt(0x12)).status).toBe(0);
  });

  describe('physical-layer statistics group 0x16', () => {
    // phys_layer_stat_cntrs (from byte 8): be64 time_since_last_clear, phy_received_bits,
    // phy_symbol_errors, phy_corrected_bits, phy_raw_errors_lane0..7 (0x20..0x5f); raw_ber
    // magnitude byte 0x62, coef byte 0x63 low nibble; effective_ber 0x66/0x67; per-lane raw BER
    // lane i magnitude byte 0x6c + 2i, coef byte 0x6d + 2i (low nibble); phy_effective_errors 0x7c.
    it('states group 0x12\'s corrections as bit errors per lane and a raw BER of 1E-8; no effective errors', () => {
      const { dev, advance } = clockedDevice();
      advance(2_000);
      const s = readReg(dev, PPCNT, ppcnt(0x16)).data.subarray(8);
      const phys = readReg(dev, PPCNT, ppcnt(0x12)).data;
      expect(s.readBigUInt64BE(0)).toBe(2_000n);
      const bits = s.readBigUInt64BE(8);
      expect(bits).toBe(counter(readReg(dev, PPCNT, ppcnt(1)).data, 0) * 8n); // RFC 2863 in_octets
      const lanes = [0, 1, 2, 3].map((i) => s.readBigUInt64BE(0x20 + 8 * i));
      // The corrected symbols 0x12 counts per lane (from counter 20), one bit error each.
      expect(lanes).toEqual([20, 21, 22, 23].map((i) => counter(phys, i)));
      expect(s.readBigUInt64BE(0x18)).toBe(lanes.reduce((a, b) => a + b, 0n));
      expect(s.subarray(0x40, 0x60).every((b) => b === 0)).toBe(true); // lanes 4..7 unused
      expect([s.readUInt8(0x63) & 0xf, s.readUInt8(0x62)]).toEqual([1, 8]);
      expect([s.readUInt8(0x67) & 0xf, s.readUInt8(0x66)]).toEqual([0, 0]);
      for (let i = 0; i < 4; i++) expect([s.readUInt8(0x6d + 2 * i) & 0xf, s.readUInt8(0x6c + 2 * i)]).toEqual([1, 8]);
      expect(s.readBigUInt64BE(0x7c)).toBe(0n);
    });
  });

  describe('physical-layer group 0x12', () => {
    // phys_layer_cntrs counter indexes (be64 each from byte 8); link_down_events is the u32 at byte 8 + 0xc0.
    const SINCE_CLEAR = 0;
    const SYMBOL_ERRORS = 1;
    const RS_CORRECTED = 15;
    const RS_UNCORRECTABLE = 16;
    const RS_NO_ERRORS = 17;
    const linkDowns = (data: Buffer): number => data.readUInt32BE(8 + 0xc0);

    it('counts RS-FEC codewords of the received traffic: some corrected, none uncorrectable', () => {
      const { dev, advance } = clockedDevice();
      advance(2_000);
      const a = readReg(dev, PPCNT, ppcnt(0x12)).data;
      // 2 s at ~15 GB/s is ~47 M codewords of 5140 bits, one in 25 000 corrected.
      expect(counter(a, RS_CORRECTED)).toBeGreaterThan(1_000n);
      expect(counter(a, RS_NO_ERRORS)).toBeGreaterThan(counter(a, RS_CORRECTED) * 20_000n);
      expect(counter(a, RS_UNCORRECTABLE)).toBe(0n);
      expect(counter(a, SYMBOL_ERRORS)).toBe(0n);
      advance(1_000);
      expect(counter(readReg(dev, PPCNT, ppcnt(0x12)).data, RS_CORRECTED)).toBeGreaterThan(counter(a, RS_CORRECTED));
    });

    it('counts link-down events and clears with the group', () => {
      const { dev, advance } = clockedDevice();
      advance(1_000);
      expect(linkDowns(readReg(dev, PPCNT, ppcnt(0x12)).data)).toBe(0);
      const paos = (admin: number): void => {
        const d = portData(16);
        d.writeUInt8(admin, 2);
        d.writeUInt8(0x80, 4);
        access(dev, PAOS, WRITE, d, 16);
      };
      paos(2);
      paos(1);
      const before = readReg(dev, PPCNT, ppcnt(0x12, true)).data;
      expect(linkDowns(before)).toBe(1);
      expect(counter(before, SINCE_CLEAR)).toBe(1_000n);
      advance(500);
      const after = readReg(dev, PPCNT, ppcnt(0x12)).data;
      expect(linkDowns(after)).toBe(0);
      expect(counter(after, SINCE_CLEAR)).toBe(500n);
    });
  });
});
