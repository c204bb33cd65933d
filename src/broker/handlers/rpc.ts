/**
 * MLX5CTL_IOCTL_CMDRPC and FWCTL_RPC: firmware RPCs under the session's UID.
 *
 * Each uAPI's own checks come first, in its own order and with its own errnos; then the shared
 * path: scope table (EBADMSG), uid stamping (the client's uid field is always overwritten),
 * reserved bits cleared by the mlx5_ifc layout (named in the audit record), execution, object
 * tracking, audit. Nothing the kernel would deliver is refused for its layout: an op_mod the PRM
 * does not define, or an inbox shorter than its command needs, is the firmware's to answer.
 * Firmware failures are not errors: the outbox (status, syndrome) comes back with result 0.
 */
import { performance } from 'perf_hooks';
import { inboxOpcode, inboxOpMod, MAILBOX_HEADER_SIZE, outboxStatus, outboxSyndrome, setInboxUid } from '../../fw/mailbox';
import { Errno, ErrnoError } from '../../uapi/errno';
import { FWCTL_MAX_RPC_LEN, FWCTL_RPC_MIN_SIZE, fwctlRpc, isScope, Scope, ScopeValue } from '../../uapi/fwctl';
import { clearReservedBits } from '../../uapi/ifc/reserved';
import { MLX5CTL_MAX_RPC_SIZE, MLX5CTL_MIN_RPC_SIZE, mlx5ctlCmdrpc } from '../../uapi/mlx5ctl';
import { checkZeroTail, decodeStruct, encodeStruct } from '../../uapi/struct';
import { auditRpc, RpcAudit } from '../audit';
import { accessRegisterId, inboxMinimumScope, isRegisterWrite } from '../scope_table';
import { isRefusal } from '../object_quota';
import { objectChargeFor, trackRpcResult } from '../tracked_objects';
import { scopeRefusal } from '../scope_refusal';
import { Reply, Request } from '../types';

interface RpcPlan {
  uapi: RpcAudit['uapi'];
  /** The scope the RPC runs under (requested for fwctl; the opcode's own minimum for mlx5ctl). */
  scope: ScopeValue;
  inbox: Buffer;
  outlen: number;
}

/** The shared path once the uAPI-specific checks passed. Returns the outbox. */
async function runRpc(req: Request, plan: RpcPlan, started: number): Promise<Buffer> {
  const { session, broker } = req;
  const opcode = inboxOpcode(plan.inbox);
  // One record per RPC, completed with the outcome and written once (no object per step).
  const record: RpcAudit = {
    uapi: plan.uapi,
    opcode,
    opMod: inboxOpMod(plan.inbox),
    scope: plan.scope,
    register: accessRegisterId(plan.inbox),
    write: isRegisterWrite(plan.inbox),
    bytesIn: plan.inbox.length,
    bytesOut: 0,
    micros: 0,
    reservedCleared: undefined,
  };
  const audit = (): void => {
    record.micros = (performance.now() - started) * 1000;
    auditRpc(broker.logger, session, record, broker.metrics);
  };
  const refuse = (errno: number, why: string): never => {
    record.errno = errno;
    audit();
    throw new ErrnoError(errno, why);
  };

  const needed = inboxMinimumScope(plan.inbox);
  if (needed === undefined || needed > plan.scope) {
    refuse(Errno.EBADMSG, scopeRefusal(plan.inbox, plan.scope, session.maxScope));
  }
  // "Each command header will force this value": the session, not the client, owns the UID.
  setInboxUid(plan.inbox, session.fwUid);
  // The kernel passes reserved bits through and the firmware ignores them; the broker clears
  // them (so the firmware never sees them) and says so in the audit record.
  const cleared = clearReservedBits(opcode, plan.inbox);
  if (cleared.length > 0) record.reservedCleared = cleared.map((f) => f.field);
  // A create's share of the object quota is taken before it runs, so pipelined creates cannot
  // overshoot; ENOMEM is what the kernel reports for the firmware's own LIM_ERR.
  const charge = objectChargeFor(broker.objectQuota, session, opcode);
  if (charge !== undefined && isRefusal(charge)) {
    record.errno = Errno.ENOMEM;
    record.reason = charge.reason;
    record.limit = charge.limit;
    audit();
    throw new ErrnoError(Errno.ENOMEM, `${charge.reason}: at most ${charge.limit} firmware objects`);
  }
  if (plan.scope >= Scope.DEBUG_WRITE) broker.taint(session, `${plan.uapi} scope ${plan.scope} by uid ${session.peer.uid}`);

  let outbox: Buffer;
  try {
    outbox = await session.execute(plan.inbox, plan.outlen, plan.scope);
  } catch (err) {
    charge?.release();
    const errno = err instanceof ErrnoError ? err.errno : Errno.EIO;
    if (!(err instanceof ErrnoError)) {
      // Not a refusal but a failure inside the backend: keep the evidence.
      broker.logger.log('error', 'backend_failed', { session: session.id, opcode: `0x${opcode.toString(16)}`, message: err instanceof Error ? err.stack : String(err) });
    }
    return refuse(errno, `delivery failed: ${String(err)}`);
  }
  session.rpcCount++;
  trackRpcResult(session, opcode, plan.inbox, outbox, charge);
  record.status = outboxStatus(outbox);
  record.syndrome = outboxSyndrome(outbox);
  record.bytesOut = outbox.length;
  audit();
  return outbox;
}

