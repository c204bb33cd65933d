/**
 * PDDR's PHY info page (2) and module latched flags page (9), which `mstlink -m` reads beside the
 * module page. The PHY page tells how the link came up: one Clause 73 negotiation with a link
 * partner of unknown type (a switch port at the far end of the cable), which advertised the same
 * Ethernet modes and FEC codes as this port and asked for RS(544,514), and the PCS locked and
 * aligned on the lanes PTYS's mode drives. The latched flags page is the cable's: a passive copper
 * cable has no transmitter, receiver or laser to raise a flag, and the module's temperature and
 * Vcc (what MCIA reads) stay far inside their thresholds, so nothing is latched.
 */
import { layout } from '../../../uapi/ifc';
import type { SimState } from '../state';
import { EXT_ETH_PROTO_CAP, operMode } from './link_modes';
import { portOf, PortStatus } from './port_state';
import { modeLanes } from './serdes';
import { MODULE_SENSOR, temperatureAt } from './thermal';

/** The module's Vcc in 100 µV units (3.3 V), as MCIA's lower page and PDDR's module page report it. */
export const MODULE_VCC = 33000;

const phyInfo = layout('pddr_phy_info_page');
const latched = layout('pddr_module_latched_flag_info');

/** remote_device_type 0: unknown (a third-party device, or one that does not say). */
const REMOTE_UNKNOWN = 0;
/** negotiation_mask bit 0: an Ethernet base page was exchanged. */
const ETH_BASE_PAGE = 0x1;
/** FEC mode bits: no FEC (0), RS(528,514) (2), RS(544,514) (7). */
const FecBit = { NONE: 1 << 0, RS_528_514: 1 << 2, RS_544_514: 1 << 7 } as const;
/** pcs_phy_state: block lock bits 0-7, AM lock 8-15, FEC lock 16-23, align status bit 24. */
const pcsState = (laneMask: number): number => (laneMask | (laneMask << 8) | (laneMask << 16) | (1 << 24)) >>> 0;

export function phyInfoPage(state: SimState, page: Buffer): void {
  const port = portOf(state);
  const up = port.operStatus === PortStatus.UP;
  const set = (name: string, v: number): void => phyInfo.uint(name).set(page, v >>> 0);
  set('remote_device_type', REMOTE_UNKNOWN);
  if (!up) return;
  const lanes = (1 << modeLanes(operMode(port.extEthProtoAdmin).mode).lanes) - 1;
  set('negotiation_mask', ETH_BASE_PAGE);
  set('num_of_negotiation_attempts', 1);
  set('pcs_phy_state', pcsState(lanes));
  set('lp_proto_enabled', EXT_ETH_PROTO_CAP);
  set('lp_fec_mode_support', FecBit.NONE | FecBit.RS_528_514 | FecBit.RS_544_514);
  set('lp_fec_mode_request', FecBit.RS_544_514);
  set('plu_rx_pwrup', lanes);
  set('plu_tx_pwrup', lanes);
  set('signal_detected', lanes);
  set('sd_valid', 1);
}

/** temp_flags / vcc_flags bits. */
const Flag = { HIGH_ALARM: 1, LOW_ALARM: 2, HIGH_WARNING: 4, LOW_WARNING: 8 } as const;
/** The cable's CMIS thresholds: temperature in °C, Vcc in 100 µV units (3.3 V ± 5 % warns, ± 10 % alarms). */
const TEMP_C = { highAlarm: 75, highWarning: 70, lowWarning: 0, lowAlarm: -5 } as const;
const VCC = { highAlarm: 36300, highWarning: 34650, lowWarning: 31350, lowAlarm: 29700 } as const;

function flags(value: number, t: { highAlarm: number; highWarning: number; lowWarning: number; lowAlarm: number }): number {
  return (value >= t.highAlarm ? Flag.HIGH_ALARM : 0) | (value >= t.highWarning ? Flag.HIGH_WARNING : 0)
    | (value <= t.lowAlarm ? Flag.LOW_ALARM : 0) | (value <= t.lowWarning ? Flag.LOW_WARNING : 0);
}

/**
 * The module's temperature (the MTMP module sensor, as MCIA reads it) and Vcc against the cable's
 * thresholds; the per-lane TX, RX and laser flags stay clear (a passive cable has none to raise),
 * and rx_los_cap is 0: it cannot report loss of signal.
 */
export function moduleLatchedFlagsPage(state: SimState, page: Buffer): void {
  const up = portOf(state).operStatus === PortStatus.UP;
  const uptime = Math.max(0, state.clock.nowMs() - state.bootMs);
  const celsius = temperatureAt(MODULE_SENSOR, uptime, up) / 8;
  latched.uint('temp_flags').set(page, flags(celsius, TEMP_C));
  latched.uint('vcc_flags').set(page, flags(MODULE_VCC, VCC));
  latched.uint('rx_los_cap').set(page, 0);
}
