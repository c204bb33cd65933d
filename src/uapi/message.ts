/** Encoding of control-plane messages: struct mlx5ctld_msg, JSON, then binary payload. */
import { Errno, ErrnoError } from './errno';
import { MAX_CONTROL_JSON, MAX_CONTROL_REPLY_JSON, mlx5ctldMsg } from './control';
import { decodeStruct, reservedNonZero } from './struct';

export interface ControlMessage {
  json: unknown;
  binary: Buffer;
}

const NO_BINARY = Buffer.alloc(0);
const JSON_LEN_AT = fieldOffset('json_len');

function fieldOffset(name: string): number {
  const f = mlx5ctldMsg.fields.find((x) => x.name === name);
  if (!f) throw new Error(`${mlx5ctldMsg.name} has no ${name}`);
  return f.offset;
}

/**
 * struct mlx5ctld_msg and the JSON text in one buffer, `room` bytes left after them: the text is
 * written in place (no Buffer of it, no struct buffer, no concatenation).
 */
function controlHead(json: unknown, room: number): Buffer {
  const text = JSON.stringify(json) ?? 'null';
  const jsonLen = Buffer.byteLength(text, 'utf8');
  const out = Buffer.allocUnsafe(mlx5ctldMsg.size + jsonLen + room);
  out.fill(0, 0, mlx5ctldMsg.size);
  out.writeUInt32LE(jsonLen, JSON_LEN_AT);
  out.write(text, mlx5ctldMsg.size, 'utf8');
  return out;
}

export function encodeControl(json: unknown, binary: Buffer = NO_BINARY): Buffer {
  const out = controlHead(json, binary.length);
  binary.copy(out, out.length - binary.length);
  return out;
}

function checkReplyJson(jsonLen: number): void {
  if (jsonLen > MAX_CONTROL_REPLY_JSON) {
    throw new ErrnoError(Errno.EMSGSIZE, `reply JSON of ${jsonLen} bytes is past the ${MAX_CONTROL_REPLY_JSON}-byte limit`);
  }
}

/** A broker reply; EMSGSIZE when its JSON is past what clients accept (MAX_CONTROL_REPLY_JSON). */
export function encodeControlReply(json: unknown, binary?: Buffer): Buffer {
  const out = encodeControl(json, binary);
  checkReplyJson(out.readUInt32LE(JSON_LEN_AT));
  return out;
}

/**
 * encodeControlReply's bytes as frame parts: the struct and JSON, then `binary` itself, not copied
 * (the caller hands over a buffer nothing changes before it is sent).
 */
export function encodeControlReplyParts(json: unknown, binary?: Buffer): Buffer[] {
  const head = controlHead(json, 0);
  checkReplyJson(head.readUInt32LE(JSON_LEN_AT));
  return binary !== undefined && binary.length > 0 ? [head, binary] : [head];
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
