/**
 * `mlx5ctl DEV cap [--id=<name|num>] [--mode=cur|max] [-B|-H|-P]`: QUERY_HCA_CAP with
 * op_mod = (type << 1) | cur. Hex by default (256 B, the upstream hexdump); -P prints fields by
 * name; -B writes the raw bytes; no --id prints every cap that has a printer under
 * `MLX5_CAP_<NAME>: (0x<type>) (cur|max)`. -j gives the same as JSON.
 */
import { newInbox, outboxSyndrome } from '../../../src/fw/mailbox';
import { Opcode } from '../../../src/fw/opcodes';
import { DeviceCommand, DeviceCommandContext } from '../command';
import { hexdump, Output } from '../output';
import { CAP_DUMP_SIZE, CAPS, CapInfo, capByName, capByType, capLines, capObject } from '../pretty/caps';
import { CommandExit, guard, hex, OptionSpec, parseOptions, parseUint, rpc, writeBinary } from './cli';

const QUERY_HCA_CAP_OUT = 4112;
const CAP_OFFSET = 0x10;

export const CAP_OPTIONS: OptionSpec[] = [
  { long: 'id', short: 'i', arg: 'required' },
  { long: 'mode', short: 'm', arg: 'required' },
  { long: 'bin', short: 'B', arg: 'none' },
  { long: 'hex', short: 'H', arg: 'none' },
  { long: 'pretty', short: 'P', arg: 'none' },
  { long: 'help', short: 'h', arg: 'none' },
];

type Format = 'hex' | 'bin' | 'pretty';

function printCapHelp(out: Output): void {
  out.line('mlx5ctl <device> cap --id=<cap_type> --mode=[cur|max] -[B|H|P]');
  out.line('Query device capabilities, outputs PRM struct of the specific cap type');
  out.line('\t--id=<cap_type> - cap type id or name');
  out.line('\t--mode=[cur|max] - cap mode');
  out.line('\t-B - binary output');
  out.line('\t-H - hex output');
  out.line('\t-P - pretty output');
  out.line('\t-h - help');
  out.line('Supported cap types:');
  for (const c of CAPS) out.line(`\t${c.name} type=${hex(c.type)}`);
}

/** QUERY_HCA_CAP; on a firmware error prints devcaps.c's lines too and returns the status. */
async function queryCap(ctx: DeviceCommandContext, type: number, cur: boolean): Promise<{ cap?: Buffer; status: number }> {
  const opMod = (type << 1) | (cur ? 1 : 0);
  const { outbox, status } = await rpc(ctx, newInbox(Opcode.QUERY_HCA_CAP, 16, opMod), QUERY_HCA_CAP_OUT);
  if (status !== 0) {
    ctx.out.streams.stderr(`query cap (${hex(type)}) failed opcode ${hex(Opcode.QUERY_HCA_CAP)} opmod ${hex(opMod)}\n`);
    ctx.out.streams.stderr(`status: ${hex(status)}\n`);
    ctx.out.streams.stderr(`syndrome: ${hex(outboxSyndrome(outbox))}\n`);
    return { status };
  }
  return { cap: outbox.subarray(CAP_OFFSET, CAP_OFFSET + CAP_DUMP_SIZE), status };
}

function capJson(info: CapInfo | undefined, type: number, cur: boolean, cap: Buffer): Record<string, unknown> {
  const fields = info === undefined ? undefined : capObject(info, cap);
  return {
    cap_type: type,
    name: info?.name ?? null,
    mode: cur ? 'cur' : 'max',
    op_mod: (type << 1) | (cur ? 1 : 0),
    ...(fields !== undefined ? { fields } : {}),
    data: cap.toString('hex'),
  };
}

function resolveType(out: Output, id: string): number {
  const byName = capByName(id);
  if (byName !== undefined) return byName.type;
  // Upstream falls back to strtoul(), which turns an unknown name into 0 (GENERAL); refuse instead.
  const n = parseUint(id);
  if (n === undefined || n > 0x7fff) {
    out.streams.stderr(`Invalid cap type ${id}\n`);
    printCapHelp(out);
    throw new CommandExit(1);
  }
  return n;
}

async function run(ctx: DeviceCommandContext): Promise<number> {
  const { out } = ctx;
  if (ctx.args[0] === 'help') {
    printCapHelp(out);
    return 0;
  }
  const opts = parseOptions(ctx.args, CAP_OPTIONS);
  if (opts.values.has('help')) {
    printCapHelp(out);
    return 0;
  }
  if (opts.positional.length > 0) {
    out.streams.stderr(`Invalid argument ${opts.positional[0]}\n`);
    printCapHelp(out);
    return 1;
  }
  const mode = opts.values.get('mode') ?? 'cur';
  if (mode !== 'cur' && mode !== 'max') {
    out.streams.stderr(`Invalid cap mode ${mode}\n`);
    printCapHelp(out);
    return 1;
  }
  const cur = mode === 'cur';
  const formatFlag = [...opts.order].reverse().find((o) => o === 'bin' || o === 'hex' || o === 'pretty');
  const format: Format = formatFlag === 'bin' ? 'bin' : formatFlag === 'pretty' ? 'pretty' : 'hex';
  const id = opts.values.get('id');

  if (id !== undefined) {
    const type = resolveType(out, id);
    const info = capByType(type);
    const { cap, status } = await queryCap(ctx, type, cur);
    if (cap === undefined) return status;
    if (out.options.json) {
      out.json(capJson(info, type, cur, cap));
      return 0;
    }
    if (format === 'bin') {
      writeBinary(out, cap);
      return 0;
    }
    if (format === 'pretty') {
      if (info?.printer !== undefined) {
        for (const l of capLines(info, cap)) out.line(l);
        return 0;
      }
      out.streams.stderr(`No pretty print function for cap type ${type}\n`);
    }
    out.out(hexdump(cap));
    return 0;
  }

  // No --id: every cap with a printer; a cap the device refuses is reported and skipped.
  const all: Record<string, unknown>[] = [];
  for (const info of CAPS) {
    if (info.printer === undefined) continue;
    const { cap } = await queryCap(ctx, info.type, cur);
    if (cap === undefined) continue;
    if (out.options.json) {
      all.push(capJson(info, info.type, cur, cap));
      continue;
    }
    out.line(`MLX5_CAP_${info.name}: (${hex(info.type)}) (${cur ? 'cur' : 'max'})`);
    for (const l of capLines(info, cap)) out.line(l);
  }
  if (out.options.json) out.json(all);
  return 0;
}

export const capCommand: DeviceCommand = {
  name: 'cap',
  desc: 'Query device caps',
  run: (ctx) => guard(ctx.out, () => printCapHelp(ctx.out), () => run(ctx)),
};
