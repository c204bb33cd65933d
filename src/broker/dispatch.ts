/**
 * The ioctl table: command number → handler, as fwctl's IOCTL_OP table. Anything not listed
 * is ENOTTY. Sizes are checked by each handler in its uAPI's own order. dispatchRequest runs a
 * request through it and audits every refusal.
 */
import { MLX5CTLD_ADMIN, MLX5CTLD_CRSPACE, MLX5CTLD_DEVLINK, MLX5CTLD_SIM } from '../uapi/control';
import { FWCTL_INFO, FWCTL_RPC } from '../uapi/fwctl';
import { MLX5CTL_IOCTL_CMDRPC, MLX5CTL_IOCTL_INFO, MLX5CTL_IOCTL_UMEM_REG, MLX5CTL_IOCTL_UMEM_UNREG } from '../uapi/mlx5ctl';
import { adminHandler } from './handlers/admin';
import { crspaceHandler } from './handlers/crspace';
import { devlinkHandler } from './handlers/devlink';
import { fwctlInfoHandler, mlx5ctlInfoHandler } from './handlers/info';
import { cmdrpcHandler, fwctlRpcHandler } from './handlers/rpc';
import { simHandler } from './handlers/sim';
import { umemRegHandler, umemUnregHandler } from './handlers/umem';
import { Errno, ErrnoError, errnoName } from '../uapi/errno';
import { Frame, splitBody } from '../uapi/frame';
import type { Logger, LogFields, LogLevel } from './log';
import { BrokerView, DispatchEntry, SessionView } from './types';

export function buildDispatch(extra: DispatchEntry[] = []): Map<number, DispatchEntry> {
  const entries: DispatchEntry[] = [
    { cmd: MLX5CTL_IOCTL_INFO, name: 'MLX5CTL_IOCTL_INFO', handler: mlx5ctlInfoHandler },
    { cmd: MLX5CTL_IOCTL_CMDRPC, name: 'MLX5CTL_IOCTL_CMDRPC', handler: cmdrpcHandler },
    // The only ioctl that takes an fd: the memfd holding the buffer to register.
    { cmd: MLX5CTL_IOCTL_UMEM_REG, name: 'MLX5CTL_IOCTL_UMEM_REG', handler: umemRegHandler, fds: 1 },
    { cmd: MLX5CTL_IOCTL_UMEM_UNREG, name: 'MLX5CTL_IOCTL_UMEM_UNREG', handler: umemUnregHandler },
    { cmd: FWCTL_INFO, name: 'FWCTL_INFO', handler: fwctlInfoHandler },
    { cmd: FWCTL_RPC, name: 'FWCTL_RPC', handler: fwctlRpcHandler },
    { cmd: MLX5CTLD_ADMIN, name: 'MLX5CTLD_ADMIN', handler: adminHandler },
    { cmd: MLX5CTLD_DEVLINK, name: 'MLX5CTLD_DEVLINK', handler: devlinkHandler },
    { cmd: MLX5CTLD_SIM, name: 'MLX5CTLD_SIM', handler: simHandler },
    { cmd: MLX5CTLD_CRSPACE, name: 'MLX5CTLD_CRSPACE', handler: crspaceHandler },
    ...extra,
  ];
  return new Map(entries.map((e) => [e.cmd, e]));
}

/**
 * The text an error reply carries: the refusal's reason, as the kernel's extack would give it
 * (a C client reading only `result`, as the shim does, never sees it). Capped so a reason can
 * never make a reply large.
 */
export const MAX_REFUSAL_DETAIL = 512;

function refusalDetail(err: ErrnoError): Buffer {
  const text = Buffer.from(err.message, 'utf8');
  return text.length <= MAX_REFUSAL_DETAIL ? text : text.subarray(0, MAX_REFUSAL_DETAIL);
}

/** What one request came to: the reply's result (0 or -errno) and the parts after the header. */
export interface DispatchOutcome {
  result: number;
  parts: Buffer[];
}

export interface IncomingRequest {
  readonly broker: BrokerView;
  readonly session: SessionView;
  readonly frame: Frame;
  /** Refused before it was read (e.g. the broker's fd budget was spent): answered and audited. */
  readonly refusal?: ErrnoError;
  takeFd(): number | undefined;
}

