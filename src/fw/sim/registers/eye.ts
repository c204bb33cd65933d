/**
 * SLRG (0x5028, serdes lane receive grade), which `mstlink -e` reads per lane: the receive eye's
 * figures of merit on the 7nm page (version 4, the ConnectX-7's process, as SLTP reports). What it
 * reports follows the link PTYS describes, as SLTP does: only the lanes the trained mode drives
 * have a valid grade while the port is up; PAM4 lanes (50G and 100G per lane) grade their three
 * eyes, NRZ lanes only the composite one. The figures are those of a short passive copper link:
 * open eyes, the middle one a little wider than the outer two, steady from read to read (the
 * grade of a trained link does not move unless the link retrains).
 */
import { layout } from '../../../uapi/ifc';
import { badRegParam } from './access';
import { LANES, operMode } from './link_modes';
import { LOCAL_PORT, portOf, PortStatus } from './port_state';
import type { RegisterContext, RegisterDef } from './register';
import { LaneSpeed, modeLanes, SLTP_VERSION_7NM } from './serdes';
import { RegSyndrome } from './syndromes';

const slrg = layout('slrg');
const field = (name: string) => slrg.uint(name);

/** fom_measurement bits: which eyes the caller asks to be measured. */
export const FomEye = { UPPER: 0x1, MIDDLE: 0x2, LOWER: 0x4, COMPOSITE: 0x8 } as const;
/** fom_mode 0: FOM_MODE_EYEC, the eye-centre figure the firmware reports by default. */
const FOM_MODE_EYEC = 0;
/** fom_meas_type_read: 0 PAM4 (three eyes), 1 NRZ (one composite eye). */
const MeasType = { PAM4: 0, NRZ: 1 } as const;

/** Eye figures in 8-bit FOM units: PAM4's three stacked eyes each get about a third of NRZ's one opening. */
const PAM4_EYES = { upper: 32, mid: 36, lower: 31 } as const;
const NRZ_COMPOSITE = 96;
/** Lane-to-lane spread of the trained eyes (channel and serdes variation), in FOM units. */
const LANE_SPREAD = [0, 2, -1, 1, 0, 2, -1, 1];
/** The initial FOM, taken after the feed-forward equaliser and before the final adaptation, is a few units lower. */
const ADAPTATION_GAIN = 4;

export interface LaneEye {
  pam4: boolean;
  initial: number;
  composite: number;
  /** PAM4 only (0 on NRZ lanes, which have one eye). */
  upper: number;
  mid: number;
  lower: number;
}

/** The eye of `lane` at per-lane signalling `speed`. */
export function laneEye(speed: number, lane: number): LaneEye {
  const pam4 = speed === LaneSpeed.NDR_100G || speed === LaneSpeed.HDR_50G;
  const d = LANE_SPREAD[lane % LANE_SPREAD.length] ?? 0;
  if (!pam4) {
    const composite = NRZ_COMPOSITE + d;
    return { pam4, initial: composite - ADAPTATION_GAIN, composite, upper: 0, mid: 0, lower: 0 };
  }
  const upper = PAM4_EYES.upper + d;
  const mid = PAM4_EYES.mid + d;
  const lower = PAM4_EYES.lower + d;
  // A PAM4 lane's composite figure is its worst eye: the one that sets the error rate.
  const composite = Math.min(upper, mid, lower);
  return { pam4, initial: composite - ADAPTATION_GAIN, composite, upper, mid, lower };
}

function readSlrg({ state, data, reply }: RegisterContext): void {
  const port = field('local_port').get(data) | (field('lp_msb').get(data) << 8);
  if (port !== 0 && port !== LOCAL_PORT) throw badRegParam(RegSyndrome.BAD_LOCAL_PORT, `SLRG: local_port ${port} does not exist`);
  const portType = field('port_type').get(data);
  if (portType !== 0) throw badRegParam(RegSyndrome.BAD_FIELD_VALUE, `SLRG port_type ${portType}: the device has no retimer or gearbox, only the network port (0)`);
  if (field('all_lanes').get(data) !== 0) throw badRegParam(RegSyndrome.BAD_FIELD_VALUE, 'SLRG all_lanes: the all-lanes page is a 5nm one; this device is 7nm');
  const lane = field('lane').get(data);
  if (lane >= LANES) throw badRegParam(RegSyndrome.BAD_LANE, `SLRG lane ${lane}: the port has lanes 0..${LANES - 1}`);
  const link = portOf(state);
  const mode = modeLanes(operMode(link.extEthProtoAdmin).mode);
  const valid = link.operStatus === PortStatus.UP && lane < mode.lanes;
  const asked = field('fom_measurement').get(data);
  reply.fill(0);
  for (const name of ['local_port', 'lp_msb', 'pnat', 'lane', 'fom_measurement']) field(name).set(reply, field(name).get(data));
  field('version').set(reply, SLTP_VERSION_7NM);
  field('status').set(reply, valid ? 1 : 0);
  field('fom_mode').set(reply, FOM_MODE_EYEC);
  if (!valid) return;
  const eye = laneEye(mode.speed, lane);
  field('fom_meas_type_read').set(reply, eye.pam4 ? MeasType.PAM4 : MeasType.NRZ);
  field('initial_fom').set(reply, eye.initial);
  if (asked & FomEye.COMPOSITE) field('last_fom').set(reply, eye.composite);
  // NRZ has one eye: only the composite bit is valid there.
  if (!eye.pam4) return;
  if (asked & FomEye.UPPER) field('upper_eye').set(reply, eye.upper);
  if (asked & FomEye.MIDDLE) field('mid_eye').set(reply, eye.mid);
  if (asked & FomEye.LOWER) field('lower_eye').set(reply, eye.lower);
}

export const slrgRegister: RegisterDef = { id: 0x5028, name: 'SLRG', size: 0x28, read: readSlrg };
