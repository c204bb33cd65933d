/**
 * resourceDump: a resource dump (RESOURCE_DUMP, src/fw/resource_dump.ts) as an async iterator of
 * its chunks, one per ACCESS_REG read, so a caller can stream a long dump instead of holding it.
 * With `umemBytes` each read lands in a pinned UMEM through an mkey (far fewer reads than the
 * inline 208 B); the PD, UMEM and mkey are released when the iteration ends, however it ends.
 */
import {
  continueRequest,
  inlineChunk,
  MAX_DUMP_ROUNDS,
  replyHasMore,
  replyInSequence,
  replySize,
  RESOURCE_DUMP_REG_SIZE,
  resourceDumpInbox,
  resourceDumpRequest,
  ResourceDumpSelector,
} from '../fw/resource_dump';
import { Errno, ErrnoError } from '../uapi/errno';
import { RSC_SEGMENT } from '../uapi/ifc';
import { Mlx5ctlClient } from './client';
import { createUmemMkey, runCommand, UmemMkey } from './coredump';

export interface ResourceDumpOptions extends Partial<ResourceDumpSelector> {
  /** Dump through a UMEM of this many bytes instead of inline. */
  umemBytes?: number;
}

export interface ResourceDumpChunk {
  /** 0 for the first read. */
  round: number;
  data: Buffer;
  /** Bytes of the dump so far, this chunk included. */
  total: number;
  /** The device has more to give (false on the last chunk). */
  more: boolean;
}

function checkSelector(options: ResourceDumpOptions): ResourceDumpSelector {
  const check = (value: number | undefined, what: string, max: number): number => {
    const v = value ?? 0;
    if (!Number.isInteger(v) || v < 0 || v > max) throw new ErrnoError(Errno.EINVAL, `${what} ${v} is not an integer in 0..${max}`);
    return v;
  };
  return {
    type: check(options.type ?? RSC_SEGMENT.MENU, 'segment type', 0xffff),
    index1: check(options.index1, 'index1', 0xffffffff),
    index2: check(options.index2, 'index2', 0xffffffff),
    vhcaId: check(options.vhcaId, 'vhca_id', 0xffff),
  };
}

/**
 * The dump's chunks in order. A firmware refusal throws FirmwareCommandError; a reply out of
 * sequence EREMOTEIO; a device that never clears more_dump EIO after 64 MiB of inline reads.
 */
export async function* resourceDump(client: Mlx5ctlClient, options: ResourceDumpOptions = {}): AsyncGenerator<ResourceDumpChunk, void, undefined> {
  const selector = checkSelector(options);
  let memory: UmemMkey | undefined;
  if (options.umemBytes !== undefined) {
    if (!Number.isInteger(options.umemBytes) || options.umemBytes <= 0) throw new ErrnoError(Errno.EINVAL, `umemBytes ${options.umemBytes} is not a positive integer`);
    memory = await createUmemMkey(client, options.umemBytes);
  }
  try {
    const target = memory === undefined ? undefined : { mkey: memory.mkey, size: memory.buffer.length, address: memory.address };
    const request = resourceDumpRequest(selector, target);
    let total = 0;
    for (let round = 0; round < MAX_DUMP_ROUNDS; round++) {
      const out = await runCommand(client, resourceDumpInbox(request), 16 + RESOURCE_DUMP_REG_SIZE);
      const reply = out.subarray(16, 16 + RESOURCE_DUMP_REG_SIZE);
      if (!replyInSequence(request, reply)) throw new ErrnoError(Errno.EREMOTEIO, `resource dump: reply ${round} is out of sequence`);
      const data = memory === undefined ? inlineChunk(reply) : memory.buffer.read(0, Math.min(replySize(reply), memory.buffer.length));
      total += data.length;
      const more = replyHasMore(reply);
      yield { round, data, total, more };
      if (!more) return;
      continueRequest(request, reply);
    }
    throw new ErrnoError(Errno.EIO, `resource dump: the device kept more_dump set after ${MAX_DUMP_ROUNDS} reads`);
  } finally {
    await memory?.release();
  }
}
