/**
 * PDDR (0x5031, port diagnostics database), the pages mstlink reads for its report, laid out as
 * mstflint 4.33's adb places them: operational info (page 0), troubleshooting (page 1), module
 * info (page 3), and the PHY info (2) and module latched flags (9) pages of pddr_phy.ts. Every
 * value follows the state the other registers report: the link PTYS describes (its mode, lanes
 * and FEC, the ones SLTP and PPCNT describe), PAOS's admin state, and the passive copper cable
 * MCIA reads (identifier, length, vendor strings, live temperature).
 */
import { layout } from '../../../uapi/ifc';
import { SIM_CABLE } from '../identity';
import type { SimState } from '../state';
import { badRegParam } from './access';
import { EXT_ETH_PROTO_CAP, operMode } from './link_modes';
import { checkLocalPort } from './port';
import { MODULE_VCC, moduleLatchedFlagsPage, phyInfoPage } from './pddr_phy';
import { portOf, PortStatus } from './port_state';
import type { RegisterContext, RegisterDef } from './register';
import { LaneSpeed, modeLanes } from './serdes';
import { RegSyndrome } from './syndromes';
import { MODULE_SENSOR, temperatureAt } from './thermal';

const pddr = layout('pddr');
const operational = layout('pddr_operation_info_page');
const troubleshooting = layout('pddr_troubleshooting_page');
const moduleInfo = layout('pddr_module_info');
const PAGE_DATA = 8;

/** page_select values (the adb's enum). */
export const PddrPage = { OPERATIONAL: 0, TROUBLESHOOTING: 1, PHY_INFO: 2, MODULE_INFO: 3, MODULE_LATCHED_FLAGS: 9 } as const;

const PROTO_ETHERNET = 0x4;
const NegMode = { CL73_ETHERNET: 2 } as const;
const PhyMngrFsm = { DISABLED: 0, POLLING: 2, ACTIVE: 3 } as const;
const EthAnFsm = { ENABLE: 0, AN_GOOD: 6 } as const;
/** fec_mode_active: RS(544,514) for PAM4 lanes (50G and 100G per lane), RS(528,514) at 25G NRZ. */
const Fec = { NONE: 0, RS_528_514: 2, RS_544_514: 7 } as const;
/** profile_fec_in_use bit 2: passive copper, short (the 1 m DAC). */
const PROFILE_PASSIVE_COPPER_SHORT = 1 << 2;

export function fecOf(mode: number): number {
  const { speed } = modeLanes(mode);
  if (speed === LaneSpeed.NDR_100G || speed === LaneSpeed.HDR_50G) return Fec.RS_544_514;
  if (speed === LaneSpeed.EDR_25G) return Fec.RS_528_514;
  return Fec.NONE;
}

function operationalPage(state: SimState, page: Buffer): void {
  const port = portOf(state);
  const up = port.operStatus === PortStatus.UP;
  const mode = up ? operMode(port.extEthProtoAdmin).mode : 0;
  const set = (name: string, v: number): void => operational.uint(name).set(page, v >>> 0);
  set('proto_active', PROTO_ETHERNET);
  set('neg_mode_active', up ? NegMode.CL73_ETHERNET : 0);
  set('phy_mngr_fsm_state', up ? PhyMngrFsm.ACTIVE : port.adminStatus === PortStatus.UP ? PhyMngrFsm.POLLING : PhyMngrFsm.DISABLED);
  set('eth_an_fsm_state', up ? EthAnFsm.AN_GOOD : EthAnFsm.ENABLE);
  set('phy_manager_link_eth_enabled', port.extEthProtoAdmin);
  set('core_to_phy_link_eth_enabled', port.extEthProtoAdmin);
  set('cable_ext_eth_proto_cap', EXT_ETH_PROTO_CAP);
  set('link_eth_active', mode);
  set('loopback_mode', 0);
  set('fec_mode_active', up ? fecOf(mode) : 0);
  set('fec_mode_request', up ? fecOf(mode) : 0);
  set('profile_fec_in_use', up ? PROFILE_PASSIVE_COPPER_SHORT : 0);
  set('eth_an_link_enabled', port.extEthProtoAdmin);
}

/** Monitor opcodes (group 0): 0 no issue; 1 the port was closed by command. */
const Monitor = { NO_ISSUE: 0, CLOSED_BY_COMMAND: 1 } as const;

