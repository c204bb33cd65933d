import { FwStatus } from '../../../../src/fw/status';
import { access, clockedDevice, readReg, regInbox, WRITE } from './helpers';

describe('ACCESS_REG: identity registers', () => {
  const { dev, advance } = clockedDevice();

  it('MGIR carries hw_dev_id 0x218 at byte 8, the PCI device id, FW 28.39.1002 and the PSID', () => {
    const r = readReg(dev, 0x9020, 0xa0);
    expect(r.status).toBe(0);
    expect(r.data.readUInt32BE(8) & 0xffff).toBe(0x218);
    expect(r.data.readUInt16BE(2)).toBe(0x1021);
    expect(r.data.readUInt8(0x20 + 1)).toBe(28);
    expect(r.data.readUInt8(0x20 + 2)).toBe(39);
    expect(r.data.readUInt32BE(0x20 + 0x24)).toBe(28);
    expect(r.data.readUInt32BE(0x20 + 0x28)).toBe(39);
    expect(r.data.readUInt32BE(0x20 + 0x2c)).toBe(1002);
    expect(r.data.toString('latin1', 0x30, 0x40).replace(/\0+$/, '')).toBe('SIM_CX7_0000001');
  });

  it('MGIR reports a locally administered unicast base MAC, not a vendor OUI', () => {
    const r = readReg(dev, 0x9020, 0xa0);
    const firstOctet = r.data.readUInt16BE(0x12) >>> 8;
    expect(firstOctet & 0x02).toBe(0x02);
    expect(firstOctet & 0x01).toBe(0);
    expect(r.data.readUInt16BE(0x12)).toBe(0x0253);
    expect(r.data.readUInt32BE(0x14) >>> 24).toBe(0x49);
  });

  it('MGIR uptime counts seconds of device time', () => {
    const before = readReg(dev, 0x9020, 0xa0).data.readUInt32BE(0x1c);
    advance(90_000);
    expect(readReg(dev, 0x9020, 0xa0).data.readUInt32BE(0x1c)).toBe(before + 90);
  });

  it('answers mstflint 1024-byte MGIR reads with the register and zeros after it', () => {
    const r = readReg(dev, 0x9020, 1024, 1024);
    expect(r.data.readUInt32BE(8)).toBe(0x218);
    expect(r.data.subarray(0xa0).every((b) => b === 0)).toBe(true);
  });

  it('NODE_DESC is the identity node description', () => {
    const r = readReg(dev, 0x6001, 64);
    expect(r.data.toString('latin1', 0, 64).replace(/\0+$/, '')).toBe('MT4129 ConnectX7 simulated by mlx5ctl');
  });

  it('MSGI carries the serial number, part number, revision and product name as NUL-padded ASCII', () => {
    const { dev } = clockedDevice();
    const r = readReg(dev, 0x9021, 0x80, 0x80);
    expect(r.status).toBe(0);
    const text = (at: number, len: number): string => r.data.toString('latin1', at, at + len).replace(/\0+$/, '');
    expect(text(0x00, 24)).toMatch(/^SIM\d{10}$/);
    expect(text(0x20, 20)).toBe('SIM-CX7-400G-1P');
    expect(text(0x38, 4)).toBe('S1');
    expect(text(0x40, 64)).toBe('Simulated ConnectX-7 (mlx5ctl), 400Gb/s, single-port');
  });

  it('DTOR reports full_crdump_to as 60 s (mult 1) with 20-bit to_value fields', () => {
    const r = readReg(dev, 0xc00e, 64);
    const to = (byte: number) => ({ mult: r.data.readUInt32BE(byte) >>> 29, val: r.data.readUInt32BE(byte) & 0xfffff });
    expect(to(0x18)).toEqual({ mult: 1, val: 60 }); // full_crdump_to @0xc0
    expect(to(0x04)).toEqual({ mult: 0, val: 2000 }); // pcie_toggle_to
    expect(to(0x38)).toEqual({ mult: 2, val: 5 }); // reset_unload_to
  });

  it('MTRC_CAP, MFRL and MTCAP answer', () => {
    expect(readReg(dev, 0x9040, 0x84, 0x84).data.readUInt32BE(0) >>> 31).toBe(1);
    expect(readReg(dev, 0x9028, 8).data.readUInt8(7) & 0x8).toBe(0x8);
    const mtcap = readReg(dev, 0x9009, 16).data;
    expect(mtcap.readUInt32BE(0) & 0x7f).toBe(1);
    expect(mtcap.readBigUInt64BE(8)).toBe(1n);
  });
});

describe('ACCESS_REG: errors', () => {
  const { dev } = clockedDevice();

  it('rejects an unknown register with BAD_PARAM and a stable syndrome', () => {
    const r = readReg(dev, 0x9999, 16);
    expect(r.status).toBe(FwStatus.BAD_PARAM);
    expect(r.syndrome).toBe(0x6a1e0001);
    expect(r.data.every((b) => b === 0)).toBe(true);
  });

  it('rejects writes to read-only registers', () => {
    const r = access(dev, 0x9020, WRITE, 0xa0);
    expect(r.status).toBe(FwStatus.BAD_PARAM);
    expect(r.syndrome).toBe(0x6a1e0002);
  });

  it('rejects op_mod other than 0/1', () => {
    expect(access(dev, 0x9020, 2, 0xa0).status).toBe(FwStatus.BAD_PARAM);
  });

  it('serves ACCESS_REGISTER_USER (0xb0c) like ACCESS_REG', () => {
    const out = dev.executeSync(regInbox(0x9020, 1, 0xa0, 0xb0c), 16 + 0xa0);
    expect(out.readUInt8(0)).toBe(0);
    expect(out.readUInt32BE(16 + 8)).toBe(0x218);
  });

  it('cuts the reply to a short outbox', () => {
    const out = dev.executeSync(regInbox(0x9020, 1, 0xa0), 16 + 12);
    expect(out.length).toBe(28);
    expect(out.readUInt32BE(16 + 8)).toBe(0x218);
  });
});

describe('ACCESS_REG: each access starts from its own data', () => {
  it('a short inbox after a full one reads zeros past it, not the earlier bytes', () => {
    const used = clockedDevice().dev;
    const fresh = clockedDevice().dev;
    // MTMP's sensor_index (bits 0x14/12) selects the sensor: the module's (64), then none sent.
    const module = Buffer.alloc(32);
    module.writeUInt16BE(64, 2);
    expect(readReg(used, 0x900a, module, 32).status).toBe(0);
    const asic = readReg(fresh, 0x900a, 0, 32);
    const again = readReg(used, 0x900a, 0, 32);
    expect(again.status).toBe(0);
    expect(again.data).toEqual(asic.data);
    expect(again.data.readUInt16BE(2) & 0xfff).toBe(0);
  });

  it("a register's reply does not change when another access follows", () => {
    const { dev } = clockedDevice();
    const first = Buffer.from(readReg(dev, 0x9020, 0xa0, 0xa0).data);
    const kept = readReg(dev, 0x9020, 0xa0, 0xa0).data;
    readReg(dev, 0x9020, Buffer.alloc(0xa0, 0x5a), 0xa0);
    expect(kept).toEqual(first);
  });
});
