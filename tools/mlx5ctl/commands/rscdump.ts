/**
 * `mlx5ctl DEV rscdump [--type=0xT] [--idx1=0xN] [--idx2=0xN] [--vhcaid=N]`: an inline resource
 * dump through ACCESS_REG RESOURCE_DUMP (0xc000), up to 208 B per read, continued with
 * seq_num/more_dump/device_opaque until the device says it is done, then printed segment by
 * segment (rscdump.c). The default type is the menu (0xffff). `--umem=KB` dumps into pinned user
 * memory instead: ALLOC_PD → UMEM_REG → CREATE_MKEY, then each read writes up to KB of the dump
 * through the mkey (`[i] Resource dump:` progress per read), then teardown. Upstream exits 0 even
 * when a read fails; here a firmware failure exits with its status, after printing what was
 * collected.
 */
import { createUmemMkey } from '../../../src/client/coredump';
import { umemDumpTarget } from '../../../src/client/resource_dump';
import { DumpEndlessError, DumpOutOfSequenceError, dumpRounds, DumpTarget, INLINE_TARGET, MAX_DUMP_ROUNDS } from '../../../src/fw/resource_dump';
import { RSC_SEGMENT } from '../../../src/uapi/ifc';
import type { Progress } from '../progress';
import { explainedNoUmem } from './umem_modes';
import { DeviceCommand, DeviceCommandContext } from '../command';
import { Output } from '../output';
import { dumpLines } from '../pretty/rscdump';
import { parseResourceDump, ResourceDump } from '../../../src/fw/resource_dump_parse';
import { CommandExit, guard, jsonSafe, parseUint, rpc } from './cli';

const EREMOTEIO = 121;
const EIO = 5;
const USAGE = '[--umem=<size KB>] [--type=<type>] [--idx1=<index1>] [--idx2=<index2>] [--vhcaid=<vhca_id>] [--help]';

interface Args {
  type: number;
  index1: number;
  index2: number;
  vhcaId: number;
  /** umem mode: the buffer size in KB. */
  umemKb?: number;
}

/** Where each read's bytes land: inline in the reply, or in the UMEM through an mkey. */

function parseArgs(out: Output, argv: string[]): Args | number {
  const args: Args = { type: RSC_SEGMENT.MENU, index1: 0, index2: 0, vhcaId: 0 };
  const num = (text: string, what: string, max: number): number => {
    const n = parseUint(text);
    if (n === undefined || n > max) {
      out.streams.stderr(`Invalid ${what} ${text}\n`);
      throw new CommandExit(1);
    }
    return n;
  };
  for (const a of argv) {
    const value = a.slice(a.indexOf('=') + 1);
    if (a.startsWith('--umem=')) args.umemKb = num(value, 'umem size', 64 * 1024);
    else if (a.startsWith('--type=')) args.type = num(value, 'type', 0xffff);
    else if (a.startsWith('--idx1=')) args.index1 = num(value, 'index1', 0xffffffff);
    else if (a.startsWith('--idx2=')) args.index2 = num(value, 'index2', 0xffffffff);
    else if (a.startsWith('--vhcaid=')) args.vhcaId = num(value, 'vhca_id', 0xffff);
    else if (a === '--help' || a === '-h' || a === 'help') {
      out.line(`Usage: rscdump ${USAGE}`);
      return 0;
    } else {
      out.line(`Unknown argument ${a}`);
      out.line(`Usage: rscdump ${USAGE}`);
      return 1;
    }
  }
  return args;
}



/** Reads the whole dump, with a progress bar for long ones (inline mode moves 208 B per RPC). */
async function collect(ctx: DeviceCommandContext, args: Args, target: DumpTarget): Promise<{ data: Buffer; error?: number }> {
  const progress = ctx.out.progress('rscdump');
  try {
    return await collectRounds(ctx, args, target, progress);
  } finally {
    progress.end();
  }
}

/** A round's firmware failure, already printed by rpc(): its status is the command's exit code. */
class RoundFailed extends Error {
  constructor(readonly status: number) {
    super(`status 0x${status.toString(16)}`);
  }
}

