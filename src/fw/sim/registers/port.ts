/**
 * Port registers of the single Ethernet port: PAOS (admin/oper status), PTYS (speeds), PMLP
 * (lane → module mapping). PDDR lives in pddr.ts, PPCNT in ppcnt.ts.
 */
import { layout } from '../../../uapi/ifc';
import { setBits } from '../../../uapi/ifc/bits';
import { badRegParam } from './access';
import { ETH_PROTO_CAP, EXT_ETH_PROTO_CAP, LANES, operMode } from './link_modes';
import { LOCAL_PORT, portOf, PortStatus } from './port_state';
import type { RegisterContext, RegisterDef } from './register';
import { RegSyndrome } from './syndromes';

/**
 * Every port register names the port at bits 0x8/8 (local_port) and 0x12/2 (lp_msb). mlx5ctl's
 * `reg` sends local_port 0 unless given --port, so 0 means "this function's port", as 1 does.
 */
export function checkLocalPort(data: Buffer, name: string): void {
  const port = data.readUInt8(1) | (((data.readUInt8(2) >>> 4) & 0x3) << 8);
  if (port !== 0 && port !== LOCAL_PORT) throw badRegParam(RegSyndrome.BAD_LOCAL_PORT, `${name}: local_port ${port} does not exist`);
}

const paos = layout('paos');
const paosF = { admin: paos.uint('admin_status'), oper: paos.uint('oper_status'), ase: paos.uint('ase'), ee: paos.uint('ee') };

function readPaos({ state, data, reply }: RegisterContext): void {
  checkLocalPort(data, 'PAOS');
  const port = portOf(state);
  paosF.admin.set(reply, port.adminStatus);
  paosF.oper.set(reply, port.operStatus);
  paosF.ase.set(reply, 0);
  paosF.ee.set(reply, 0);
}

/** admin_status takes effect only with ase (admin status enable), as in mlx5_set_port_admin_status. */
function writePaos(ctx: RegisterContext): void {
  const { state, data } = ctx;
  checkLocalPort(data, 'PAOS');
  if (paosF.ase.get(data) === 1) {
    const admin = paosF.admin.get(data);
    if (admin !== PortStatus.UP && admin !== PortStatus.DOWN) throw badRegParam(RegSyndrome.BAD_FIELD_VALUE, `PAOS admin_status ${admin}`);
    portOf(state).setAdminStatus(admin);
  }
  readPaos(ctx);
}

const ptys = layout('ptys');
const PROTO_ETH = 0x4;
/** PTYS fields by name (the layout caches each compiled accessor). */
const ptysSet = (buf: Buffer, name: string, v: number): void => ptys.uint(name).set(buf, v >>> 0);
const ptysGet = (buf: Buffer, name: string): number => ptys.uint(name).get(buf);

/**
 * proto_mask says which protocol's data is valid (bit 0 InfiniBand, 1 NVLink, 2 Ethernet). A read
 * may leave it 0, as mstlink does, for the port's own protocol; a mask that names only protocols
 * this Ethernet port does not run is refused, and a write must name Ethernet.
 */
function checkProto(data: Buffer, write: boolean): void {
  const mask = ptysGet(data, 'proto_mask');
  if ((mask & PROTO_ETH) === 0 && (write || mask !== 0)) {
    throw badRegParam(RegSyndrome.BAD_PROTO_MASK, `PTYS proto_mask ${mask}: the port is Ethernet (0x4)`);
  }
}

function readPtys({ state, data, reply }: RegisterContext): void {
  checkLocalPort(data, 'PTYS');
  checkProto(data, false);
  const port = portOf(state);
  ptysSet(reply, 'proto_mask', PROTO_ETH);
  const up = port.operStatus === PortStatus.UP;
  const oper = up ? operMode(port.extEthProtoAdmin) : { mode: 0, rate: 0 };
  ptysSet(reply, 'an_disable_cap', 1);
  ptysSet(reply, 'an_status', up ? 1 : 4); // 1 AN completed, 4 link down
  ptysSet(reply, 'data_rate_oper', oper.rate);
  ptysSet(reply, 'ext_eth_proto_capability', EXT_ETH_PROTO_CAP);
  ptysSet(reply, 'eth_proto_capability', ETH_PROTO_CAP);
  ptysSet(reply, 'ext_eth_proto_admin', port.extEthProtoAdmin);
  ptysSet(reply, 'eth_proto_admin', ETH_PROTO_CAP);
  ptysSet(reply, 'ext_eth_proto_oper', oper.mode);
  ptysSet(reply, 'eth_proto_oper', 0); // 400G has no legacy bit
  ptysSet(reply, 'connector_type', 7); // direct attach copper
}

function writePtys(ctx: RegisterContext): void {
  const { state, data } = ctx;
  checkLocalPort(data, 'PTYS');
  checkProto(data, true);
  const admin = ptysGet(data, 'ext_eth_proto_admin');
  if (admin === 0 || (admin & ~EXT_ETH_PROTO_CAP) !== 0) {
    throw badRegParam(RegSyndrome.BAD_FIELD_VALUE, `PTYS ext_eth_proto_admin 0x${admin.toString(16)} outside capability`);
  }
  portOf(state).setProtoAdmin(admin);
  readPtys(ctx);
}

/* PMLP (64 B, mlx5_ifc pmlp_reg): width@0x18/8, then lane<i>_module_mapping dwords from byte 4 with
 * rx_lane@4/4, tx_lane@0xc/4, module@0x18/8 inside each. Lanes 0..3 of the 400GAUI-4 link sit on
 * module 0, lanes in order. */
function readPmlp({ data, reply }: RegisterContext): void {
  checkLocalPort(data, 'PMLP');
  setBits(reply, 0x18, 8, LANES);
  for (let lane = 0; lane < LANES; lane++) {
    const base = 0x20 + lane * 32;
    setBits(reply, base + 0x4, 4, lane);
    setBits(reply, base + 0xc, 4, lane);
    setBits(reply, base + 0x18, 8, 0);
  }
}

export const portRegisters: readonly RegisterDef[] = [
  { id: 0x5002, name: 'PMLP', size: 0x40, read: readPmlp },
  { id: 0x5004, name: 'PTYS', size: 0x44, read: readPtys, write: writePtys },
  { id: 0x5006, name: 'PAOS', size: 0x10, read: readPaos, write: writePaos },
];