function troubleshootingPage(state: SimState, page: Buffer): void {
  const up = portOf(state).operStatus === PortStatus.UP;
  troubleshooting.uint('group_opcode').set(page, 0);
  troubleshooting.uint('monitor_opcode').set(page, up ? Monitor.NO_ISSUE : Monitor.CLOSED_BY_COMMAND);
  troubleshooting.string('status_message').set(page, up ? 'No issue was observed' : 'Port is closed by command (see PAOS)');
}

/** cable_identifier 6 QSFP_DD, cable_type 3 passive copper, cable_technology 0x0a passive copper unequalized. */
const Cable = { QSFP_DD: 6, PASSIVE_COPPER: 3, PASSIVE_COPPER_UNEQUALIZED: 0x0a, NO_SEPARABLE_CONNECTOR: 0x23, CMIS_5_0: 0x50 } as const;
/** CMIS length byte: multiplier code 01 (1 m units) in bits 7:6, then the value: 1 m. */
const CABLE_LENGTH_1M = (0b01 << 6) | 1;
const ModuleState = { LOW_PWR: 1, READY: 3 } as const;

/** The module page mirrors what MCIA reads from the cable's EEPROM (mcia.ts). */
function moduleInfoPage(state: SimState, page: Buffer): void {
  const up = portOf(state).operStatus === PortStatus.UP;
  const uptime = Math.max(0, state.clock.nowMs() - state.bootMs);
  const set = (name: string, v: number): void => moduleInfo.uint(name).set(page, v >>> 0);
  set('cable_identifier', Cable.QSFP_DD);
  set('cable_type', Cable.PASSIVE_COPPER);
  set('cable_technology', Cable.PASSIVE_COPPER_UNEQUALIZED);
  set('cable_vendor', 0); // Other: not a Mellanox or NVIDIA cable
  set('cable_length', CABLE_LENGTH_1M);
  set('memory_map_rev', Cable.CMIS_5_0);
  set('connector_type', Cable.NO_SEPARABLE_CONNECTOR);
  set('module_st', up ? ModuleState.READY : ModuleState.LOW_PWR);
  // 1/8 °C (MTMP) → 1/256 °C; a signed 16-bit field.
  set('temperature', (temperatureAt(MODULE_SENSOR, uptime, up) * 32) & 0xffff);
  set('voltage', MODULE_VCC);
  moduleInfo.string('vendor_name').set(page, SIM_CABLE.vendorName.padEnd(16, ' '));
  moduleInfo.string('vendor_pn').set(page, SIM_CABLE.partNumber.padEnd(16, ' '));
  moduleInfo.string('vendor_sn').set(page, SIM_CABLE.serialNumber.padEnd(16, ' '));
  // "Aligned to the right, padded with 0h on the left".
  set('vendor_rev', Buffer.from(SIM_CABLE.revision.padStart(4, '\0'), 'latin1').readUInt32BE(0));
  moduleInfo.string('date_code').set(page, SIM_CABLE.dateCode.padEnd(8, ' '));
  set('vendor_oui', (SIM_CABLE.vendorOui[0] << 16) | (SIM_CABLE.vendorOui[1] << 8) | SIM_CABLE.vendorOui[2]);
}

const PAGES: ReadonlyMap<number, (state: SimState, page: Buffer) => void> = new Map([
  [PddrPage.OPERATIONAL, operationalPage],
  [PddrPage.TROUBLESHOOTING, troubleshootingPage],
  [PddrPage.PHY_INFO, phyInfoPage],
  [PddrPage.MODULE_INFO, moduleInfoPage],
  [PddrPage.MODULE_LATCHED_FLAGS, moduleLatchedFlagsPage],
]);

function readPddr({ state, data, reply }: RegisterContext): void {
  checkLocalPort(data, 'PDDR');
  const page = pddr.uint('page_select').get(data);
  const fill = PAGES.get(page);
  if (!fill) throw badRegParam(RegSyndrome.BAD_PDDR_PAGE, `PDDR page_select ${page} not supported`);
  const body = reply.subarray(PAGE_DATA);
  body.fill(0);
  fill(state, body);
}

export const pddrRegister: RegisterDef = { id: 0x5031, name: 'PDDR', size: 0x100, read: readPddr };
