/**
 * The access registers the exporter polls, as ACCESS_REG reads built and decoded by field name
 * through the src/uapi/ifc layouts, so they mean the same on every backend:
 *   MGIR  firmware version and PSID          MSGI  board part number
 *   MTMP  ASIC temperature (sensor 0) and its warning threshold
 *   PAOS  port admin / operational status    PTYS  operational link speed (Ethernet)
 *   PPCNT physical-layer group: symbol errors, FEC corrected / uncorrectable blocks, link downs
 */
import { MAILBOX_HEADER_SIZE, newInbox } from '../fw/mailbox';
import { Opcode } from '../fw/opcodes';
import { layout } from '../uapi/ifc';

/** mlx5 numbers local ports from 1; a PCI function's own port is 1. */
const LOCAL_PORT = 1;
const ASIC_SENSOR = 0;
const PROTO_ETHERNET = 0x4;
const PPCNT_PHYS_LAYER_GROUP = 0x12;
const ACCESS_REG_READ = 1;
/** PTYS data_rate_oper is in units of 100 Mb/s. */
const DATA_RATE_UNIT_BYTES_PER_S = 100e6 / 8;
/** MTMP temperatures are signed 16-bit, in 0.125 °C. */
const MTMP_CELSIUS_PER_UNIT = 0.125;

export interface DeviceInfoReading {
  firmwareVersion: string;
  psid: string;
}

export interface Readings {
  MGIR: DeviceInfoReading;
  MSGI: { partNumber: string };
  MTMP: { celsius: number; warningCelsius: number };
  PAOS: { adminUp: boolean; operUp: boolean; operStatus: number };
  PTYS: { speedBytesPerSecond: number };
  PPCNT: { symbolErrors: number; fecCorrectedBlocks: number; fecUncorrectableBlocks: number; linkDownEvents: number };
}

export type RegisterName = keyof Readings;

export interface RegisterRead<N extends RegisterName = RegisterName> {
  readonly name: N;
  readonly id: number;
  /** The ACCESS_REG inbox (header, register_id, register data with its index fields). */
  inbox(): Buffer;
  /** Outbox bytes to ask for: header plus the register. */
  readonly outlen: number;
  decode(data: Buffer): Readings[N];
}

const accessRegIn = layout('access_register_in');
const registerId = accessRegIn.uint('register_id');

/** An ACCESS_REG read of register `id` whose data (laid out as `layoutName`) `index` fills in. */
function accessRegRead(id: number, layoutName: string, index: (data: Buffer) => void): { inbox(): Buffer; outlen: number } {
  const size = layout(layoutName).size;
  return {
    inbox: () => {
      const inbox = newInbox(Opcode.ACCESS_REG, MAILBOX_HEADER_SIZE + size, ACCESS_REG_READ);
      registerId.set(inbox, id);
      index(inbox.subarray(MAILBOX_HEADER_SIZE));
      return inbox;
    },
    outlen: MAILBOX_HEADER_SIZE + size,
  };
}

const signed16 = (v: number): number => (v & 0x8000 ? v - 0x10000 : v);

const mgir = layout('mgir');
const mgirRead: RegisterRead<'MGIR'> = {
  name: 'MGIR',
  id: 0x9020,
  ...accessRegRead(0x9020, 'mgir', () => undefined),
  decode(data) {
    const f = (path: string): number => mgir.uint(`firmware_info.${path}`).get(data);
    // The 8-bit fields cannot hold a sub-minor such as 1002: firmware fills the extended ones.
    const extended = f('extended_major') !== 0 || f('extended_minor') !== 0 || f('extended_sub_minor') !== 0;
    const [major, minor, sub] = extended ? [f('extended_major'), f('extended_minor'), f('extended_sub_minor')] : [f('major'), f('minor'), f('sub_minor')];
    return { firmwareVersion: `${major}.${minor}.${String(sub).padStart(4, '0')}`, psid: mgir.string('firmware_info.psid').get(data).trim() };
  },
};

const msgi = layout('msgi');
const msgiRead: RegisterRead<'MSGI'> = {
  name: 'MSGI',
  id: 0x9021,
  ...accessRegRead(0x9021, 'msgi', () => undefined),
  decode: (data) => ({ partNumber: msgi.string('part_number').get(data).trim() }),
};

const mtmp = layout('mtmp');
const mtmpRead: RegisterRead<'MTMP'> = {
  name: 'MTMP',
  id: 0x900a,
  ...accessRegRead(0x900a, 'mtmp', (data) => mtmp.uint('sensor_index').set(data, ASIC_SENSOR)),
  decode: (data) => ({
    celsius: signed16(mtmp.uint('temperature').get(data)) * MTMP_CELSIUS_PER_UNIT,
    // The high threshold is where the device raises its temperature warning event.
    warningCelsius: signed16(mtmp.uint('temperature_threshold_hi').get(data)) * MTMP_CELSIUS_PER_UNIT,
  }),
};

const PORT_UP = 1;
const paos = layout('paos');
const paosRead: RegisterRead<'PAOS'> = {
  name: 'PAOS',
  id: 0x5006,
  ...accessRegRead(0x5006, 'paos', (data) => paos.uint('local_port').set(data, LOCAL_PORT)),
  decode(data) {
    const operStatus = paos.uint('oper_status').get(data);
    return { adminUp: paos.uint('admin_status').get(data) === PORT_UP, operUp: operStatus === PORT_UP, operStatus };
  },
};

const ptys = layout('ptys');
const ptysRead: RegisterRead<'PTYS'> = {
  name: 'PTYS',
  id: 0x5004,
  ...accessRegRead(0x5004, 'ptys', (data) => {
    ptys.uint('local_port').set(data, LOCAL_PORT);
    ptys.uint('proto_mask').set(data, PROTO_ETHERNET);
  }),
  decode: (data) => ({ speedBytesPerSecond: ptys.uint('data_rate_oper').get(data) * DATA_RATE_UNIT_BYTES_PER_S }),
};

const ppcnt = layout('ppcnt');
const LANES = [0, 1, 2, 3];
const phys = (data: Buffer, name: string): number => Number(ppcnt.u64(`phys_layer_cntrs.${name}`).get(data));
/** RS-FEC and FC-FEC never run together; the inactive code's counters stay zero, so the sum is the active one's. */
const fecBlocks = (data: Buffer, kind: 'corrected' | 'uncorrectable'): number =>
  phys(data, `rs_fec_${kind}_blocks`) + LANES.reduce((sum, lane) => sum + phys(data, `fc_fec_${kind}_blocks_lane${lane}`), 0);

const ppcntRead: RegisterRead<'PPCNT'> = {
  name: 'PPCNT',
  id: 0x5008,
  ...accessRegRead(0x5008, 'ppcnt', (data) => {
    ppcnt.uint('local_port').set(data, LOCAL_PORT);
    ppcnt.uint('grp').set(data, PPCNT_PHYS_LAYER_GROUP);
  }),
  decode: (data) => ({
    symbolErrors: phys(data, 'symbol_errors'),
    fecCorrectedBlocks: fecBlocks(data, 'corrected'),
    fecUncorrectableBlocks: fecBlocks(data, 'uncorrectable'),
    linkDownEvents: ppcnt.uint('phys_layer_cntrs.link_down_events').get(data),
  }),
};

/** Every poll reads these, in this order. */
export const POLLED_REGISTERS: readonly RegisterRead[] = [mgirRead, msgiRead, mtmpRead, paosRead, ptysRead, ppcntRead];
