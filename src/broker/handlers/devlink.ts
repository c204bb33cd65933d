/**
 * MLX5CTLD_DEVLINK: the devlink family over the session's device: whatever devlink the device
 * fronts (../devlink_front: the kernel's instance of its parent, the simulator's, or none), with
 * the same scopes and audit whichever it is. The JSON body is
 * `{method, body}` (one DevlinkApi method and its request, both ajv-validated); the reply is
 * `{ok: true, reply}` or `{ok: false, error: {errno, extack?}}` with result 0, so the extack
 * reaches the CLI the way netlink's extended ack reaches iproute2. A missing scope is -EPERM,
 * like a netlink command without CAP_NET_ADMIN.
 *
 * Region data travels as binary payload after the JSON: a REGION_READ reply is `{address,
 * length}` plus `length` bytes (the core cuts chunks at 256-byte steps from `address`, so the
 * client can cut them again). A read larger than READ_WINDOW is answered one window at a time
 * with `next: {address, end}` so every reply fits a frame.
 *
 * `monitor` subscribes the session to the device's notifications, pushed as unsolicited frames
 * (seq 0) until `monitorStop` or the session's release, with netlink's overrun rule for a
 * subscriber that falls behind (../monitor.ts).
 */
import Ajv, { JSONSchemaType } from 'ajv';
import { performance } from 'perf_hooks';
import { DEVLINK_METHODS, type DevlinkMethod } from '../../devlink/api';
import { DevlinkError, type DevlinkErrorBody } from '../../devlink/errors';
import { REGION_READ_CHUNK_SIZE } from '../../devlink/region';
import { dispatchDevlinkRequest, validateDevlinkRequest } from '../../devlink/schemas';
import type { RegionChunk, RegionReadRequest } from '../../devlink/types';
import { Errno, ErrnoError, errnoName } from '../../uapi/errno';
import { Scope, type ScopeValue } from '../../uapi/fwctl';
import { mlx5ctldMsg } from '../../uapi/control';
import { decodeControl, encodeControlReplyParts } from '../../uapi/message';
import type { DevlinkFront } from '../devlink_front';
import type { Logger } from '../log';
import { isEventSink, MonitorSubscription, type EventSink } from '../monitor';
import type { Reply, Request, SessionView } from '../types';

/** Bytes of region data in one reply: far below the frame limit, a whole number of chunks. */
export const READ_WINDOW = 1024 * 1024;
/** The owned-object kind that ends a monitor subscription when the session is released. */
const MONITOR_KIND = 'devlink_monitor';

export type MonitorMethod = 'monitor' | 'monitorStop';
export type DevlinkWireMethod = DevlinkMethod | MonitorMethod;

export interface DevlinkEnvelope {
  method: string;
  body?: Record<string, unknown>;
}

const envelopeSchema: JSONSchemaType<DevlinkEnvelope> = {
  type: 'object',
  properties: {
    method: { type: 'string', minLength: 1, maxLength: 64 },
    body: { type: 'object', nullable: true, required: [] },
  },
  required: ['method'],
  additionalProperties: false,
};
const validateEnvelope = new Ajv({ allErrors: false }).compile(envelopeSchema);

/** Commands that change device state need a write scope; the rest only read. */
const WRITE_METHODS: ReadonlySet<string> = new Set<DevlinkMethod>([
  'regionNew', 'regionDel', 'healthSet', 'healthRecover', 'healthDumpClear', 'healthTest', 'paramSet',
]);

export function devlinkMethodScope(method: string): ScopeValue {
  return WRITE_METHODS.has(method) ? Scope.DEBUG_WRITE : Scope.DEBUG_READ_ONLY;
}

function isWireMethod(method: string): method is DevlinkWireMethod {
  return method === 'monitor' || method === 'monitorStop' || (DEVLINK_METHODS as readonly string[]).includes(method);
}

/** Sessions that can send unsolicited frames (the broker's Session does). */
type PushingSession = SessionView & EventSink;

function canPush(session: SessionView): session is PushingSession {
  return isEventSink(session);
}

interface Outcome {
  json: unknown;
  binary?: Buffer;
  error?: DevlinkErrorBody;
}

export async function devlinkHandler(req: Request): Promise<Reply> {
  const started = performance.now();
  const { json } = decodeControl(req.arg, req.payload);
  if (!validateEnvelope(json)) {
    throw new ErrnoError(Errno.EINVAL, `bad devlink request: ${validateEnvelope.errors?.[0]?.message ?? 'invalid'}`);
  }
  const { method } = json;
  const body = json.body ?? {};
  const audit = (result: string, bytesOut: number, extack?: string): void =>
    req.broker.logger.log(result === 'ok' ? 'info' : 'warn', 'devlink', {
      session: req.session.id,
      device: req.session.device.ctlName,
      pid: req.session.peer.pid,
      uid: req.session.peer.uid,
      method,
      handle: typeof body['handle'] === 'string' ? body['handle'] : undefined,
      object: ['region', 'reporter', 'name'].map((key) => body[key]).find((v) => typeof v === 'string'),
      scope: devlinkMethodScope(method),
      result,
      extack,
      bytes_out: bytesOut,
      us: Math.round((performance.now() - started) * 1000),
    });

  if (req.session.maxScope < devlinkMethodScope(method)) {
    audit(errnoName(Errno.EPERM), 0);
    throw new ErrnoError(Errno.EPERM, `devlink ${method} needs scope ${devlinkMethodScope(method)}`);
  }
  const outcome = await serve(req, method, body);
  // The region bytes (outcome.binary) are this reply's own: sent as they are, not copied.
  const parts = encodeControlReplyParts(outcome.json, outcome.binary);
  let bytesOut = -mlx5ctldMsg.size;
  for (const part of parts) bytesOut += part.length;
  audit(outcome.error ? errnoName(outcome.error.errno) : 'ok', bytesOut, outcome.error?.extack);
  return { parts };
}

