/**
 * The RESOURCE_DUMP access register protocol (0xc000), shared by the CLI's `rscdump` and the
 * client library's resourceDump: each ACCESS_REG read returns one chunk (inline, up to 208 B, or
 * written through an mkey), and the request is continued with seq_num, the indexes, more_dump and
 * device_opaque the device returned until more_dump is clear.
 */
import { layout } from '../uapi/ifc';
import { accessRegInbox } from './access_reg';

export const REG_RESOURCE_DUMP = 0xc000;
export const RESOURCE_DUMP_REG_SIZE = 256;
const INLINE_DATA = 0x30;
export const INLINE_MAX = 208;
/** Stop a device that never clears more_dump: 64 MiB of inline data. */
export const MAX_DUMP_ROUNDS = (64 << 20) / INLINE_MAX;

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
