/**
 * One audit record per RPC, delivered or refused: who (session, pid, uid, firmware uid), what
 * (opcode, op_mod, scope), the outcome (errno or firmware status and syndrome), the bytes moved
 * and the time it took in microseconds. The same record feeds the metrics observer, when there
 * is one, so what Prometheus counts is what the audit log says.
 */
import { opcodeName } from '../fw/opcodes';
import { fwStatusName } from '../fw/status';
import { errnoName } from '../uapi/errno';
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
  /** Positive errno when the RPC was not delivered. */
  errno?: number;
  status?: number;
  syndrome?: number;
  bytesIn: number;
  bytesOut: number;
  micros: number;
}

export function auditRpc(logger: Logger, session: SessionView, a: RpcAudit, observer?: MetricsObserver): void {
  observer?.rpc(
    session.device,
    opcodeName(a.opcode),
    a.errno ? { delivered: false, errno: errnoName(a.errno) } : { delivered: true, status: fwStatusName(a.status ?? 0) },
    a.micros,
  );
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
    scope: scopeNames[a.scope as ScopeValue] ?? String(a.scope),
    result: a.errno ? errnoName(a.errno) : 'delivered',
    status: a.status === undefined ? undefined : fwStatusName(a.status),
    syndrome: a.syndrome === undefined ? undefined : `0x${a.syndrome.toString(16)}`,
    bytes_in: a.bytesIn,
    bytes_out: a.bytesOut,
    us: Math.round(a.micros),
  });
}
