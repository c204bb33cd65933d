/** Encoding of control-plane messages: struct mlx5ctld_msg, JSON, then binary payload. */
import { Errno, ErrnoError } from './errno';
import { MAX_CONTROL_JSON, MAX_CONTROL_REPLY_JSON, mlx5ctldMsg } from './control';
import { decodeStruct, encodeStruct, reservedNonZero } from './struct';

export interface ControlMessage {
  json: unknown;
  binary: Buffer;
}

export function encodeControl(json: unknown, binary: Buffer = Buffer.alloc(0)): Buffer {
  const text = Buffer.from(JSON.stringify(json) ?? 'null', 'utf8');
  return Buffer.concat([encodeStruct(mlx5ctldMsg, { json_len: text.length }), text, binary]);
}

/** A broker reply; EMSGSIZE when its JSON is past what clients accept (MAX_CONTROL_REPLY_JSON). */
export function encodeControlReply(json: unknown, binary?: Buffer): Buffer {
  const out = encodeControl(json, binary);
  const jsonLen = out.readUInt32LE(0);
  if (jsonLen > MAX_CONTROL_REPLY_JSON) {
    throw new ErrnoError(Errno.EMSGSIZE, `reply JSON of ${jsonLen} bytes is past the ${MAX_CONTROL_REPLY_JSON}-byte limit`);
  }
  return out;
}

/**
 * Decodes arg + payload of a control frame; bad lengths, reserved bits or JSON → EINVAL.
 * `maxJson` is MAX_CONTROL_JSON for requests (the broker's side), MAX_CONTROL_REPLY_JSON for replies.
 */
export function decodeControl(arg: Buffer, payload: Buffer, maxJson = MAX_CONTROL_JSON): ControlMessage {
  const msg = decodeStruct(mlx5ctldMsg, arg);
  if (reservedNonZero(mlx5ctldMsg, msg)) throw new ErrnoError(Errno.EOPNOTSUPP, 'reserved field set');
  const jsonLen = Number(msg.json_len);
  if (jsonLen > maxJson) throw new ErrnoError(Errno.EMSGSIZE, `JSON body of ${jsonLen} bytes`);
  if (jsonLen > payload.length) throw new ErrnoError(Errno.EFAULT, 'JSON body shorter than json_len');
  let json: unknown;
  try {
    json = JSON.parse(payload.subarray(0, jsonLen).toString('utf8'));
  } catch {
    throw new ErrnoError(Errno.EINVAL, 'JSON body does not parse');
  }
  return { json, binary: payload.subarray(jsonLen) };
}
