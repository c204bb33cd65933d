/**
 * Port PHY registers `mstlink -c` and `-m` read besides PDDR: PMDR (which module lanes the port
 * drives, the same map PMLP reports), PPAOS (no PHY test mode; the RX PHY follows PAOS), PMPT
 * (module PRBS: the passive copper cable has no PRBS generator or checker, so the module reports
 * "not supported", as firmware does for a DAC) and PRTL (round-trip latency of the 1 m link).
 * All read-only: test modes and PRBS are the driver's and a test's business, not a tools UID's.
 */
import { layout } from '../../../uapi/ifc';
import { badRegParam } from './access';
import { LANES } from './link_modes';
import { checkLocalPort } from './port';
import { LOCAL_PORT, portOf, PortStatus } from './port_state';
import type { RegisterContext, RegisterDef } from './register';
import { SLTP_VERSION_7NM } from './serdes';
import { RegSyndrome } from './syndromes';

/** The port's single QSFP-DD cage holds module 0. */
const MODULE = 0;

const pmdr = layout('pmdr');
const PmdrStatus = { VALID: 1 } as const;

/** PMDR: the port is label port 1 on module 0, logical lane i on physical lane i (as PMLP maps them). */
function readPmdr({ data, reply }: RegisterContext): void {
  checkLocalPort(data, 'PMDR');
  const set = (name: string, v: number): void => pmdr.uint(name).set(reply, v);
  reply.fill(0);
  for (const name of ['local_port', 'lp_msb', 'pnat', 'plane_ind']) set(name, pmdr.uint(name).get(data));
  set('status', PmdrStatus.VALID);
  set('version', SLTP_VERSION_7NM);
  set('gb_valid', 0);
  set('pport', LOCAL_PORT);
  set('module', MODULE);
  set('module_lane_mask', (1 << LANES) - 1);
  set('label_port_query', LOCAL_PORT);
  for (let lane = 0; lane < LANES; lane++) {
    set(`lane${lane}_physical_rx`, lane);
    set(`lane${lane}_physical_tx`, lane);
  }
}

const ppaos = layout('ppaos');
/** phy_status: the RX PHY is up when aligned, down by command when PAOS closed the port. */
const PhyStatus = { DOWN: 0, UP: 1, DOWN_BY_COMMAND: 2 } as const;

function readPpaos({ state, data, reply }: RegisterContext): void {
  checkLocalPort(data, 'PPAOS');
  const portType = ppaos.uint('port_type').get(data);
  if (portType !== 0) throw badRegParam(RegSyndrome.BAD_FIELD_VALUE, `PPAOS port_type ${portType}: the device has only the network port (0)`);
  const port = portOf(state);
  reply.fill(0);
  for (const name of ['local_port', 'lp_msb', 'swid', 'plane_ind']) ppaos.uint(name).set(reply, ppaos.uint(name).get(data));
  ppaos.uint('phy_test_mode_admin').set(reply, 0);
  ppaos.uint('phy_test_mode_status').set(reply, 0);
  const phy = port.operStatus === PortStatus.UP ? PhyStatus.UP : port.adminStatus !== PortStatus.UP ? PhyStatus.DOWN_BY_COMMAND : PhyStatus.DOWN;
  ppaos.uint('phy_status').set(reply, phy);
}

const pmpt = layout('pmpt');
/** status 1: the module is not connected or has no PRBS and diagnostics (a passive cable). */
const PMPT_NO_MODULE_PRBS = 1;

function readPmpt({ data, reply }: RegisterContext): void {
  const module = pmpt.uint('module').get(data);
  const slot = pmpt.uint('slot_index').get(data);
  if (module !== MODULE || slot !== 0) throw badRegParam(RegSyndrome.BAD_FIELD_VALUE, `PMPT module ${module} slot ${slot}: the device has module 0 only`);
  reply.fill(0);
  for (const name of ['module', 'host_media', 'lane_mask', 'ch_ge', 'modulation']) pmpt.uint(name).set(reply, pmpt.uint(name).get(data));
  pmpt.uint('status').set(reply, PMPT_NO_MODULE_PRBS);
}

const prtl = layout('prtl');
/** The PHY pipeline (PCS, RS-FEC and the serdes) of 400GBASE-R, transmit and receive, in ns. */
export const LOCAL_PHY_LATENCY_NS = 120;
/** Signal propagation over the 1 m twinax, one way, in ns (about 0.7 c). */
const CABLE_LATENCY_NS = 5;
const LATENCY_ACCURACY_NS = 8;

/** PRTL: RTT supported; the round trip crosses both ends' PHY pipelines and the cable twice (the peer's PHY taken as ours). */
function readPrtl({ state, data, reply }: RegisterContext): void {
  checkLocalPort(data, 'PRTL');
  const up = portOf(state).operStatus === PortStatus.UP;
  reply.fill(0);
  for (const name of ['local_port', 'lp_msb', 'pnat', 'plane_ind']) prtl.uint(name).set(reply, prtl.uint(name).get(data));
  prtl.uint('rtt_support').set(reply, 1);
  prtl.uint('latency_res').set(reply, 1);
  prtl.uint('latency_accuracy').set(reply, LATENCY_ACCURACY_NS);
  prtl.uint('local_phy_latency').set(reply, LOCAL_PHY_LATENCY_NS);
  // A passive cable has no datapath: "0 if the information is not available on the plugged module".
  prtl.uint('local_mod_dp_latency').set(reply, 0);
  prtl.uint('round_trip_latency').set(reply, up ? 2 * LOCAL_PHY_LATENCY_NS + 2 * CABLE_LATENCY_NS : 0);
}

export const phyRegisters: readonly RegisterDef[] = [
  { id: 0x5014, name: 'PRTL', size: 0x20, read: readPrtl },
  { id: 0x503c, name: 'PMDR', size: 0x48, read: readPmdr },
  { id: 0x5040, name: 'PPAOS', size: 0x10, read: readPpaos },
  { id: 0x5064, name: 'PMPT', size: 0x1c, read: readPmpt },
];
