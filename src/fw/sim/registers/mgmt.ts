/**
 * Management registers that describe the device: MGIR (general information), MSGI (the board's
 * serial and part numbers), NODE_DESC, DTOR
 * (default timeouts) and MFRL (firmware reset level).
 */
import { layout } from '../../../uapi/ifc';
import { setBits } from '../../../uapi/ifc/bits';
import { CX7_BOARD, simBaseMac, simSerialNumber } from '../identity';
import type { RegisterContext, RegisterDef } from './register';

const mgir = layout('mgir');

/** FW 28.39.1002 was built in October 2023; MGIR carries dates as BCD. */
const FW_BUILD = { buildId: 0x3a7e1c52, year: 0x2023, month: 0x10, day: 0x19, hour: 0x1530 };

function readMgir({ state, reply }: RegisterContext): void {
  reply.fill(0);
  const id = state.identity;
  const v = id.fwVersion;
  const set = (path: string, value: number): void => mgir.uint(path).set(reply, value >>> 0);
  set('hardware_info.device_hw_revision', id.hwRevision);
  set('hardware_info.device_id', id.deviceId);
  set('hardware_info.num_ports', 1);
  set('hardware_info.hw_dev_id', id.hwDevId);
  const mac = simBaseMac(id.pciName);
  set('hardware_info.manufacturing_base_mac_47_32', Math.floor(mac / 2 ** 32));
  set('hardware_info.manufacturing_base_mac_31_0', mac % 2 ** 32);
  set('hardware_info.uptime', Math.floor(Math.max(0, state.clock.nowMs() - state.bootMs) / 1000));
  set('firmware_info.secured', 1);
  set('firmware_info.signed_fw', 1);
  // The 8-bit fields cannot hold a sub-minor of 1002; tools read the extended ones when set.
  set('firmware_info.major', v.major & 0xff);
  set('firmware_info.minor', v.minor & 0xff);
  set('firmware_info.sub_minor', v.subminor & 0xff);
  set('firmware_info.extended_major', v.major);
  set('firmware_info.extended_minor', v.minor);
  set('firmware_info.extended_sub_minor', v.subminor);
  set('firmware_info.build_id', FW_BUILD.buildId);
  set('firmware_info.year', FW_BUILD.year);
  set('firmware_info.month', FW_BUILD.month);
  set('firmware_info.day', FW_BUILD.day);
  set('firmware_info.hour', FW_BUILD.hour);
  mgir.string('firmware_info.psid').set(reply, id.psid);
}

const msgi = layout('msgi');

/** MSGI: the simulated board's serial number (stable per PCI name), part number and name. */
function readMsgi({ state, reply }: RegisterContext): void {
  reply.fill(0);
  msgi.string('serial_number').set(reply, simSerialNumber(state.identity.pciName));
  msgi.string('part_number').set(reply, CX7_BOARD.partNumber);
  msgi.string('revision').set(reply, CX7_BOARD.revision);
  msgi.string('product_name').set(reply, CX7_BOARD.productName);
}

const nodeDesc = layout('node_desc').string('node_description');

/** DTOR: [name, to_value, to_multiplier (0 ms, 1 s, 2 min, 3 h)], the kernel's tout.c defaults. */
const TIMEOUTS: readonly (readonly [string, number, number])[] = [
  ['pcie_toggle_to', 2000, 0],
  ['health_poll_to', 2000, 0],
  ['full_crdump_to', 60, 1],
  ['fw_reset_to', 60, 1],
  ['flush_on_err_to', 2000, 0],
  ['pci_sync_update_to', 5, 1],
  ['tear_down_to', 3, 1],
  ['fsm_reactivate_to', 5, 1],
  ['reclaim_pages_to', 5, 1],
  ['reclaim_vfs_pages_to', 2, 2],
  ['reset_unload_to', 5, 2],
];
const dtor = layout('dtor');

function readDtor({ reply }: RegisterContext): void {
  reply.fill(0);
  for (const [name, value, mult] of TIMEOUTS) {
    dtor.uint(`${name}.to_value`).set(reply, value);
    dtor.uint(`${name}.to_multiplier`).set(reply, mult);
  }
}

/*
 * MFRL (8 B, mlx5_ifc mfrl_reg; no layout in src/uapi): dword 1 holds
 * pci_sync_for_fw_update_start@0x22, rst_type_sel@0x25/3, reset_state@0x2c/4,
 * reset_type@0x30/8 (supported types), reset_level@0x38/8 (supported levels on read).
 */
const MFRL_RESET_TYPE = 0x1 | 0x2; // FULL_CHIP | NET_PORT_ALIVE
const MFRL_RESET_LEVEL = 0x1 | 0x8; // LEVEL0 | LEVEL3 (driver-driven reset)
const pendingReset = new WeakMap<object, number>();

function readMfrl({ state, reply }: RegisterContext): void {
  reply.fill(0);
  setBits(reply, 0x2c, 4, 0); // reset_state: IDLE; the simulator never resets itself
  setBits(reply, 0x30, 8, MFRL_RESET_TYPE);
  setBits(reply, 0x38, 8, MFRL_RESET_LEVEL | (pendingReset.get(state) ?? 0));
}

function writeMfrl({ state, data, reply }: RegisterContext): void {
  // A requested level is remembered (and reported back) but nothing resets: recovery flows are the
  // fault-injection feature's business.
  pendingReset.set(state, data.readUInt8(7) & MFRL_RESET_LEVEL);
  data.copy(reply);
}

const mpegc = layout('mpegc');

/**
 * MPEGC (PCIe general configuration), which mstcongestion queries: TX overflow handling is off
 * (tx_lossy_overflow_oper disabled, so the sense level is 0 too, as the PRM requires), no stalled
 * read or write thresholds, and no hot-plug emulation in progress. The host's function is at depth
 * 0, node 0; the fields that name it are echoed.
 */
function readMpegc({ data, reply }: RegisterContext): void {
  reply.fill(0);
  for (const name of ['dpnv', 'depth', 'pcie_index', 'node']) mpegc.uint(name).set(reply, mpegc.uint(name).get(data));
  mpegc.uint('tx_lossy_overflow_oper').set(reply, 0);
  mpegc.uint('tx_overflow_sense').set(reply, 0);
  mpegc.uint('operation').set(reply, 0);
}

export const mgmtRegisters: readonly RegisterDef[] = [
  { id: 0x9020, name: 'MGIR', size: 0xa0, read: readMgir },
  { id: 0x9021, name: 'MSGI', size: 0x80, read: readMsgi },
  { id: 0x6001, name: 'NODE_DESC', size: 0x40, read: ({ state, reply }) => { reply.fill(0); nodeDesc.set(reply, state.identity.nodeDescription); } },
  { id: 0xc00e, name: 'DTOR', size: 0x40, read: readDtor },
  { id: 0x9028, name: 'MFRL', size: 0x8, read: readMfrl, write: writeMfrl },
  { id: 0x9056, name: 'MPEGC', size: 0x2c, read: readMpegc },
];
