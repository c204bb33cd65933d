/**
 * resourceDump: a resource dump (RESOURCE_DUMP, src/fw/resource_dump.ts) as an async iterator of
 * its chunks, one per ACCESS_REG read, so a caller can stream a long dump instead of holding it.
 * With `umemBytes` each read lands in a pinned UMEM through an mkey (far fewer reads than the
 * inline 208 B); the PD, UMEM and mkey are released when the iteration ends, however it ends.
 */
import { DumpRound, dumpRounds, DumpTarget, INLINE_TARGET, replySize, ResourceDumpSelector } from '../fw/resource_dump';
import { Errno, ErrnoError } from '../uapi/errno';
import { RSC_SEGMENT } from '../uapi/ifc';
import { Mlx5ctlClient } from './client';
import { createUmemMkey, runCommand, UmemMkey } from './coredump';

export interface ResourceDumpOptions extends Partial<ResourceDumpSelector> {
  /** Dump through a UMEM of this many bytes instead of inline. */
  umemBytes?: number;
}

/** One read of the dump. */
export type ResourceDumpChunk = DumpRound;

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
 * sequence DumpOutOfSequenceError (EREMOTEIO); a device that never clears more_dump
 * DumpEndlessError (EIO) after 64 MiB of inline reads.
 */
export async function* resourceDump(client: Mlx5ctlClient, options: ResourceDumpOptions = {}): AsyncGenerator<ResourceDumpChunk, void, undefined> {
  const selector = checkSelector(options);
  let memory: UmemMkey | undefined;
  if (options.umemBytes !== undefined) {
    if (!Number.isInteger(options.umemBytes) || options.umemBytes <= 0) throw new ErrnoError(Errno.EINVAL, `umemBytes ${options.umemBytes} is not a positive integer`);
    memory = await createUmemMkey(client, options.umemBytes);
  }
  try {
    const target = memory === undefined ? INLINE_TARGET : umemDumpTarget(memory);
    yield* dumpRounds((inbox, outlen) => runCommand(client, inbox, outlen), selector, target);
  } finally {
    await memory?.release();
  }
}

/** Reads written through `memory`'s mkey into its UMEM, each read from its start. */
export function umemDumpTarget(memory: UmemMkey): DumpTarget {
  return {
    memory: { mkey: memory.mkey, size: memory.buffer.length, address: memory.address },
    room: memory.buffer.length,
    chunk: (reply) => memory.buffer.read(0, Math.min(replySize(reply), memory.buffer.length)),
  };
}
