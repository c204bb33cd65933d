/**
 * PPLM (0x5023, port FEC) and PMAOS (0x5012, module state), which mstlink reads for --show_fec
 * and -m. PPLM's active FEC is the one PDDR reports for the link PTYS trains to; the overrides it
 * offers per speed are the FECs the simulated serdes runs at that lane rate (RS(544,514) on
 * 100G-per-lane PAM4, RS(528,514) or none at 25G NRZ, Firecode or none below), and none is set
 * (auto). PMAOS: the one cage holds the cable MCIA reads, enabled and plugged.
 */
import { layout } from '../../../uapi/ifc';
import { badRegParam } from './access';
import { operMode } from './link_modes';
import { fecOf } from './pddr';
import { checkLocalPort } from './port';
import { portOf, PortStatus } from './port_state';
import type { RegisterContext, RegisterDef } from './register';
import { RegSyndrome } from './syndromes';

const pplm = layout('pplm');

/** fec_override_cap bits (the adb's per-speed enums). */
const NO_FEC = 1 << 0;
const FIRECODE = 1 << 1;
const RS_528_514 = 1 << 2;
const RS_544_514 = 1 << 7;

/** Override capabilities per speed field; speeds whose fields list only FECs the serdes lacks stay 0. */
const FEC_OVERRIDE_CAP: Readonly<Record<string, number>> = {
  fec_override_cap_10g_40g: NO_FEC | FIRECODE,
  fec_override_cap_25g: NO_FEC | FIRECODE | RS_528_514,
  fec_override_cap_50g: NO_FEC | FIRECODE | RS_528_514,
  fec_override_cap_100g: NO_FEC | RS_528_514,
  fec_override_cap_100g_1x: RS_544_514,
  fec_override_cap_200g_2x: RS_544_514,
  fec_override_cap_400g_4x: RS_544_514,
};

function readPplm({ state, data, reply }: RegisterContext): void {
  checkLocalPort(data, 'PPLM');
  const portType = pplm.uint('port_type').get(data);
  if (portType !== 0) throw badRegParam(RegSyndrome.BAD_FIELD_VALUE, `PPLM port_type ${portType}: the device has only the network port (0)`);
  const port = portOf(state);
  reply.fill(0);
  for (const name of ['local_port', 'lp_msb', 'pnat', 'plane_ind']) pplm.uint(name).set(reply, pplm.uint(name).get(data));
  const up = port.operStatus === PortStatus.UP;
  pplm.uint('fec_mode_active').set(reply, up ? 1 << fecOf(operMode(port.extEthProtoAdmin).mode) : 0);
  for (const [name, cap] of Object.entries(FEC_OVERRIDE_CAP)) pplm.uint(name).set(reply, cap);
}

const pmaos = layout('pmaos');
const ModuleAdmin = { ENABLED: 1 } as const;
const ModuleOper = { PLUGGED_ENABLED: 1 } as const;
/** The port's single QSFP-DD cage. */
const MODULES = 1;

function readPmaos({ data, reply }: RegisterContext): void {
  const module = pmaos.uint('module').get(data);
  const slot = pmaos.uint('slot_index').get(data);
  if (module >= MODULES || slot !== 0) throw badRegParam(RegSyndrome.BAD_FIELD_VALUE, `PMAOS module ${module} slot ${slot}: the device has module 0 only`);
  reply.fill(0);
  pmaos.uint('module').set(reply, module);
  pmaos.uint('admin_status').set(reply, ModuleAdmin.ENABLED);
  pmaos.uint('oper_status').set(reply, ModuleOper.PLUGGED_ENABLED);
  pmaos.uint('e').set(reply, pmaos.uint('e').get(data));
}

export const fecModuleRegisters: readonly RegisterDef[] = [
  { id: 0x5012, name: 'PMAOS', size: 0x10, read: readPmaos },
  { id: 0x5023, name: 'PPLM', size: 0x80, read: readPplm },
];
