/**
 * SLTP (0x5027), as mstlink reads it per lane: a 7nm page (version 4) whose lane speed, taps and
 * status follow the link PTYS reports. Mailbox bytes are built and decoded by hand from
 * register_access_table.adb's sltp_reg_ext / sltp_7nm_ext (dword 0: lp_msb 31:30, status 29:28,
 * version 27:24, local_port 23:16, lane 11:8, lane_speed 7:4, port_type 3:1; page at byte 4:
 * ob_bad_stat byte 5, fir_pre3 byte 6, fir_pre2 byte 7, fir_pre1 byte 8, fir_main byte 9,
 * fir_post1 byte 10).
 */
import { FwStatus } from '../../../../src/fw/status';
import { access, clockedDevice, portData, readReg, WRITE } from './helpers';

const SLTP = 0x5027;
const SIZE = 0x4c;
const PTYS = 0x5004;
const PAOS = 0x5006;

function sltpRequest(lane: number, localPort = 1, portType = 0): Buffer {
  const b = portData(SIZE, localPort);
  b.writeUInt8(lane & 0xf, 2);
  b.writeUInt8((portType & 0x7) << 1, 3);
  return b;
}

function decode(d: Buffer) {
  return {
    status: (d.readUInt8(0) >>> 4) & 0x3,
    version: d.readUInt8(0) & 0xf,
    localPort: d.readUInt8(1),
    lane: d.readUInt8(2) & 0xf,
    laneSpeed: d.readUInt8(3) >>> 4,
    obBadStat: d.readUInt8(5),
    taps: { pre3: d.readInt8(6), pre2: d.readInt8(7), pre1: d.readInt8(8), main: d.readInt8(9), post1: d.readInt8(10) },
  };
}

const readLane = (dev: ReturnType<typeof clockedDevice>['dev'], lane: number) => {
  const r = readReg(dev, SLTP, sltpRequest(lane), SIZE);
  expect(r.status).toBe(0);
  return decode(r.data);
};

/** PTYS write of ext_eth_proto_admin (byte 0x14), proto_mask Ethernet. */
function setAdminMode(dev: ReturnType<typeof clockedDevice>['dev'], mask: number): void {
  const w = portData(0x44);
  w.writeUInt8(0x4, 3);
  w.writeUInt32BE(mask >>> 0, 0x14);
  expect(access(dev, PTYS, WRITE, w, 0x44).status).toBe(0);
}

describe('SLTP', () => {
  it('reports the 400GAUI-4 link PTYS shows: 7nm page, NDR lane speed, five taps on each of 4 lanes', () => {
    const { dev } = clockedDevice();
    const ptysReq = portData(0x44);
    ptysReq.writeUInt8(0x4, 3);
    expect(readReg(dev, PTYS, ptysReq, 0x44).data.readUInt32BE(0x20)).toBe(1 << 16); // 400GAUI-4 oper
    for (const lane of [0, 1, 2, 3]) {
      const s = readLane(dev, lane);
      expect(s).toEqual({ status: 1, version: 4, localPort: 1, lane, laneSpeed: 7, obBadStat: 0, taps: { pre3: -1, pre2: 2, pre1: -10, main: 48, post1: -2 } });
      const t = s.taps;
      expect(Math.abs(t.pre3) + Math.abs(t.pre2) + Math.abs(t.pre1) + Math.abs(t.main) + Math.abs(t.post1)).toBe(63);
    }
  });

  it('follows a PTYS admin change: 200GAUI-4 is 50G per lane without pre3, 200GAUI-2 drives two lanes', () => {
    const { dev } = clockedDevice();
    setAdminMode(dev, 1 << 12); // 200GAUI-4
    const s = readLane(dev, 3);
    expect(s.laneSpeed).toBe(6);
    expect(s.status).toBe(1);
    expect(s.taps).toEqual({ pre3: 0, pre2: 2, pre1: -9, main: 50, post1: -2 });
    setAdminMode(dev, 1 << 13); // 200GAUI-2
    expect([0, 1, 2, 3].map((l) => readLane(dev, l).status)).toEqual([1, 1, 0, 0]);
    expect(readLane(dev, 0).laneSpeed).toBe(7);
    setAdminMode(dev, 1 << 9); // CAUI-4 100G: 25G per lane, three taps
    expect(readLane(dev, 0)).toMatchObject({ laneSpeed: 5, taps: { pre3: 0, pre2: 0, pre1: -6, main: 54, post1: -3 } });
  });

  it('marks every lane invalid while the port is down (PAOS)', () => {
    const { dev } = clockedDevice();
    const down = portData(16);
    down.writeUInt8(0x02, 2); // admin_status down
    down.writeUInt8(0x80, 4); // ase
    expect(access(dev, PAOS, WRITE, down, 16).status).toBe(0);
    expect([0, 1, 2, 3].map((l) => readLane(dev, l).status)).toEqual([0, 0, 0, 0]);
    expect(readLane(dev, 0).laneSpeed).toBe(7);
  });

  it('refuses lanes, ports and port types the device does not have', () => {
    const { dev } = clockedDevice();
    const lane = readReg(dev, SLTP, sltpRequest(4), SIZE);
    expect(lane.status).toBe(FwStatus.BAD_PARAM);
    expect(lane.syndrome).toBe(0x6a1e0025);
    const port = readReg(dev, SLTP, sltpRequest(0, 2), SIZE);
    expect(port.status).toBe(FwStatus.BAD_PARAM);
    expect(port.syndrome).toBe(0x6a1e0003);
    expect(readReg(dev, SLTP, sltpRequest(0, 1, 1), SIZE).status).toBe(FwStatus.BAD_PARAM);
    expect(readReg(dev, SLTP, sltpRequest(0, 0), SIZE).status).toBe(0); // local_port 0: this function's port
  });

  it('is advertised in PCAM (port register group 0x5000), bit 0x27', () => {
    const { dev } = clockedDevice();
    const d = readReg(dev, 0x507f, 0x50, 0x50).data;
    expect((d.readUInt32BE(8 + 4 * 2) >>> 0x07) & 1).toBe(1); // bit 39 = 0x27: dword 3 − 1, bit 7
  });
});
