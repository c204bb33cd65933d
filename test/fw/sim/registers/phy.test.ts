/**
 * The PHY registers mstlink -e, -c and -m read, decoded by hand from mstflint 4.33's
 * register_access_table.adb (byte.bit offsets, bits counted from the dword's LSB):
 * SLRG slrg_reg_ext / slrg_7nm_ext: status 0.28/4, version 0.24/4, lane 0.8/4; page at byte 4:
 *   fom_measurement 4.0/4, initial_fom 8.0/8, lower_eye 0xc.0, mid_eye 0xc.8, upper_eye 0xc.16, last_fom 0xc.24.
 * PPHCR pphcr_ext: active_hist_type 0.28/4, num_of_bins 4.16/8, hist_max_measurement 8.16/8, bin i at 0x10+4i (high 16/6, low 0/6).
 * PPCNT group 0x23: be64 bin i at 8+8i. PRTL: rtt_support 0.31, local_phy_latency 8.0/16, round_trip_latency 0x10.0/24.
 * PMDR: status 0.28/4, module 4.16/8, module_lane_mask 8.8/8. PPAOS: phy_status 4.0/4. PMPT: status 0.0/4.
 * PDDR page 2 (at byte 8): pcs_phy_state dword 3, lp_fec_mode_request 0x14.0/16; page 9: temp_flags 0.28/4.
 * MTMG e 0.0/1; MTMR module 0.0/8.
 */
import { FwStatus } from '../../../../src/fw/status';
import { access, clockedDevice, portData, readReg, WRITE } from './helpers';

const reg = { SLRG: 0x5028, PPHCR: 0x503e, PPCNT: 0x5008, PRTL: 0x5014, PMDR: 0x503c, PPAOS: 0x5040, PMPT: 0x5064, PDDR: 0x5031, PAOS: 0x5006, MTMG: 0x910d, MTMR: 0x910e } as const;

function slrg(dev: ReturnType<typeof clockedDevice>['dev'], lane: number, eyes = 0xf) {
  const b = portData(0x28);
  b.writeUInt8(lane & 0xf, 2);
  b.writeUInt8(eyes, 7);
  const r = readReg(dev, reg.SLRG, b, 0x28);
  expect(r.status).toBe(0);
  const d = r.data;
  return { status: d.readUInt8(0) >>> 4, version: d.readUInt8(0) & 0xf, lane: d.readUInt8(2) & 0xf, initial: d.readUInt8(0xb),
    last: d.readUInt8(0xc), upper: d.readUInt8(0xd), mid: d.readUInt8(0xe), lower: d.readUInt8(0xf) };
}

function closePort(dev: ReturnType<typeof clockedDevice>['dev']): void {
  const w = portData(0x10);
  w.writeUInt8(2, 2); // admin_status down
  w.writeUInt8(0x80, 4); // ase
  expect(access(dev, reg.PAOS, WRITE, w, 0x10).status).toBe(0);
}

describe('SLRG', () => {
  it('grades the three PAM4 eyes of each 100G lane on the 7nm page; the composite is the worst eye', () => {
    const { dev } = clockedDevice();
    for (const lane of [0, 1, 2, 3]) {
      const e = slrg(dev, lane);
      expect({ status: e.status, version: e.version, lane: e.lane }).toEqual({ status: 1, version: 4, lane });
      expect(e.mid).toBeGreaterThan(e.upper);
      expect(e.last).toBe(Math.min(e.upper, e.mid, e.lower));
      expect(e.initial).toBeLessThan(e.last);
    }
    expect(slrg(dev, 0)).toEqual({ status: 1, version: 4, lane: 0, initial: 27, last: 31, upper: 32, mid: 36, lower: 31 });
  });

  it('fills only the eyes fom_measurement asks for', () => {
    const { dev } = clockedDevice();
    expect(slrg(dev, 1, 0x8)).toMatchObject({ last: 33, upper: 0, mid: 0, lower: 0 });
    expect(slrg(dev, 1, 0x2)).toMatchObject({ last: 0, upper: 0, mid: 38, lower: 0 });
  });

  it('has no valid grade while the port is closed, and refuses lanes past 3', () => {
    const { dev } = clockedDevice();
    closePort(dev);
    expect(slrg(dev, 0)).toMatchObject({ status: 0, initial: 0, last: 0 });
    const b = portData(0x28);
    b.writeUInt8(4, 2);
    expect(readReg(dev, reg.SLRG, b, 0x28)).toMatchObject({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e0025 });
  });
});

