/**
 * One audit record per RPC, delivered or refused: who (session, pid, uid, firmware uid), what
 * (opcode, op_mod, scope; for ACCESS_REG the register and whether it was a write), the outcome
 * (errno or firmware status and syndrome), the bytes moved and the time it took in microseconds.
 * A register write the firmware accepted is marked `state_changed`: fwctl lets writes through at
 * any scope, so this line is what tells an operator that a session changed device state.
 * Reserved inbox bits the broker cleared before execution are named in `reserved_cleared`.
 * The same record feeds the metrics observer, when there is one, so what Prometheus counts is
 * what the audit log says.
 */
import { opcodeName } from '../fw/opcodes';
import { fwStatusName } from '../fw/status';
import { errnoName } from '../uapi/errno';
import { REGISTERS } from '../uapi/ifc/opcodes';
import { scopeNames, ScopeValue } from '../uapi/fwctl';
import type { MetricsObserver } from '../metrics/observer';
import { Logger } from './log';
import { SessionView } from './types';

export interface RpcAudit {
  /** `broker`: the broker's own reads under its own session (metrics polling, session 0). */
  uapi: 'mlx5ctl' | 'fwctl' | 'broker';
  opcode: number;
  opMod: number;
  scope: ScopeValue | number;
  /** ACCESS_REG / ACCESS_REGISTER_USER: the register_id. */
  register?: number;
  /** The access writes the register (op_mod 0, not a dump register). */
  write?: boolean;
  /** Positive errno when the RPC was not delivered. */
  errno?: number;
  /** Which limit refused it (`objects_per_session`, ...), with the limit. */
  reason?: string;
  limit?: number;
  status?: number;
  syndrome?: number;
  /** Reserved fields of the inbox that had bits set and were cleared before execution. */
  reservedCleared?: readonly string[];
  bytesIn: number;
  bytesOut: number;
  micros: number;
}

const registerName = (id: number): string => REGISTERS.get(id)?.name ?? `0x${id.toString(16)}`;

export function auditRpc(logger: Logger, session: SessionView, a: RpcAudit, observer?: MetricsObserver): void {
  observer?.rpc(
    session.device,
    opcodeName(a.opcode),
    a.errno ? { delivered: false, errno: errnoName(a.errno) } : { delivered: true, status: fwStatusName(a.status ?? 0) },
    a.micros,
  );
  const delivered = !a.errno;
  logger.log(a.errno ? 'warn' : 'info', 'rpc', {
    session: session.id,
    device: session.device.ctlName,
    pid: session.peer.pid,
    uid: session.peer.uid,
    fw_uid: session.fwUid,
    uapi: a.uapi,
    opcode: `0x${a.opcode.toString(16)}`,
    opcode_name: opcodeName(a.opcode),
    op_mod: a.opMod,
    register: a.register === undefined ? undefined : registerName(a.register),
    write: a.write || undefined,
    state_changed: a.write && delivered && a.status !== undefined ? a.status === 0 : undefined,
    scope: scopeNames[a.scope as ScopeValue] ?? String(a.scope),
    result: a.errno ? errnoName(a.errno) : 'delivered',
    reason: a.reason,
    limit: a.limit,
    status: a.status === undefined ? undefined : fwStatusName(a.status),
    syndrome: a.syndrome === undefined ? undefined : `0x${a.syndrome.toString(16)}`,
    reserved_cleared: a.reservedCleared,
    bytes_in: a.bytesIn,
    bytes_out: a.bytesOut,
    us: Math.round(a.micros),
  });
}