/**
 * Runs a uAPI's own checks; a refusal there is audited like any other (opcode and op_mod read
 * from whatever inbox bytes arrived, 0 when there are none) before the errno goes back.
 */
function auditedPrecheck<T>(req: Request, uapi: RpcAudit['uapi'], scope: number, started: number, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof ErrnoError) {
      const header = req.payload.length >= MAILBOX_HEADER_SIZE ? req.payload : undefined;
      auditRpc(req.broker.logger, req.session, {
        uapi,
        opcode: header ? inboxOpcode(header) : 0,
        opMod: header ? inboxOpMod(header) : 0,
        scope,
        errno: err.errno,
        bytesIn: req.payload.length,
        bytesOut: 0,
        micros: (performance.now() - started) * 1000,
      }, req.broker.metrics);
    }
    throw err;
  }
}

/**
 * MLX5CTL_IOCTL_CMDRPC, V4 order: inlen/outlen outside 16..262144 → EINVAL; an inbox that is not
 * the inlen bytes it claims → EFAULT. The mlx5ctl uAPI has no scope field: the RPC runs at the
 * opcode's minimum scope, allowed up to the session's policy scope.
 */
export async function cmdrpcHandler(req: Request): Promise<Reply> {
  const started = performance.now();
  const outlen = auditedPrecheck(req, 'mlx5ctl', req.session.defaultScope, started, () => {
    if (req.arg.length < mlx5ctlCmdrpc.size) throw new ErrnoError(Errno.EINVAL, 'cmdrpc struct too small');
    const rpc = decodeStruct(mlx5ctlCmdrpc, req.arg);
    const inlen = Number(rpc.inlen);
    const out = Number(rpc.outlen);
    if (inlen < MLX5CTL_MIN_RPC_SIZE || out < MLX5CTL_MIN_RPC_SIZE || inlen > MLX5CTL_MAX_RPC_SIZE || out > MLX5CTL_MAX_RPC_SIZE) {
      throw new ErrnoError(Errno.EINVAL, `inlen ${inlen} / outlen ${out} outside 16..${MLX5CTL_MAX_RPC_SIZE}`);
    }
    if (req.payload.length !== inlen) throw new ErrnoError(Errno.EFAULT, `inbox of ${req.payload.length} bytes, inlen ${inlen}`);
    return out;
  });
  // The frame's body is this request's own copy (FrameParser): the inbox is stamped in place.
  const inbox = req.payload;
  const needed = inboxMinimumScope(inbox);
  const ceiling = req.session.defaultScope;
  const scope = needed !== undefined && needed <= ceiling ? needed : ceiling;
  const outbox = await runRpc(req, { uapi: 'mlx5ctl', scope, inbox, outlen }, started);
  return { parts: [req.arg, outbox] };
}

/**
 * FWCTL_RPC, fwctl core then mlx5 driver order: size < 32 → EINVAL; non-zero unknown tail → E2BIG;
 * in_len/out_len over 2 MiB → EMSGSIZE; unknown scope → EOPNOTSUPP; a scope above what the policy
 * grants this peer → EPERM (the kernel's CAP_SYS_RAWIO check for WRITE_FULL); buffers that are not
 * what they claim → EFAULT; in_len/out_len under the 16-byte header → EMSGSIZE.
 */
export async function fwctlRpcHandler(req: Request): Promise<Reply> {
  const started = performance.now();
  const requested = req.arg.length >= 8 ? req.arg.readUInt32LE(4) : 0;
  const { rpc, scope, outLen } = auditedPrecheck(req, 'fwctl', requested, started, () => {
    if (req.arg.length < FWCTL_RPC_MIN_SIZE) throw new ErrnoError(Errno.EINVAL, 'fwctl_rpc.size too small');
    checkZeroTail(fwctlRpc, req.arg);
    const decoded = decodeStruct(fwctlRpc, req.arg);
    const inLen = Number(decoded.in_len);
    const out = Number(decoded.out_len);
    const s = Number(decoded.scope);
    if (inLen > FWCTL_MAX_RPC_LEN || out > FWCTL_MAX_RPC_LEN) throw new ErrnoError(Errno.EMSGSIZE, 'RPC over 2 MiB');
    if (!isScope(s)) throw new ErrnoError(Errno.EOPNOTSUPP, `unknown scope ${s}`);
    if (s > req.session.maxScope) throw new ErrnoError(Errno.EPERM, `scope ${s} above this peer's ${req.session.maxScope}`);
    if (req.payload.length !== inLen) throw new ErrnoError(Errno.EFAULT, `inbox of ${req.payload.length} bytes, in_len ${inLen}`);
    if (inLen < MAILBOX_HEADER_SIZE || out < MAILBOX_HEADER_SIZE) throw new ErrnoError(Errno.EMSGSIZE, 'RPC shorter than the mailbox header');
    return { rpc: decoded, scope: s, outLen: out };
  });
  const outbox = await runRpc(req, { uapi: 'fwctl', scope, inbox: req.payload, outlen: outLen }, started);
  const arg = Buffer.from(req.arg);
  encodeStruct(fwctlRpc, { ...rpc, out_len: outbox.length }).copy(arg);
  return { parts: [arg, outbox] };
}
