/**
 * PDDR pages as mstlink reads them, and PPCR. Page bytes are decoded by hand from mstflint 4.33's
 * adb (offsets from the page start, byte 8 of PDDR): operational dword 0 proto_active 23:20,
 * neg_mode_active 19:16; dword 1 phy_mngr_fsm_state 31:24, eth_an_fsm_state 23:16;
 * phy_manager_link_eth_enabled 0x08, cable_ext_eth_proto_cap 0x10, link_eth_active 0x14,
 * fec_mode_active 0x1c 31:16, fec_mode_request 0x1c 15:0. Troubleshooting: monitor_opcode 0x04
 * 15:0, status_message from 0x0c. Module info: cable_technology byte 0, cable_type byte 4 7:4,
 * cable_length byte 5, cable_identifier byte 6, vendor_name 0x14, vendor_pn 0x24, vendor_rev
 * 0x34, vendor_sn 0x3c, temperature 0x4c, voltage 0x4e, memory_map_rev byte 0xab, module_st byte
 * 0x94 7:5, date_code 0xb0, connector_type byte 0xb8.
 */
import { FwStatus } from '../../../../src/fw/status';
import { access, clockedDevice, portData, readReg, WRITE } from './helpers';

const PDDR = 0x5031;
const PAOS = 0x5006;
const PTYS = 0x5004;

function page(dev: ReturnType<typeof clockedDevice>['dev'], select: number): Buffer {
  const req = portData(0x100);
  req.writeUInt8(select, 7);
  const r = readReg(dev, PDDR, req, 0x100);
  expect(r.status).toBe(0);
  return r.data.subarray(8);
}

function setAdmin(dev: ReturnType<typeof clockedDevice>['dev'], status: 1 | 2): void {
  const req = portData(0x10);
  req.writeUInt8(status, 2);
  req.writeUInt32BE((1 << 31) >>> 0, 4); // ase
  expect(access(dev, PAOS, WRITE, req, 0x10).status).toBe(0);
}

describe('PDDR operational info (page 0)', () => {
  it('describes the link PTYS reports: Ethernet, CL73 negotiated, active, 400GAUI-4 with RS(544,514)', () => {
    const { dev } = clockedDevice();
    const p = page(dev, 0);
    expect((p.readUInt32BE(0) >>> 20) & 0xf).toBe(0x4);
    expect((p.readUInt32BE(0) >>> 16) & 0xf).toBe(2);
    expect(p.readUInt8(4)).toBe(3); // Active
    expect(p.readUInt8(5)).toBe(6); // ETH_AN_FSM_AN_GOOD
    const ptysReq = portData(0x44);
    ptysReq.writeUInt8(0x4, 3);
    const ptys = readReg(dev, PTYS, ptysReq, 0x44).data;
    expect(p.readUInt32BE(0x14)).toBe(ptys.readUInt32BE(0x20)); // link_eth_active = ext_eth_proto_oper
    expect(p.readUInt32BE(0x08)).toBe(ptys.readUInt32BE(0x14)); // enabled = ext_eth_proto_admin
    expect(p.readUInt32BE(0x10)).toBe(ptys.readUInt32BE(0x08)); // cable cap = ext capability
    expect([p.readUInt16BE(0x1c), p.readUInt16BE(0x1e)]).toEqual([7, 7]);
  });

  it('follows a narrowed link (200GAUI-4: 50G PAM4 lanes, still RS(544,514)) and an admin-down port', () => {
    const { dev } = clockedDevice();
    const w = portData(0x44);
    w.writeUInt8(0x4, 3);
    w.writeUInt32BE(1 << 12, 0x14);
    expect(access(dev, PTYS, WRITE, w, 0x44).status).toBe(0);
    expect(page(dev, 0).readUInt32BE(0x14)).toBe(1 << 12);
    expect(page(dev, 0).readUInt16BE(0x1c)).toBe(7);
    w.writeUInt32BE(1 << 9, 0x14); // CAUI-4: 25G NRZ lanes
    expect(access(dev, PTYS, WRITE, w, 0x44).status).toBe(0);
    expect(page(dev, 0).readUInt16BE(0x1c)).toBe(2);
    setAdmin(dev, 2);
    const down = page(dev, 0);
    expect(down.readUInt8(4)).toBe(0); // Disabled
    expect(down.readUInt32BE(0x14)).toBe(0);
    expect(down.readUInt16BE(0x1c)).toBe(0);
  });
});

describe('PDDR troubleshooting (page 1)', () => {
  it('no issue while up; closed by command once PAOS takes the port down', () => {
    const { dev } = clockedDevice();
    const up = page(dev, 1);
    expect(up.readUInt16BE(0x06)).toBe(0);
    expect(up.toString('latin1', 0xc, 0xc + 22)).toBe('No issue was observed\0');
    setAdmin(dev, 2);
    const down = page(dev, 1);
    expect(down.readUInt16BE(0x06)).toBe(1);
    expect(down.toString('latin1', 0xc, 0xc + 36)).toBe('Port is closed by command (see PAOS)');
  });
});

describe('PDDR module info (page 3)', () => {
  it('is the cable MCIA reads: a 1 m QSFP-DD passive copper cable, vendor SIMULATED, live temperature', () => {
    const { dev } = clockedDevice();
    const p = page(dev, 3);
    expect(p.readUInt8(0)).toBe(0x0a);
    expect(p.readUInt8(4) >>> 4).toBe(3);
    expect(p.readUInt8(5)).toBe(0x41);
    expect(p.readUInt8(6)).toBe(6);
    expect(p.toString('latin1', 0x14, 0x24)).toBe('SIMULATED       ');
    expect(p.toString('latin1', 0x24, 0x34)).toBe('SIM-DAC-400G-1M ');
    expect(p.readUInt32BE(0x34)).toBe(0x5331); // "S1", right-aligned
    expect(p.toString('latin1', 0x3c, 0x4c)).toBe('SIM0000000001   ');
    expect(p.toString('latin1', 0xb0, 0xb8)).toBe('260101  ');
    expect(p.readUInt8(0xb8)).toBe(0x23);
    expect(p.readUInt8(0xab)).toBe(0x50);
    expect(p.readUInt8(0x94) >>> 5).toBe(3); // Ready
    expect(p.readUInt16BE(0x4e)).toBe(33000);
    const mcia = Buffer.alloc(0x94);
    mcia.writeUInt32BE(0x50 << 24, 4); // i2c address 0x50, page 0, byte 0
    mcia.writeUInt32BE(16, 8);
    const eeprom = readReg(dev, 0x9014, mcia, 0x94).data;
    expect(p.readInt16BE(0x4c)).toBe(eeprom.readInt16BE(0x10 + 14)); // both 1/256 °C
  });

  it('refuses pages the device does not model (6, link down info)', () => {
    const { dev } = clockedDevice();
    const req = portData(0x100);
    req.writeUInt8(6, 7);
    expect(readReg(dev, PDDR, req, 0x100)).toMatchObject({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e0007 });
  });
});

describe('PPCR', () => {
  it('a non-planarized port: p_type 0, no planes, no asymmetry; other ports refused', () => {
    const { dev } = clockedDevice();
    const r = readReg(dev, 0x504c, portData(0x10), 0x10);
    expect(r.status).toBe(0);
    expect(r.data.readUInt8(1)).toBe(1); // local_port echoed
    expect(r.data.subarray(4).every((b) => b === 0)).toBe(true);
    expect(readReg(dev, 0x504c, portData(0x10, 2), 0x10)).toMatchObject({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e0003 });
  });
});