/**
 * A handler's view of the broker's log that notes whether the handler wrote a refusal of its own
 * (a line at warn or error). Handlers with an audit record of their own (rpc, devlink, sim,
 * cr-space) write it at warn when they refuse; the dispatcher then adds nothing, so each request
 * keeps exactly one line.
 */
class RequestLog implements Logger {
  refusalLogged = false;
  constructor(protected readonly inner: Logger) {}

  log(level: LogLevel, event: string, fields?: LogFields): void {
    if (level === 'warn' || level === 'error') this.refusalLogged = true;
    this.inner.log(level, event, fields);
  }
}

/** The same, over a logger that takes pre-serialized fields (the audit record's text path). */
class RequestJsonLog extends RequestLog {
  logJson(level: LogLevel, event: string, fieldsJson: string): void {
    if (level === 'warn' || level === 'error') this.refusalLogged = true;
    this.inner.logJson?.(level, event, fieldsJson);
  }
}

/** The broker as one request's handler sees it: the same broker, logging through `logger`. */
class RequestBroker implements BrokerView {
  constructor(private readonly inner: BrokerView, readonly logger: Logger) {}
  get pins(): BrokerView['pins'] {
    return this.inner.pins;
  }
  get tainted(): boolean {
    return this.inner.tainted;
  }
  get objectQuota(): BrokerView['objectQuota'] {
    return this.inner.objectQuota;
  }
  get sealedFiles(): BrokerView['sealedFiles'] {
    return this.inner.sealedFiles;
  }
  get metrics(): BrokerView['metrics'] {
    return this.inner.metrics;
  }
  status(): ReturnType<BrokerView['status']> {
    return this.inner.status();
  }
  taint(session: SessionView, reason: string): void {
    this.inner.taint(session, reason);
  }
}

/**
 * Runs one request through the table, and is the one place every outcome passes: any non-zero
 * result is audited here at warn (`ioctl`: session, pid, uid, cmd and its name, errno) unless the
 * handler already logged its refusal; a handler that fails with anything but an ErrnoError is a
 * broker fault, logged at error (`handler_failed`) and answered EIO. Unknown ioctls (ENOTTY),
 * orphaned sessions (ENODEV) and malformed argument structs are refused here, before any handler.
 */
export async function dispatchRequest(table: ReadonlyMap<number, DispatchEntry>, incoming: IncomingRequest): Promise<DispatchOutcome> {
  const { session, frame } = incoming;
  const entry = table.get(frame.cmd);
  const log = incoming.broker.logger.logJson ? new RequestJsonLog(incoming.broker.logger) : new RequestLog(incoming.broker.logger);
  try {
    if (incoming.refusal) throw incoming.refusal;
    if (!entry) throw new ErrnoError(Errno.ENOTTY, `unknown ioctl 0x${frame.cmd.toString(16)}`);
    if (session.device.removed) throw new ErrnoError(Errno.ENODEV, 'device removed');
    const { arg, payload } = splitBody(frame.cmd, frame.body);
    const reply = await entry.handler({
      broker: new RequestBroker(incoming.broker, log),
      session,
      cmd: frame.cmd,
      seq: frame.seq,
      arg,
      payload,
      takeFd: incoming.takeFd,
    });
    return { result: 0, parts: reply.parts };
  } catch (err) {
    const fields = {
      session: session.id,
      device: session.device.ctlName,
      pid: session.peer.pid,
      uid: session.peer.uid,
      cmd: `0x${frame.cmd.toString(16)}`,
      cmd_name: entry?.name ?? 'unknown',
    };
    if (!(err instanceof ErrnoError)) {
      log.log('error', 'handler_failed', { ...fields, message: err instanceof Error ? err.stack : String(err) });
      return { result: -Errno.EIO, parts: [] };
    }
    if (!log.refusalLogged) log.log('warn', 'ioctl', { ...fields, result: errnoName(err.errno), message: err.message });
    return { result: -err.errno, parts: [refusalDetail(err)] };
  }
}
