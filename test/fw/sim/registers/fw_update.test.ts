/** MCQS, MCQI, MCC, MCDA and MQIS as `flint q` reads them over fwctl (offsets from the ADB). */
import { FwStatus } from '../../../../src/fw/status';
import { clockedDevice, readReg } from './helpers';

const { dev } = clockedDevice();

const mcqs = (index: number): Buffer => {
  const d = Buffer.alloc(0x10);
  d.writeUInt16BE(index, 2);
  return d;
};

const mcqi = (infoType: number, dataSize: number, opts: { index?: number; offset?: number; pending?: boolean } = {}): Buffer => {
  const d = Buffer.alloc(0x94);
  d.writeUInt32BE((((opts.pending ? 1 : 0) << 31) | (opts.index ?? 0)) >>> 0, 0);
  d.writeUInt8(infoType & 0x1f, 0xb);
  d.writeUInt32BE(opts.offset ?? 0, 0x10);
  d.writeUInt16BE(dataSize, 0x16);
  return d;
};

describe('MCQS', () => {
  it('lists the boot image in use, then two token slots, the last one flagged', () => {
    const rows = [0, 1, 2].map((i) => readReg(dev, 0x9060, mcqs(i), 0x10));
    expect(rows.map((r) => r.status)).toEqual([0, 0, 0]);
    expect(rows.map((r) => r.data.readUInt16BE(6))).toEqual([1, 6, 7]); // BOOT_IMG, CS_TOKEN, DBG_TOKEN
    expect(rows.map((r) => r.data.readUInt32BE(0) >>> 31)).toEqual([0, 0, 1]);
    expect(rows.map((r) => (r.data.readUInt16BE(10) >>> 4) & 0x1f)).toEqual([2, 1, 1]); // IN_USE, PRESENT
    expect(rows.map((r) => r.data.readUInt8(11) & 0xf)).toEqual([0, 0, 0]); // IDLE
  });

  it('refuses a component index past the last', () => {
    expect(readReg(dev, 0x9060, mcqs(3), 0x10)).toMatchObject({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e000b });
  });
});

describe('MCQI', () => {
  it('capabilities: the pages it has, a 32 MiB image readable through 128-byte MCDA accesses', () => {
    const r = readReg(dev, 0x9061, mcqi(0, 0x20), 0x94);
    expect(r.status).toBe(0);
    const p = r.data.subarray(0x18);
    expect(p.readUInt32BE(0)).toBe(0b100011);
    expect(p.readUInt32BE(4)).toBe(32 * 1024 * 1024);
    expect(p.readUInt32BE(0xc) >>> 28).toBe(2);
    expect(p.readUInt16BE(0xe)).toBe(128);
    expect(p.readUInt8(0x10) >>> 7).toBe(1); // rd_en
    expect(r.data.readUInt16BE(0x16)).toBe(0x20);
  });

  it('version: the running firmware as MGIR reports it, packed and as text', () => {
    const r = readReg(dev, 0x9061, mcqi(1, 124), 0x94);
    expect(r.status).toBe(0);
    const p = r.data.subarray(0x18);
    expect(p.readUInt32BE(4)).toBe(((28 << 24) | (39 << 16) | 1002) >>> 0);
    expect(p.readUInt8(3)).toBe(10);
    expect(p.toString('latin1', 0x20, 0x2a)).toBe('28.39.1002');
    expect(r.data.readUInt32BE(0xc)).toBe(0x2a); // info_size
  });

  it('reads a page from an offset, cut to what is left', () => {
    const r = readReg(dev, 0x9061, mcqi(1, 124, { offset: 0x20 }), 0x94);
    expect(r.data.toString('latin1', 0x18, 0x22)).toBe('28.39.1002');
    expect(r.data.readUInt16BE(0x16)).toBe(124 - 0x20);
  });

  it('activation method: a firmware reset activates a new image', () => {
    const r = readReg(dev, 0x9061, mcqi(5, 4), 0x94);
    expect(r.status).toBe(0);
    expect(r.data.readUInt32BE(0x18)).toBe(1 << 2); // pending_fw_reset
  });

  it('refuses a pending-component read (nothing was flashed) and unknown info types', () => {
    expect(readReg(dev, 0x9061, mcqi(1, 124, { pending: true }), 0x94)).toMatchObject({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e000c });
    expect(readReg(dev, 0x9061, mcqi(6, 124), 0x94)).toMatchObject({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e000d });
    expect(readReg(dev, 0x9061, mcqi(1, 124, { index: 1 }), 0x94)).toMatchObject({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e000d });
  });

  it('token slots answer their capabilities, which flint q reads for every component MCQS lists', () => {
    for (const index of [1, 2]) {
      const r = readReg(dev, 0x9061, mcqi(0, 0x20, { index }), 0x94);
      expect(r.status).toBe(0);
      const p = r.data.subarray(0x18);
      expect(p.readUInt32BE(0)).toBe(1); // CAPABILITIES only
      expect(p.readUInt32BE(4)).toBe(4096);
      expect(p.readUInt8(0x10) >>> 7).toBe(0); // rd_en: a token is not read back
    }
  });
});

describe('MCC and MCDA', () => {
  it('MCC reports the update FSM idle with no handle', () => {
    const r = readReg(dev, 0x9062, 0x20, 0x20);
    expect(r.status).toBe(0);
    expect(r.data.readUInt32BE(0xc) & 0xf).toBe(0); // control_state IDLE
    expect(r.data.readUInt32BE(8) & 0xffffff).toBe(0);
  });

  it('MCDA without a locked update handle is refused', () => {
    const d = Buffer.alloc(0x90);
    d.writeUInt32BE(0x123, 0);
    expect(readReg(dev, 0x9063, d, 0x90)).toMatchObject({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e000e });
  });
});

describe('MQIS', () => {
  const mqis = (type: number, offset: number, length: number): Buffer => {
    const d = Buffer.alloc(0x18);
    d.writeUInt8(type, 3);
    d.writeUInt16BE(offset, 8);
    d.writeUInt16BE(length, 10);
    return d;
  };

  it('returns the model name and description in slices that say the board is simulated', () => {
    const name = readReg(dev, 0x9064, mqis(1, 0, 8), 0x100);
    expect(name.status).toBe(0);
    expect(name.data.readUInt16BE(6)).toBe('SIM-CX7-400G-1P'.length);
    expect(name.data.readUInt16BE(10)).toBe(8);
    expect(name.data.toString('latin1', 0x10, 0x18)).toBe('SIM-CX7-');
    const rest = readReg(dev, 0x9064, mqis(1, 8, 8), 0x100);
    expect(rest.data.readUInt16BE(10)).toBe(7);
    expect(rest.data.toString('latin1', 0x10, 0x17)).toBe('400G-1P');
    const desc = readReg(dev, 0x9064, mqis(2, 0, 200), 0x100);
    expect(desc.data.toString('latin1', 0x10, 0x10 + desc.data.readUInt16BE(10))).toBe('Simulated ConnectX-7 (mlx5ctl), 400Gb/s, single-port');
  });

  it('refuses an info type it does not define', () => {
    expect(readReg(dev, 0x9064, mqis(9, 0, 8), 0x100)).toMatchObject({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e000d });
  });
});
