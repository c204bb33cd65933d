/**
 * MLX5CTLD_SIM: fault injection on a simulated device (`mlx5ctl sim DEV ...`). Only sessions
 * allowed DEBUG_WRITE_FULL (root, the broker's own user) may use it; a device that is not
 * simulated answers EOPNOTSUPP. The JSON body is ajv-validated; the reply is `{ok: true, reply}`
 * or `{ok: false, error: {errno, message}}` (result 0) so the CLI can say what was wrong.
 */
import Ajv from 'ajv';
import { FaultRequest, missingFeature } from '../../fw/device';
import { FAULT_KINDS, RECOVERABLE_REPORTERS } from '../../fw/faults';
import { Errno, ErrnoError, errnoName } from '../../uapi/errno';
import { Scope } from '../../uapi/fwctl';
import { decodeControl, encodeControlReply } from '../../uapi/message';
import type { Reply, Request } from '../types';

export type SimRequest = FaultRequest | { op: 'unplug' };

const simSchema = {
  oneOf: [
    {
      type: 'object',
      properties: {
        op: { const: 'inject' },
        fault: { enum: [...FAULT_KINDS] },
        value: { type: 'integer', minimum: 0, maximum: 0xffffffff },
        ext_synd: { type: 'integer', minimum: 0, maximum: 0xffff },
      },
      required: ['op', 'fault', 'value'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: {
        op: { const: 'recover-fail' },
        reporter: { enum: [...RECOVERABLE_REPORTERS] },
        enable: { type: 'boolean' },
      },
      required: ['op', 'reporter', 'enable'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { op: { enum: ['status', 'unplug'] } },
      required: ['op'],
      additionalProperties: false,
    },
  ],
};

const validateSim = new Ajv({ allErrors: false }).compile<SimRequest>(simSchema);

export async function simHandler(req: Request): Promise<Reply> {
  const { json } = decodeControl(req.arg, req.payload);
  if (!validateSim(json)) {
    const first = validateSim.errors?.[0];
    throw new ErrnoError(Errno.EINVAL, `bad sim request: ${first?.instancePath ?? ''} ${first?.message ?? 'invalid'}`);
  }
  const log = (result: string, message?: string): void =>
    req.broker.logger.log(result === 'ok' ? 'info' : 'warn', 'sim', {
      session: req.session.id,
      device: req.session.device.ctlName,
      pid: req.session.peer.pid,
      uid: req.session.peer.uid,
      ...json,
      result,
      message,
    });
  if (req.session.maxScope < Scope.DEBUG_WRITE_FULL) {
    log(errnoName(Errno.EPERM));
    throw new ErrnoError(Errno.EPERM, 'fault injection needs full scope');
  }
  const backend = req.session.device.backend;
  const faults = backend.features.faults;
  if (!faults) {
    const refusal = missingFeature(backend, 'faults');
    log(errnoName(refusal.errno), refusal.message);
    throw refusal;
  }
  let reply: unknown;
  try {
    if (json.op === 'unplug') {
      // Answer first: once removed, this very session gets ENODEV for everything.
      reply = { handle: backend.identity.devlinkHandle, unplugged: req.session.device.ctlName };
      setImmediate(() => req.session.device.remove());
    } else {
      reply = faults.handle(json);
    }
  } catch (error) {
    if (!(error instanceof ErrnoError)) throw error;
    log(errnoName(error.errno), error.message);
    return encoded({ ok: false, error: { errno: error.errno, message: error.message } });
  }
  log('ok');
  return encoded({ ok: true, reply });
}

function encoded(json: unknown): Reply {
  const body = encodeControlReply(json);
  return { parts: [body.subarray(0, 8), body.subarray(8)] };
}