async function serve(req: Request, method: string, body: Record<string, unknown>): Promise<Outcome> {
  const failed = (error: DevlinkErrorBody): Outcome => ({ json: { ok: false, error }, error });
  if (!isWireMethod(method)) return failed({ errno: Errno.EOPNOTSUPP, extack: `Unknown devlink method "${method}"` });
  const front = req.session.device.devlink;
  if (method === 'monitor' || method === 'monitorStop') {
    if (method === 'monitor') {
      if (front.kind === 'none') return failed({ errno: Errno.ENODEV });
      if (!canPush(req.session)) return failed({ errno: Errno.EOPNOTSUPP, extack: 'This session cannot receive notifications' });
      subscribe(req.session, front, req.broker.logger);
    } else {
      await req.session.objects.remove(MONITOR_KIND, 0)?.destroy();
    }
    return { json: { ok: true, reply: null } };
  }
  if (method === 'regionRead') return readRegion(front, body);
  const result = await dispatchDevlinkRequest(front.api, method, body);
  return result.ok ? { json: { ok: true, reply: result.reply } } : failed(result.error);
}

/** One subscription per session; the owned-object table unsubscribes it on release. */
function subscribe(session: PushingSession, front: DevlinkFront, logger: Logger): void {
  if (session.objects.find(MONITOR_KIND, 0)) return;
  const subscription = new MonitorSubscription(session, logger);
  const unsubscribe = front.subscribe((event) => {
    if (!subscription.deliver(event)) unsubscribe();
  });
  session.objects.add({ kind: MONITOR_KIND, id: 0, pinnedBytes: 0, destroy: async () => void unsubscribe() });
}

async function readRegion(front: DevlinkFront, body: Record<string, unknown>): Promise<Outcome> {
  let request: RegionReadRequest;
  try {
    request = validateDevlinkRequest('regionRead', body);
  } catch (error) {
    if (error instanceof DevlinkError) return { json: { ok: false, error: error.toJSON() }, error: error.toJSON() };
    throw error;
  }
  const { windowed, next } = await windowOf(front, request);
  if (front.regionReadBytes) {
    let bytes: { address: number; data: Buffer };
    try {
      bytes = await front.regionReadBytes(windowed);
    } catch (error) {
      // What dispatchDevlinkRequest makes of a failure: the DevlinkError as it is, anything else EIO.
      const body = error instanceof DevlinkError ? error.toJSON() : { errno: Errno.EIO };
      return { json: { ok: false, error: body }, error: body };
    }
    return { json: { ok: true, reply: { address: bytes.address, length: bytes.data.length }, ...(next ? { next } : {}) }, binary: bytes.data };
  }
  const result = await dispatchDevlinkRequest(front.api, 'regionRead', windowed);
  if (!result.ok) return { json: { ok: false, error: result.error }, error: result.error };
  const chunks = result.reply as RegionChunk[];
  const data = Buffer.concat(chunks.map((chunk) => Buffer.from(chunk.data, 'base64')));
  const address = chunks[0]?.address ?? 0;
  // The client re-cuts at 256-byte steps from `address`; make sure that is what the core did.
  chunks.forEach((chunk, i) => {
    if (chunk.address !== address + i * REGION_READ_CHUNK_SIZE) throw new Error(`region chunk ${i} at ${chunk.address} is not contiguous`);
  });
  return { json: { ok: true, reply: { address, length: data.length }, ...(next ? { next } : {}) }, binary: data };
}

/** Cuts a large valid range to READ_WINDOW bytes; anything else goes to the core unchanged. */
async function windowOf(front: DevlinkFront, request: RegionReadRequest): Promise<{ windowed: RegionReadRequest; next?: { address: number; end: number } }> {
  const size = front.handle === request.handle ? await front.regionSize(request.region) : undefined;
  if (size === undefined) return { windowed: request };
  const ranged = request.address !== undefined && request.length !== undefined;
  const start = ranged ? request.address ?? 0 : 0;
  const end = Math.min(ranged ? start + (request.length ?? 0) : size, size);
  if (start >= end || end - start <= READ_WINDOW) return { windowed: request };
  return {
    windowed: { ...request, address: start, length: READ_WINDOW },
    next: { address: start + READ_WINDOW, end },
  };
}
