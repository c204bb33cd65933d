/**
 * SLTP (0x5027, serdes lane transmit parameters), which mstlink reads per lane: the TX FIR taps
 * of one lane of the port's serdes. A ConnectX-7 is a 7nm part, so the page is version 4
 * (prod_7nm). What it reports follows the link PTYS describes: lane_speed is the per-lane rate of
 * the mode the link trains to, the taps are the ones that rate uses (5 at 100G per lane, no pre3
 * at 50G, no pre3/pre2 at 25G and below), and status is valid only for lanes that mode drives
 * while the port is up. Read-only here: TX tuning belongs to the driver and link training.
 * PPCR (port planarization) is here too: mstlink reads it before the lanes.
 */
import { layout } from '../../../uapi/ifc';
import { badRegParam } from './access';
import { ExtLinkMode, LANES, operMode } from './link_modes';
import { LOCAL_PORT, portOf, PortStatus } from './port_state';
import type { RegisterContext, RegisterDef } from './register';
import { RegSyndrome } from './syndromes';

const sltp = layout('sltp');
const field = (name: string) => sltp.uint(name);

/** SLTP version: 4 = prod_7nm (register_access_table.adb's sltp_reg_ext.version enum). */
export const SLTP_VERSION_7NM = 4;

/** lane_speed codes (sltp_reg_ext.lane_speed): the per-lane signalling of a mode. */
export const LaneSpeed = { FDR10_10G: 3, EDR_25G: 5, HDR_50G: 6, NDR_100G: 7, GE_1G: 10 } as const;

/** Per-lane speed and lanes used of each extended mode (SGMII 100M has no code of its own: 1GE's serdes rate). */
const MODE_LANES: ReadonlyMap<number, { speed: number; lanes: number }> = new Map([
  [ExtLinkMode.GAUI_400_4, { speed: LaneSpeed.NDR_100G, lanes: 4 }],
  [ExtLinkMode.GAUI_200_2, { speed: LaneSpeed.NDR_100G, lanes: 2 }],
  [ExtLinkMode.GAUI_100_1, { speed: LaneSpeed.NDR_100G, lanes: 1 }],
  [ExtLinkMode.GAUI_400_8, { speed: LaneSpeed.HDR_50G, lanes: 8 }],
  [ExtLinkMode.GAUI_200_4, { speed: LaneSpeed.HDR_50G, lanes: 4 }],
  [ExtLinkMode.GAUI_100_2, { speed: LaneSpeed.HDR_50G, lanes: 2 }],
  [ExtLinkMode.GAUI_50_1, { speed: LaneSpeed.HDR_50G, lanes: 1 }],
  [ExtLinkMode.CAUI_4_100G, { speed: LaneSpeed.EDR_25G, lanes: 4 }],
  [ExtLinkMode.GAUI_50_2, { speed: LaneSpeed.EDR_25G, lanes: 2 }],
  [ExtLinkMode.GAUI_25_1, { speed: LaneSpeed.EDR_25G, lanes: 1 }],
  [ExtLinkMode.BASE_40G_XLAUI_4, { speed: LaneSpeed.FDR10_10G, lanes: 4 }],
  [ExtLinkMode.BASE_10G_XFI_XAUI_1, { speed: LaneSpeed.FDR10_10G, lanes: 1 }],
  [ExtLinkMode.BASE_1000_X_SGMII, { speed: LaneSpeed.GE_1G, lanes: 1 }],
  [ExtLinkMode.SGMII_100M, { speed: LaneSpeed.GE_1G, lanes: 1 }],
]);

/** Per-lane signalling and lanes of the mode the link trains to (PTYS ext_eth_proto_oper), 100G x 4 if none. */
export function modeLanes(mode: number): { speed: number; lanes: number } {
  return MODE_LANES.get(mode) ?? { speed: LaneSpeed.NDR_100G, lanes: LANES };
}

/**
 * FIR taps in 1/63 units, within the adb's valid ranges (main [34,63], pre1 [-23,0], pre2 [0,8],
 * pre3 [-5,0], post1 [-21,0]) and with magnitudes summing to 63, as the adb requires.
 */