describe('RS-FEC histogram', () => {
  it('PPHCR bins KP4 RS(544,514) symbol errors 0..15, one count per bin', () => {
    const { dev } = clockedDevice();
    const d = readReg(dev, reg.PPHCR, portData(0x5c), 0x5c).data;
    expect(d.readUInt8(0) >>> 4).toBe(1);
    expect(d.readUInt8(5)).toBe(16);
    expect(d.readUInt8(9)).toBe(15);
    for (let i = 0; i < 16; i++) expect([d.readUInt8(0x10 + 4 * i + 1) & 0x3f, d.readUInt8(0x10 + 4 * i + 3) & 0x3f]).toEqual([i, i]);
  });

  it('PPCNT group 0x23 bins group 0x12 codewords: no-error and single-error blocks, the rest in bins 2 and 3', () => {
    const { dev, advance } = clockedDevice();
    advance(60_000);
    const group = (grp: number): Buffer => {
      const b = portData(0x100);
      b.writeUInt8(grp, 3);
      return readReg(dev, reg.PPCNT, b, 0x100).data;
    };
    const phys = group(0x12);
    const at = (i: number): bigint => phys.readBigUInt64BE(8 + 8 * i);
    const [corrected, noErrors, single, symbols] = [at(15), at(17), at(18), at(19)];
    const h = group(0x23);
    const bins = Array.from({ length: 21 }, (_, i) => h.readBigUInt64BE(8 + 8 * i));
    expect(bins[0]).toBe(noErrors);
    expect(bins[1]).toBe(single);
    expect(bins[1]! + bins[2]! + bins[3]!).toBe(corrected);
    expect(bins[1]! + 2n * bins[2]! + 3n * bins[3]!).toBe(symbols);
    expect(bins.slice(4)).toEqual(new Array(17).fill(0n));
  });

  it('has no active histogram while the port is closed', () => {
    const { dev } = clockedDevice();
    closePort(dev);
    expect(readReg(dev, reg.PPHCR, portData(0x5c), 0x5c).data.readUInt8(0) >>> 4).toBe(0);
  });
});

describe('PHY registers', () => {
  it('PRTL: RTT supported, both PHY pipelines and the 1 m cable twice', () => {
    const { dev } = clockedDevice();
    const d = readReg(dev, reg.PRTL, portData(0x20), 0x20).data;
    expect(d.readUInt8(0) >>> 7).toBe(1);
    expect(d.readUInt16BE(0xa)).toBe(120);
    expect(d.readUInt32BE(0x10) & 0xffffff).toBe(2 * 120 + 2 * 5);
  });

  it('PMDR maps the port to module 0, lanes 0..3 as PMLP; PPAOS: no test mode, RX PHY up; PMPT: a DAC has no PRBS', () => {
    const { dev } = clockedDevice();
    const pmdr = readReg(dev, reg.PMDR, portData(0x48), 0x48).data;
    expect({ status: pmdr.readUInt8(0) >>> 4, module: pmdr.readUInt8(5), lanes: pmdr.readUInt8(0xa) }).toEqual({ status: 1, module: 0, lanes: 0xf });
    const ppaos = readReg(dev, reg.PPAOS, portData(0x10), 0x10).data;
    expect([ppaos.readUInt8(3) & 0xf, ppaos.readUInt8(7) & 0xf]).toEqual([0, 1]);
    expect(readReg(dev, reg.PMPT, Buffer.alloc(0x1c), 0x1c).data.readUInt8(3) & 0xf).toBe(1);
    const other = Buffer.alloc(0x1c);
    other.writeUInt8(1, 1);
    expect(readReg(dev, reg.PMPT, other, 0x1c)).toMatchObject({ status: FwStatus.BAD_PARAM });
    closePort(dev);
    expect(readReg(dev, reg.PPAOS, portData(0x10), 0x10).data.readUInt8(7) & 0xf).toBe(2);
  });

  it('PDDR page 2: PCS locked and aligned on the 4 lanes, the partner asks for RS(544,514); page 9: nothing latched', () => {
    const { dev } = clockedDevice();
    const page = (n: number): Buffer => {
      const b = portData(0x100);
      b.writeUInt8(n, 7);
      const r = readReg(dev, reg.PDDR, b, 0x100);
      expect(r.status).toBe(0);
      return r.data.subarray(8);
    };
    const phy = page(2);
    expect(phy.readUInt32BE(0xc)).toBe(0x010f0f0f);
    expect(phy.readUInt16BE(0x16)).toBe(0x80);
    expect(page(9).readUInt32BE(0)).toBe(0);
  });

  it('MTMG: the module temperature monitor is off (its default), so MTMR counts nothing; MTMR of a second module is refused', () => {
    const { dev } = clockedDevice();
    expect(readReg(dev, reg.MTMG, 0x10, 0x10).data.readUInt32BE(0)).toBe(0);
    expect(readReg(dev, reg.MTMR, 0xc, 0xc).data.readUInt32BE(8)).toBe(0);
    const b = Buffer.alloc(0xc);
    b.writeUInt8(1, 3);
    expect(readReg(dev, reg.MTMR, b, 0xc)).toMatchObject({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e0004 });
  });
});
