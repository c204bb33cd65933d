/**
 * MCIA (0x9014): reads of the pluggable module's EEPROM. The cage holds a 400G QSFP-DD passive
 * copper cable (CMIS, identifier 0x18) whose vendor identity says it is simulated (SIM_CABLE); its lower page reports the module's live
 * temperature (the MTMP module sensor) and upper page 00h the vendor identity. Module errors are
 * reported in MCIA.status with a good command status, as firmware does.
 */
import { layout } from '../../../uapi/ifc';
import type { SimState } from '../state';
import { badRegParam } from './access';
import { portOf, PortStatus } from './port_state';
import type { RegisterContext, RegisterDef } from './register';
import { RegSyndrome } from './syndromes';
import { MODULE_SENSOR, temperatureAt } from './thermal';
import { SIM_CABLE } from '../identity';
import { MODULE_VCC } from './pddr_phy';

export const McaStatus = { GOOD: 0x0, NO_EEPROM: 0x1, NOT_CONNECTED: 0x3, I2C_ERROR: 0x9 } as const;
export const CMIS_IDENTIFIER_QSFP_DD = 0x18;
const I2C_ADDR_LOW = 0x50;
const PAGE = 256;
const MAX_BYTES = 128; // mcia_32dwords (advertised in MCAM)

const ascii = (s: string, len: number): Buffer => Buffer.from(s.padEnd(len, ' ').slice(0, len), 'latin1');

/** Upper page 00h (bytes 128..255): CMIS administrative information. */
function upperPage0(): Buffer {
  const p = Buffer.alloc(PAGE);
  p[128] = CMIS_IDENTIFIER_QSFP_DD;
  ascii(SIM_CABLE.vendorName, 16).copy(p, 129);
  Buffer.from(SIM_CABLE.vendorOui).copy(p, 145);
  ascii(SIM_CABLE.partNumber, 16).copy(p, 148);
  ascii(SIM_CABLE.revision, 2).copy(p, 164);
  ascii(SIM_CABLE.serialNumber, 16).copy(p, 166);
  ascii(SIM_CABLE.dateCode, 8).copy(p, 182);
  p[203] = 0x23; // no separable connector (DAC)
  return p;
}

/** Lower page (bytes 0..127): identifier, CMIS 5.0, module ready, live temperature and Vcc. */
function lowerPage(state: SimState): Buffer {
  const p = Buffer.alloc(PAGE);
  p[0] = CMIS_IDENTIFIER_QSFP_DD;
  p[1] = 0x50;
  const up = portOf(state).operStatus === PortStatus.UP;
  p[3] = up ? 0x06 : 0x02; // ModuleReady / ModuleLowPwr
  const uptime = Math.max(0, state.clock.nowMs() - state.bootMs);
  p.writeInt16BE(temperatureAt(MODULE_SENSOR, uptime, up) * 32, 14); // 1/8 °C → 1/256 °C, as MTMP reads it
  p.writeUInt16BE(MODULE_VCC, 16); // 3.3 V in 100 µV units
  p[85] = 0x03; // media type: passive copper
  return p;
}

const mcia = layout('mcia');
const f = {
  module: mcia.uint('module'),
  status: mcia.uint('status'),
  i2c: mcia.uint('i2c_device_address'),
  page: mcia.uint('page_number'),
  address: mcia.uint('device_address'),
  size: mcia.uint('size'),
};
const DATA_AT = 0x10;

function readMcia({ state, data, reply }: RegisterContext): void {
  const address = f.address.get(data);
  const size = f.size.get(data);
  if (size > MAX_BYTES || address + size > PAGE) {
    throw badRegParam(RegSyndrome.MCIA_OUT_OF_PAGE, `MCIA ${size} bytes at ${address} leave the 256-byte page`);
  }
  reply.fill(0, DATA_AT);
  const status = f.module.get(data) !== 0 ? McaStatus.NOT_CONNECTED : f.i2c.get(data) !== I2C_ADDR_LOW ? McaStatus.I2C_ERROR : McaStatus.GOOD;
  f.status.set(reply, status);
  if (status !== McaStatus.GOOD) return;
  const eeprom = Buffer.alloc(PAGE);
  lowerPage(state).copy(eeprom, 0, 0, 128);
  // Other upper pages (01h, 02h, 10h, 11h ...) hold nothing the simulator models: they read as zero.
  if (f.page.get(data) === 0) upperPage0().copy(eeprom, 128, 128, 256);
  eeprom.copy(reply, DATA_AT, address, address + size);
}

export const mciaRegister: RegisterDef = { id: 0x9014, name: 'MCIA', size: 0x94, read: readMcia };