export const FIR_TAPS: Readonly<Record<'100g' | '50g' | 'nrz', { pre3: number; pre2: number; pre1: number; main: number; post1: number }>> = {
  '100g': { pre3: -1, pre2: 2, pre1: -10, main: 48, post1: -2 },
  '50g': { pre3: 0, pre2: 2, pre1: -9, main: 50, post1: -2 },
  nrz: { pre3: 0, pre2: 0, pre1: -6, main: 54, post1: -3 },
};

function tapsFor(speed: number): (typeof FIR_TAPS)['100g'] {
  if (speed === LaneSpeed.NDR_100G) return FIR_TAPS['100g'];
  if (speed === LaneSpeed.HDR_50G) return FIR_TAPS['50g'];
  return FIR_TAPS.nrz;
}

/** A signed tap as the register's 8-bit two's complement field. */
const s8 = (v: number): number => v & 0xff;

function readSltp({ state, data, reply }: RegisterContext): void {
  const port = field('local_port').get(data) | (field('lp_msb').get(data) << 8);
  if (port !== 0 && port !== LOCAL_PORT) throw badRegParam(RegSyndrome.BAD_LOCAL_PORT, `SLTP: local_port ${port} does not exist`);
  const portType = field('port_type').get(data);
  if (portType !== 0) throw badRegParam(RegSyndrome.BAD_FIELD_VALUE, `SLTP port_type ${portType}: the device has no retimer or gearbox, only the network port (0)`);
  const lane = field('lane').get(data);
  if (lane >= LANES) throw badRegParam(RegSyndrome.BAD_LANE, `SLTP lane ${lane}: the port has lanes 0..${LANES - 1}`);
  const link = portOf(state);
  // The mode the link trains to (PTYS ext_eth_proto_oper when up); when down, the one it would.
  const mode = modeLanes(operMode(link.extEthProtoAdmin).mode);
  const up = link.operStatus === PortStatus.UP;
  const taps = tapsFor(mode.speed);
  reply.fill(0);
  field('local_port').set(reply, field('local_port').get(data));
  field('lp_msb').set(reply, field('lp_msb').get(data));
  field('pnat').set(reply, field('pnat').get(data));
  field('lane').set(reply, lane);
  field('version').set(reply, SLTP_VERSION_7NM);
  field('status').set(reply, up && lane < mode.lanes ? 1 : 0);
  field('lane_speed').set(reply, mode.speed);
  field('fir_pre3').set(reply, s8(taps.pre3));
  field('fir_pre2').set(reply, s8(taps.pre2));
  field('fir_pre1').set(reply, s8(taps.pre1));
  field('fir_main').set(reply, s8(taps.main));
  field('fir_post1').set(reply, s8(taps.post1));
}

export const sltpRegister: RegisterDef = { id: 0x5027, name: 'SLTP', size: 0x4c, read: readSltp };

const ppcr = layout('ppcr');

/**
 * PPCR (0x504c, port planarization), which mstlink reads first: the ConnectX-7's Ethernet port is
 * one port on its own lanes, not an aggregate of planes (p_type 0 non-planarized, no planes), and
 * it has no asymmetric-lanes mode. Everything else is InfiniBand planarization or switch-only.
 */
function readPpcr({ data, reply }: RegisterContext): void {
  const port = ppcr.uint('local_port').get(data) | (ppcr.uint('lp_msb').get(data) << 8);
  if (port !== 0 && port !== LOCAL_PORT) throw badRegParam(RegSyndrome.BAD_LOCAL_PORT, `PPCR: local_port ${port} does not exist`);
  reply.fill(0);
  ppcr.uint('local_port').set(reply, ppcr.uint('local_port').get(data));
  ppcr.uint('lp_msb').set(reply, ppcr.uint('lp_msb').get(data));
  ppcr.uint('asymmetry_enable_supported').set(reply, 0);
  ppcr.uint('p_type').set(reply, 0);
  ppcr.uint('num_of_planes').set(reply, 0);
}

export const ppcrRegister: RegisterDef = { id: 0x504c, name: 'PPCR', size: 0x10, read: readPpcr };
