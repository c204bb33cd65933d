import { registerTable } from '../../../../src/fw/sim/registers/table';
import { resourceDumpRegister } from '../../../../src/fw/sim/rscdump/inline';
import { coreDumpRegister } from '../../../../src/fw/sim/memory/core_dump';
import { clockedDevice, readReg } from './helpers';

/** Bit n of the 128-bit mask at `at`: dword 3 − n/32, bit n%32 (independent of the code under test). */
const bit = (d: Buffer, at: number, n: number): boolean => ((d.readUInt32BE(at + 4 * (3 - Math.floor(n / 32))) >>> n % 32) & 1) === 1;

describe('capability masks', () => {
  const { dev } = clockedDevice();

  it('MCAM advertises the management registers implemented, and no others', () => {
    const d = readReg(dev, 0x907f, 0x48, 0x48).data;
    const flintAndMstconfig = [0x9024, 0x9025, 0x9030, 0x9033, 0x9060, 0x9061, 0x9062, 0x9063, 0x9064];
    const tracer = [0x9040, 0x9041, 0x9042, 0x9043];
    for (const id of [0x9009, 0x900a, 0x9014, 0x9020, 0x9028, ...tracer, ...flintAndMstconfig, 0x907f]) expect(bit(d, 8, id - 0x9000)).toBe(true);
    for (const id of [0x9001, 0x9026, 0x9065]) expect(bit(d, 8, id - 0x9000)).toBe(false);
    expect(bit(d, 8, 127)).toBe(true); // "Bit 127: MCAP_0x907F" lives in dword 0, bit 31
    expect(d.readUInt32BE(8) >>> 31).toBe(1);
    expect(bit(d, 0x28, 127 - 0x5d)).toBe(true); // mcia_32dwords
  });

  it('answers every register MCAM advertises with the firmware model, never REG_NOT_SUPPORTED', () => {
    const d = readReg(dev, 0x907f, 0x48, 0x48).data;
    const advertised = [...Array(128).keys()].filter((n) => bit(d, 8, n)).map((n) => 0x9000 + n);
    expect(advertised.length).toBeGreaterThanOrEqual(20);
    for (const id of advertised) {
      const r = readReg(dev, id);
      expect({ id: id.toString(16), syndrome: r.syndrome === 0x6a1e0001 ? 'REG_NOT_SUPPORTED' : 'model' }).toEqual({ id: id.toString(16), syndrome: 'model' });
    }
  });

  /** The ids a CAM's access_reg_group `group` advertises. */
  const advertisedIn = (cam: number, size: number, base: number, group: number): number[] => {
    const req = Buffer.alloc(size);
    req.writeUInt8(group, 3);
    const d = readReg(dev, cam, req, size).data;
    return [...Array(128).keys()].filter((n) => bit(d, 8, n)).map((n) => base + 128 * group + n);
  };

  it('MCAM group 2 (0x9100..0x917f) advertises the module temperature monitor MTMG and MTMR, group 1 nothing, a reserved group nothing', () => {
    expect(advertisedIn(0x907f, 0x48, 0x9000, 2)).toEqual([0x910d, 0x910e]);
    expect(advertisedIn(0x907f, 0x48, 0x9000, 1)).toEqual([]);
    expect(advertisedIn(0x907f, 0x48, 0x9000, 3)).toEqual([]);
  });

  it('PCAM advertises the PHY registers mstlink reads (PRTL, SLRG, PMDR, PPHCR, PPAOS, PMPT) and every one answers', () => {
    const pcam = advertisedIn(0x507f, 0x50, 0x5000, 0);
    expect(pcam).toEqual(expect.arrayContaining([0x5014, 0x5028, 0x503c, 0x503e, 0x5040, 0x5064]));
    expect(advertisedIn(0x507f, 0x50, 0x5000, 1)).toEqual([]);
    for (const id of [...pcam, ...advertisedIn(0x907f, 0x48, 0x9000, 2)]) {
      const r = readReg(dev, id);
      expect({ id: id.toString(16), syndrome: r.syndrome === 0x6a1e0001 ? 'REG_NOT_SUPPORTED' : 'model' }).toEqual({ id: id.toString(16), syndrome: 'model' });
    }
  });

  it('each CAM group advertises exactly the registers of its id range the device answers', () => {
    const answered = registerTable([resourceDumpRegister, coreDumpRegister]).map((r) => r.id);
    const cams = [
      { cam: 0x907f, size: 0x48, base: 0x9000, groups: 3 },
      { cam: 0x507f, size: 0x50, base: 0x5000, groups: 2 },
      { cam: 0x4019, size: 0x48, base: 0x4000, groups: 1 },
    ];
    for (const { cam, size, base, groups } of cams) {
      for (let g = 0; g < groups; g++) {
        const range = answered.filter((id) => id >= base + 128 * g && id < base + 128 * (g + 1)).sort((a, b) => a - b);
        expect({ cam: cam.toString(16), g, ids: advertisedIn(cam, size, base, g) }).toEqual({ cam: cam.toString(16), g, ids: range });
      }
    }
  });

  it('PCAM advertises the port registers and extended PTYS; QCAM itself', () => {
    const d = readReg(dev, 0x507f, 0x50, 0x50).data;
    for (const id of [0x5002, 0x5004, 0x5006, 0x5008, 0x5031, 0x507f]) expect(bit(d, 8, id - 0x5000)).toBe(true);
    expect(bit(d, 8, 0x5001 - 0x5000)).toBe(false);
    expect(bit(d, 0x28, 127 - 0x73)).toBe(true);
    const q = readReg(dev, 0x4019, 0x48, 0x48).data;
    expect(bit(q, 8, 0x19)).toBe(true);
  });
});

describe('MCIA', () => {
  const { dev } = clockedDevice();
  const req = (page: number, addr: number, size: number, module = 0): Buffer => {
    const d = Buffer.alloc(0x94);
    d.writeUInt8(module, 1);
    d.writeUInt8(0x50, 4);
    d.writeUInt8(page, 5);
    d.writeUInt16BE(addr, 6);
    d.writeUInt16BE(size, 10);
    return d;
  };

  it('reads a CMIS module: identifier, vendor name and part number', () => {
    const id = readReg(dev, 0x9014, req(0, 0, 4), 0x94).data;
    expect(id.readUInt8(3)).toBe(0); // status GOOD
    expect(id.readUInt8(0x10)).toBe(0x18);
    const vendor = readReg(dev, 0x9014, req(0, 129, 16), 0x94).data;
    expect(vendor.toString('latin1', 0x10, 0x20).trim()).toBe('SIMULATED');
    const oui = readReg(dev, 0x9014, req(0, 145, 3), 0x94).data;
    expect([...oui.subarray(0x10, 0x13)]).toEqual([0, 0, 0]);
    const pn = readReg(dev, 0x9014, req(0, 148, 16), 0x94).data;
    expect(pn.toString('latin1', 0x10, 0x20).trim()).toBe('SIM-DAC-400G-1M');
  });

  it('reports an absent module in MCIA.status and a read past the page as BAD_PARAM', () => {
    expect(readReg(dev, 0x9014, req(0, 0, 4, 3), 0x94).data.readUInt8(3)).toBe(3);
    expect(readReg(dev, 0x9014, req(0, 250, 16), 0x94).status).toBe(3);
  });
});
