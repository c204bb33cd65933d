/**
 * The RESOURCE_DUMP access register protocol (0xc000), shared by the CLI's `rscdump` and the
 * client library's resourceDump: each ACCESS_REG read returns one chunk (inline, up to 208 B, or
 * written through an mkey), and the request is continued with seq_num, the indexes, more_dump and
 * device_opaque the device returned until more_dump is clear.
 */
import { layout } from '../uapi/ifc';
import { Errno, ErrnoError } from '../uapi/errno';
import { accessRegInbox } from './access_reg';

export const REG_RESOURCE_DUMP = 0xc000;
export const RESOURCE_DUMP_REG_SIZE = 256;
const INLINE_DATA = 0x30;
export const INLINE_MAX = 208;
/** Stop a device that never clears more_dump: 64 MiB of inline data. */
export const MAX_DUMP_ROUNDS = Math.ceil((64 << 20) / INLINE_MAX);

const reg = layout('resource_dump');

export interface ResourceDumpSelector {
  /** segment_type; the menu (0xffff) lists what the device can dump. */
  type: number;
  index1?: number;
  index2?: number;
  vhcaId?: number;
}

/** Where a read's bytes go: inline in the reply, or through `mkey` into `size` bytes at `address`. */
export type DumpMemory = { mkey: number; size: number; address: bigint } | undefined;

export function resourceDumpRequest(selector: ResourceDumpSelector, memory: DumpMemory): Buffer {
  const request = Buffer.alloc(RESOURCE_DUMP_REG_SIZE);
  reg.uint('segment_type').set(request, selector.type);
  reg.uint('index1').set(request, selector.index1 ?? 0);
  reg.uint('index2').set(request, selector.index2 ?? 0);
  reg.uint('vhca_id').set(request, selector.vhcaId ?? 0);
  if (memory === undefined) {
    reg.uint('inline_dump').set(request, 1);
  } else {
    reg.uint('mkey').set(request, memory.mkey);
    reg.uint('size').set(request, memory.size);
    reg.u64('address').set(request, memory.address);
  }
  return request;
}

export const resourceDumpInbox = (request: Buffer): Buffer => accessRegInbox(REG_RESOURCE_DUMP, 0, request);

/** The reply continues the request: its seq_num is 0 or the request's plus one. */
export function replyInSequence(request: Buffer, reply: Buffer): boolean {
  const outSeq = reg.uint('seq_num').get(reply);
  return outSeq === 0 || reg.uint('seq_num').get(request) + 1 === outSeq;
}

export const replySize = (reply: Buffer): number => reg.uint('size').get(reply);
export const replyHasMore = (reply: Buffer): boolean => reg.uint('more_dump').get(reply) !== 0;
export const inlineChunk = (reply: Buffer): Buffer => Buffer.from(reply.subarray(INLINE_DATA, INLINE_DATA + Math.min(replySize(reply), INLINE_MAX)));

/** Continue where the device stopped; segment_type stays what was asked for. */
export function continueRequest(request: Buffer, reply: Buffer): void {
  for (const f of ['seq_num', 'index1', 'index2', 'num_of_obj1', 'num_of_obj2', 'more_dump']) {
    reg.uint(f).set(request, reg.uint(f).get(reply));
  }
  reg.u64('device_opaque').set(request, reg.u64('device_opaque').get(reply));
}

/** Where each read of a dump lands, and how its chunk is taken. */
export interface DumpTarget {
  readonly memory: DumpMemory;
  /** Bytes one read may return. */
  readonly room: number;
  chunk(reply: Buffer): Buffer;
}

/** Reads returned in the reply itself, up to 208 B each. */
export const INLINE_TARGET: DumpTarget = { memory: undefined, room: INLINE_MAX, chunk: inlineChunk };

export interface DumpRound {
  /** 0 for the first read. */
  round: number;
  data: Buffer;
  /** Bytes of the dump so far, this chunk included. */
  total: number;
  /** The device has more to give (false on the last chunk). */
  more: boolean;
}

/** A reply whose seq_num does not continue the request's. */
export class DumpOutOfSequenceError extends ErrnoError {
  constructor(readonly round: number) {
    super(Errno.EREMOTEIO, `resource dump: reply ${round} is out of sequence`);
  }
}

/** A device that kept more_dump set for MAX_DUMP_ROUNDS reads. */
export class DumpEndlessError extends ErrnoError {
  constructor() {
    super(Errno.EIO, `resource dump: the device kept more_dump set after ${MAX_DUMP_ROUNDS} reads`);
  }
}

/**
 * The reads of one dump, in order: each ACCESS_REG through `run` (which returns the outbox or
 * throws: the caller decides how a firmware failure is reported), checked to be in sequence, its
 * chunk taken from `target`, the request continued until the device clears more_dump.
 */
export async function* dumpRounds(
  run: (inbox: Buffer, outlen: number) => Promise<Buffer>,
  selector: ResourceDumpSelector,
  target: DumpTarget,
): AsyncGenerator<DumpRound, void, undefined> {
  const request = resourceDumpRequest(selector, target.memory);
  let total = 0;
  for (let round = 0; round < MAX_DUMP_ROUNDS; round++) {
    const outbox = await run(resourceDumpInbox(request), 16 + RESOURCE_DUMP_REG_SIZE);
    const reply = outbox.subarray(16, 16 + RESOURCE_DUMP_REG_SIZE);
    if (!replyInSequence(request, reply)) throw new DumpOutOfSequenceError(round);
    const data = target.chunk(reply);
    total += data.length;
    const more = replyHasMore(reply);
    yield { round, data, total, more };
    if (!more) return;
    continueRequest(request, reply);
  }
  throw new DumpEndlessError();
}
