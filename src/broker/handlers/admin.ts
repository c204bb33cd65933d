/**
 * MLX5CTLD_ADMIN: the broker's own operations (live status). JSON body validated by ajv.
 * Only sessions allowed DEBUG_WRITE_FULL (root, the broker's own user) may use it: status lists
 * every session's pid and uid.
 */
import Ajv, { JSONSchemaType } from 'ajv';
import { Errno, ErrnoError } from '../../uapi/errno';
import { Scope } from '../../uapi/fwctl';
import { decodeControl, encodeControlReply } from '../../uapi/message';
import { Reply, Request } from '../types';

export interface AdminRequest {
  op: 'status';
}

const adminSchema: JSONSchemaType<AdminRequest> = {
  type: 'object',
  properties: { op: { type: 'string', enum: ['status'] } },
  required: ['op'],
  additionalProperties: false,
};

const validateAdmin = new Ajv({ allErrors: false }).compile(adminSchema);

export function adminHandler(req: Request): Reply {
  const { json } = decodeControl(req.arg, req.payload);
  if (!validateAdmin(json)) {
    throw new ErrnoError(Errno.EINVAL, `bad admin request: ${validateAdmin.errors?.[0]?.message ?? 'invalid'}`);
  }
  if (req.session.maxScope < Scope.DEBUG_WRITE_FULL) throw new ErrnoError(Errno.EPERM, 'admin requests need full scope');
  const status = req.broker.status();
  const body = encodeControlReply(status);
  return { parts: [body.subarray(0, 8), body.subarray(8)] };
}
