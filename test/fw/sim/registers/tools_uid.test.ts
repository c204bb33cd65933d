/**
 * What a user context (the tools UID every broker session runs under) may write. fwctl lets
 * ACCESS_REG writes through at any scope because the firmware limits them; the model refuses the
 * driver's registers (PAOS, PTYS, MFRL, MTMP) with BAD_PARAM / UID_NOT_PRIVILEGED and leaves their
 * state as it was, while uid 0 (the driver) still writes them. Clearing PPCNT is the tools UID's
 * one state-changing write, and only as a write.
 */
import { Syndrome } from '../../../../src/fw/sim/errors';
import { FwStatus } from '../../../../src/fw/status';
import { createUctx } from '../objects/helpers';
import { access, clockedDevice, portData, readReg, READ, WRITE } from './helpers';

const PAOS = 0x5006;
const PTYS = 0x5004;
const PPCNT = 0x5008;
const MFRL = 0x9028;
const MTMP = 0x900a;

const paosDown = (): Buffer => {
  const d = portData(16);
  d.writeUInt8(0x02, 2); // admin_status DOWN
  d.writeUInt8(0x80, 4); // ase
  return d;
};
const adminStatus = (data: Buffer): number => (data.readUInt32BE(0) >>> 8) & 0xf;

const ptys200g = (): Buffer => {
  const d = portData(0x44);
  d.writeUInt8(0x04, 3); // proto_mask Ethernet
  d.writeUInt32BE(1 << 12, 0x14); // ext_eth_proto_admin: 200GAUI-4 only
  return d;
};

const mfrlLevel3 = (): Buffer => {
  const d = Buffer.alloc(8);
  d.writeUInt8(0x08, 7);
  return d;
};

function ppcnt(clr: boolean): Buffer {
  const d = portData(0x100);
  if (clr) d.writeUInt8(0x80, 4);
  return d;
}
const rxOctets = (data: Buffer): bigint => data.readBigUInt64BE(8 + 8 * 5);

describe('register writes by a tools UID', () => {
  it('PAOS: refused, the port stays up; the driver can still take it down', () => {
    const { dev } = clockedDevice();
    const uid = createUctx(dev);
    const r = access(dev, PAOS, WRITE, paosDown(), 16, uid);
    expect([r.status, r.syndrome]).toEqual([FwStatus.BAD_PARAM, Syndrome.UID_NOT_PRIVILEGED]);
    expect(adminStatus(readReg(dev, PAOS, portData(16), 16).data)).toBe(1);
    expect(access(dev, PAOS, WRITE, paosDown(), 16).status).toBe(0);
    expect(adminStatus(readReg(dev, PAOS, portData(16), 16).data)).toBe(2);
  });

  it('PTYS: refused, the advertised speeds are unchanged', () => {
    const { dev } = clockedDevice();
    const uid = createUctx(dev);
    const before = readReg(dev, PTYS, ptys200g(), 0x44).data.readUInt32BE(0x14);
    const r = access(dev, PTYS, WRITE, ptys200g(), 0x44, uid);
    expect([r.status, r.syndrome]).toEqual([FwStatus.BAD_PARAM, Syndrome.UID_NOT_PRIVILEGED]);
    expect(readReg(dev, PTYS, ptys200g(), 0x44).data.readUInt32BE(0x14)).toBe(before);
    expect(before).not.toBe(1 << 12);
  });

  it('MFRL: refused, no reset level is recorded', () => {
    const { dev } = clockedDevice();
    const uid = createUctx(dev);
    const before = readReg(dev, MFRL, 8, 8).data;
    const r = access(dev, MFRL, WRITE, mfrlLevel3(), 8, uid);
    expect([r.status, r.syndrome]).toEqual([FwStatus.BAD_PARAM, Syndrome.UID_NOT_PRIVILEGED]);
    expect(readReg(dev, MFRL, 8, 8).data).toEqual(before);
  });

  it('MTMP: refused, the max-temperature record survives', () => {
    const { dev, advance } = clockedDevice();
    const uid = createUctx(dev);
    const reset = Buffer.alloc(0x20);
    reset.writeUInt8(0x40, 8); // mtr
    advance(120_000);
    const max = (): number => readReg(dev, MTMP, Buffer.alloc(0x20), 0x20).data.readUInt16BE(0x0a);
    const before = max();
    const r = access(dev, MTMP, WRITE, reset, 0x20, uid);
    expect([r.status, r.syndrome]).toEqual([FwStatus.BAD_PARAM, Syndrome.UID_NOT_PRIVILEGED]);
    expect(max()).toBe(before);
  });

  it('PPCNT: a tools UID clears counters with a write, never with a read', () => {
    const { dev, advance } = clockedDevice();
    const uid = createUctx(dev);
    advance(5_000);
    const refused = access(dev, PPCNT, READ, ppcnt(true), 0x100, uid);
    expect([refused.status, refused.syndrome]).toEqual([FwStatus.BAD_PARAM, Syndrome.UID_NOT_PRIVILEGED]);
    expect(rxOctets(readReg(dev, PPCNT, ppcnt(false)).data)).toBeGreaterThan(0n);

    const cleared = access(dev, PPCNT, WRITE, ppcnt(true), 0x100, uid);
    expect(cleared.status).toBe(0);
    expect(rxOctets(cleared.data)).toBeGreaterThan(0n);
    expect(rxOctets(readReg(dev, PPCNT, ppcnt(false)).data)).toBe(0n);
  });

  it('a plain read by a tools UID still works', () => {
    const { dev } = clockedDevice();
    const uid = createUctx(dev);
    expect(access(dev, PAOS, READ, portData(16), 16, uid).status).toBe(0);
  });
});