/** The RPC rounds of a dump; `error` is the exit status of a failed round, if any. */
async function collectRounds(ctx: DeviceCommandContext, args: Args, target: DumpTarget, progress: Progress): Promise<{ data: Buffer; error?: number }> {
  const run = async (inbox: Buffer, outlen: number): Promise<Buffer> => {
    const { outbox, status } = await rpc(ctx, inbox, outlen);
    if (status !== 0) throw new RoundFailed(status);
    return outbox;
  };
  const chunks: Buffer[] = [];
  const collected = (error?: number): { data: Buffer; error?: number } => ({ data: Buffer.concat(chunks), ...(error === undefined ? {} : { error }) });
  try {
    for await (const { round, data, total, more } of dumpRounds(run, { type: args.type, index1: args.index1, index2: args.index2, vhcaId: args.vhcaId }, target)) {
      chunks.push(data);
      if (args.umemKb !== undefined && !ctx.out.options.json) {
        progress.suspend();
        ctx.out.line(`[${round}] Resource dump:`);
        ctx.out.line(`collected ${data.length} bytes, remain ${target.room - data.length} bytes, total ${total}, has_more ${more ? 1 : 0}`);
      }
      progress.update(total);
    }
    return collected();
  } catch (err) {
    if (err instanceof RoundFailed) {
      progress.end();
      ctx.out.error(`MLX5_REG_RESOURCE_DUMP: Failed to access err ${err.status}`);
      ctx.out.error(`Resource dump: Failed to access err -${EIO}`);
      return collected(err.status);
    }
    if (err instanceof DumpOutOfSequenceError) {
      ctx.out.error(`Resource dump: Failed to access err -${EREMOTEIO}`);
      return collected(EREMOTEIO);
    }
    if (err instanceof DumpEndlessError) {
      ctx.out.error(`Resource dump: device kept more_dump set after ${MAX_DUMP_ROUNDS} reads`);
      return collected(EIO);
    }
    throw err;
  }
}

async function run(ctx: DeviceCommandContext): Promise<number> {
  const { out } = ctx;
  const args = parseArgs(out, ctx.args);
  if (typeof args === 'number') return args;
  if (!out.options.json) {
    out.line(`umem ${args.umemKb ?? 0}, type 0x${args.type.toString(16)}, index1 0x${args.index1.toString(16)}, index2 0x${args.index2.toString(16)}, vhca_id=0x${args.vhcaId.toString(16)}`);
  }
  let result: { data: Buffer; error?: number };
  if (args.umemKb === undefined) {
    result = await collect(ctx, args, INLINE_TARGET);
  } else {
    let memory;
    try {
      memory = await createUmemMkey(ctx.client, args.umemKb * 1024);
    } catch (err) {
      if (explainedNoUmem(ctx, 'rscdump', 'run it without --umem: the inline mode works on every device', err)) return 1;
      throw err;
    }
    try {
      result = await collect(ctx, args, umemDumpTarget(memory));
    } finally {
      await memory.release();
    }
  }
  const { data, error } = result;
  if (data.length === 0) return error ?? 0;
  const dump = parseResourceDump(data);
  if (out.options.json) {
    out.json({
      umem: args.umemKb ?? 0,
      type: args.type,
      index1: args.index1,
      index2: args.index2,
      vhca_id: args.vhcaId,
      ...jsonSafeDump(dump),
      ...(error !== undefined ? { error } : {}),
    });
    return error ?? 0;
  }
  for (const l of dumpLines(dump)) {
    if (l.info !== undefined) out.info(l.info);
    else if (l.line !== undefined) out.line(l.line);
    else if (l.raw !== undefined) out.out(l.raw);
    else if (l.error !== undefined) out.error(l.error);
  }
  return error ?? 0;
}

function jsonSafeDump(dump: ResourceDump): Record<string, unknown> {
  return {
    size: dump.size,
    info: jsonSafe(dump.info),
    command: jsonSafe(dump.command),
    segments: dump.segments.map((s) => ({
      offset: s.offset,
      segment_type: s.type,
      length: s.length,
      ...('fields' in s ? { fields: jsonSafe(s.fields) } : {}),
      ...(s.kind === 'menu' ? { records: jsonSafe(s.records) } : {}),
      ...(s.kind === 'resource' ? { payload: s.payload.toString('hex') } : {}),
      ...(s.truncated ? { truncated: true } : {}),
    })),
    ...(dump.overflow !== undefined ? { overflow: dump.overflow } : {}),
  };
}

export const rscdumpCommand: DeviceCommand = {
  name: 'rscdump',
  desc: 'Dump resources',
  run: (ctx) => guard(ctx.out, () => out(ctx.out), () => run(ctx)),
};

function out(o: Output): void {
  o.line(`Usage: rscdump ${USAGE}`);
}
