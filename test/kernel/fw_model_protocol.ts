/**
 * The wire format between the test driver fwctl_mlx5_sim (fwctl_mlx5_sim.c) and the userspace
 * firmware model that serves /dev/fwctl_mlx5_sim_fw, in host byte order: one read() gives a
 * request header and the inbox, one write() answers with a reply header and the outbox.
 */
export const MODEL_DEVICE = '/dev/fwctl_mlx5_sim_fw';
export const REQUEST_MAGIC = 0x514d5746;
export const REPLY_MAGIC = 0x524d5746;
export const HEADER_SIZE = 16;
/** The fwctl core refuses more than 2 MiB either way, so no request is larger. */
export const MAX_REQUEST = HEADER_SIZE + 2 * 1024 * 1024;

export interface ModelRequest {
  id: number;
  inbox: Buffer;
  outLen: number;
}

export function decodeRequest(chunk: Buffer): ModelRequest {
  if (chunk.length < HEADER_SIZE) throw new Error(`model request of ${chunk.length} bytes is shorter than its header`);
  const magic = chunk.readUInt32LE(0);
  if (magic !== REQUEST_MAGIC) throw new Error(`bad model request magic 0x${magic.toString(16)}`);
  const inLen = chunk.readUInt32LE(8);
  if (chunk.length !== HEADER_SIZE + inLen) throw new Error(`model request says ${inLen} inbox bytes, carries ${chunk.length - HEADER_SIZE}`);
  return { id: chunk.readUInt32LE(4), inbox: chunk.subarray(HEADER_SIZE), outLen: chunk.readUInt32LE(12) };
}

/** The answer to request `id`: an outbox, or a negative errno when the command could not run. */
export function encodeReply(id: number, answer: Buffer | { errno: number }): Buffer {
  const outbox = Buffer.isBuffer(answer) ? answer : Buffer.alloc(0);
  const header = Buffer.alloc(HEADER_SIZE);
  header.writeUInt32LE(REPLY_MAGIC, 0);
  header.writeUInt32LE(id, 4);
  header.writeInt32LE(Buffer.isBuffer(answer) ? 0 : -Math.abs(answer.errno), 8);
  header.writeUInt32LE(outbox.length, 12);
  return Buffer.concat([header, outbox]);
}

/** What the driver writes (for the protocol's tests: the model only decodes requests). */
export function encodeRequest(request: ModelRequest): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  header.writeUInt32LE(REQUEST_MAGIC, 0);
  header.writeUInt32LE(request.id, 4);
  header.writeUInt32LE(request.inbox.length, 8);
  header.writeUInt32LE(request.outLen, 12);
  return Buffer.concat([header, request.inbox]);
}
