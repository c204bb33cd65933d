/**
 * PPLM and PMAOS as mstlink reads them. Bytes decoded by hand from mstflint 4.33's adb: PPLM
 * fec_mode_active 0x0c 23:0, fec_override_cap_100g 0x10 15:12, _50g 0x10 11:8, _25g 0x10 7:4,
 * _10g_40g 0x10 3:0, _400g_4x 0x2a, _200g_2x 0x2c, _100g_1x 0x2e (16 bits each); admin from 0x14. PMAOS module
 * byte 1, admin_status 0x0 11:8, oper_status 0x0 3:0.
 */
import { FwStatus } from '../../../../src/fw/status';
import { access, clockedDevice, portData, readReg, WRITE } from './helpers';

const PPLM = 0x5023;
const PMAOS = 0x5012;

describe('PPLM', () => {
  it('active FEC RS(544,514) (bit 7) on the 400GAUI-4 link, the overrides each speed offers, none set', () => {
    const { dev } = clockedDevice();
    const r = readReg(dev, PPLM, portData(0x80), 0x80);
    expect(r.status).toBe(0);
    expect(r.data.readUInt32BE(0x0c) & 0xffffff).toBe(1 << 7);
    const caps = r.data.readUInt32BE(0x10);
    expect([(caps >>> 12) & 0xf, (caps >>> 8) & 0xf, (caps >>> 4) & 0xf, caps & 0xf]).toEqual([0b101, 0b111, 0b111, 0b011]);
    expect(r.data.readUInt16BE(0x2a)).toBe(0x80); // 400g_4x
    expect(r.data.readUInt16BE(0x2c)).toBe(0x80); // 200g_2x
    expect(r.data.readUInt16BE(0x2e)).toBe(0x80); // 100g_1x
    expect(r.data.subarray(0x14, 0x28).every((b) => b === 0)).toBe(true); // admin: auto everywhere
  });

  it('follows PTYS: CAUI-4 runs RS(528,514) (bit 2); a port type other than the network port is refused', () => {
    const { dev } = clockedDevice();
    const w = portData(0x44);
    w.writeUInt8(0x4, 3);
    w.writeUInt32BE(1 << 9, 0x14);
    expect(access(dev, 0x5004, WRITE, w, 0x44).status).toBe(0);
    expect(readReg(dev, PPLM, portData(0x80), 0x80).data.readUInt32BE(0x0c) & 0xffffff).toBe(1 << 2);
    const gearbox = portData(0x80);
    gearbox.writeUInt8(0x10, 2); // port_type 1 (bits 11:8)
    expect(readReg(dev, PPLM, gearbox, 0x80).status).toBe(FwStatus.BAD_PARAM);
  });
});

describe('PMAOS', () => {
  it('module 0 enabled and plugged; there is no module 1', () => {
    const { dev } = clockedDevice();
    const r = readReg(dev, PMAOS, 0x10, 0x10);
    expect(r.status).toBe(0);
    expect([(r.data.readUInt32BE(0) >>> 8) & 0xf, r.data.readUInt32BE(0) & 0xf]).toEqual([1, 1]);
    const other = Buffer.alloc(0x10);
    other.writeUInt8(1, 1);
    expect(readReg(dev, PMAOS, other, 0x10)).toMatchObject({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e0004 });
  });
});

describe('MPEGC', () => {
  it('TX overflow handling off, no thresholds, no hot-plug operation; the index fields echoed', () => {
    const { dev } = clockedDevice();
    const req = Buffer.alloc(0x2c);
    req.writeUInt8(0x40 | 2, 0); // DPNv 1 (bit 6), depth 2 (5:0)
    req.writeUInt8(3, 2); // node
    const r = readReg(dev, 0x9056, req, 0x2c);
    expect(r.status).toBe(0);
    expect([r.data.readUInt8(0), r.data.readUInt8(2)]).toEqual([0x42, 3]);
    expect(r.data.subarray(4).every((b) => b === 0)).toBe(true);
  });
});
