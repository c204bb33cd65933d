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
import { fieldsJson, jsonNumber, LogFields, Logger } from './log';
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
  const level = a.errno ? 'warn' : 'info';
  if (logger.logJson) logger.logJson(level, 'rpc', auditJson(session, a));
  else logger.log(level, 'rpc', auditFields(session, a));
}

/** The audit record as log fields (for loggers that keep objects); auditJson is the same, as text. */
export function auditFields(session: SessionView, a: RpcAudit): LogFields {
  const delivered = !a.errno;
  return {
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
  };
}

/** `"session":..,"fw_uid":..,` for one session, made once per session (and again if its UID changes). */
const sessionPrefixes = new WeakMap<SessionView, { fwUid: number; json: string }>();

function sessionPrefix(session: SessionView): string {
  const cached = sessionPrefixes.get(session);
  if (cached !== undefined && cached.fwUid === session.fwUid) return cached.json;
  const json = fieldsJson({
    session: session.id,
    device: session.device.ctlName,
    pid: session.peer.pid,
    uid: session.peer.uid,
    fw_uid: session.fwUid,
  });
  const entry = { fwUid: session.fwUid, json: `${json},` };
  sessionPrefixes.set(session, entry);
  return entry.json;
}

/** `"opcode":"0x..","opcode_name":"..",` per opcode, made once. */
const opcodeMembers = new Map<number, string>();

function opcodeJson(opcode: number): string {
  let json = opcodeMembers.get(opcode);
  if (json === undefined) {
    json = `${fieldsJson({ opcode: `0x${opcode.toString(16)}`, opcode_name: opcodeName(opcode) })},`;
    // Opcodes are 16 bits: the cache cannot grow past what a peer could name.
    opcodeMembers.set(opcode, json);
  }
  return json;
}

/** JSON of a name looked up per RPC (scope, status, errno, register), made once per value. */
function cachedJson(cache: Map<number, string>, key: number, name: (key: number) => string): string {
  let json = cache.get(key);
  if (json === undefined) {
    json = JSON.stringify(name(key));
    // Keys are small enumerations (and register ids, 16 bits): bounded by what a peer can name.
    if (cache.size < 4096) cache.set(key, json);
  }
  return json;
}
const scopeJson = new Map<number, string>();
const statusJson = new Map<number, string>();
const errnoJson = new Map<number, string>();
const registerJson = new Map<number, string>();
const scopeName = (scope: number): string => scopeNames[scope as ScopeValue] ?? String(scope);

/**
 * The audit record's fields as JSON members, the text JSON.stringify(auditFields(...)) gives
 * inside its braces (test/broker/audit.test.ts holds them equal), built from strings made once
 * per session and per opcode, without an object per RPC.
 */
export function auditJson(session: SessionView, a: RpcAudit): string {
  const delivered = !a.errno;
  let out = sessionPrefix(session) + (a.uapi === 'mlx5ctl' ? '"uapi":"mlx5ctl",' : a.uapi === 'fwctl' ? '"uapi":"fwctl",' : `"uapi":${JSON.stringify(a.uapi)},`);
  out += opcodeJson(a.opcode) + '"op_mod":' + jsonNumber(a.opMod);
  if (a.register !== undefined) out += ',"register":' + cachedJson(registerJson, a.register, registerName);
  if (a.write) out += ',"write":true';
  if (a.write && delivered && a.status !== undefined) out += a.status === 0 ? ',"state_changed":true' : ',"state_changed":false';
  out += ',"scope":' + cachedJson(scopeJson, a.scope, scopeName);
  out += a.errno ? ',"result":' + cachedJson(errnoJson, a.errno, errnoName) : ',"result":"delivered"';
  if (a.reason !== undefined) out += ',"reason":' + JSON.stringify(a.reason);
  if (a.limit !== undefined) out += ',"limit":' + jsonNumber(a.limit);
  if (a.status !== undefined) out += ',"status":' + cachedJson(statusJson, a.status, fwStatusName);
  if (a.syndrome !== undefined) out += ',"syndrome":"0x' + a.syndrome.toString(16) + '"';
  if (a.reservedCleared !== undefined) out += ',"reserved_cleared":' + JSON.stringify(a.reservedCleared);
  return out + ',"bytes_in":' + jsonNumber(a.bytesIn) + ',"bytes_out":' + jsonNumber(a.bytesOut) + ',"us":' + jsonNumber(Math.round(a.micros));
}
