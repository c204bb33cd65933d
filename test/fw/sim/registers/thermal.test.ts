import { FwStatus } from '../../../../src/fw/status';
import { access, clockedDevice, readReg, WRITE } from './helpers';

const MTMP = 0x900a;

function mtmpReq(sensor = 0, mtr = false): Buffer {
  const d = Buffer.alloc(0x20);
  d.writeUInt16BE(sensor & 0xfff, 2);
  if (mtr) d.writeUInt8(0x40, 8);
  return d;
}
const temp = (d: Buffer): number => d.readInt16BE(6) / 8;
const maxTemp = (d: Buffer): number => d.readInt16BE(10) / 8;

describe('MTMP', () => {
  it('reads the ASIC at about 55 °C, drifting smoothly with time', () => {
    const { dev, advance } = clockedDevice();
    const readings: number[] = [];
    for (let i = 0; i < 120; i++) {
      readings.push(temp(readReg(dev, MTMP, mtmpReq(), 0x20).data));
      advance(5_000);
    }
    for (const t of readings) expect(Math.abs(t - 55)).toBeLessThan(6);
    for (let i = 1; i < readings.length; i++) expect(Math.abs(readings[i]! - readings[i - 1]!)).toBeLessThanOrEqual(1);
    expect(Math.max(...readings) - Math.min(...readings)).toBeGreaterThan(2);
  });

  it('tracks the maximum since reset and resets it on mtr', () => {
    const { dev, advance } = clockedDevice();
    let seen = -Infinity;
    for (let i = 0; i < 60; i++) {
      const d = readReg(dev, MTMP, mtmpReq(), 0x20).data;
      seen = Math.max(seen, temp(d));
      expect(maxTemp(d)).toBeGreaterThanOrEqual(seen);
      advance(10_000);
    }
    expect(access(dev, MTMP, WRITE, mtmpReq(0, true), 0x20).status).toBe(0);
    const d = readReg(dev, MTMP, mtmpReq(), 0x20).data;
    expect(maxTemp(d)).toBe(temp(d));
  });

  it('reports thresholds, the sensor name and the module sensor; rejects missing sensors', () => {
    const { dev } = clockedDevice();
    const d = readReg(dev, MTMP, mtmpReq(), 0x20).data;
    expect(d.readUInt16BE(0xe)).toBe(105 * 8);
    expect(d.toString('latin1', 0x18, 0x1c)).toBe('ASIC');
    const mod = readReg(dev, MTMP, mtmpReq(64), 0x20).data;
    expect(Math.abs(temp(mod) - 43)).toBeLessThan(4);
    const bad = readReg(dev, MTMP, mtmpReq(5), 0x20);
    expect(bad.status).toBe(FwStatus.BAD_PARAM);
  });
});
