/** `devlink region { show | new | del | dump | read | help }` (devlink.c cmd_region). */
import { hasRegionReadWindows } from '../../../src/client/devlink_api';
import { NO_PROGRESS } from '../progress';
import type { RegionInfo, RegionReadRequest } from '../../../src/devlink/types';
import { parseKeywordOptions, regionHandleArgument, u32Argument, u64Argument, deviceHandleArgument } from './argv';
import { commandNotFound, printUsage, requireOptions, withSection, type CommandContext } from './context';
import { printRegionChunk } from './hexdump';
import type { Printer } from './output';

export const REGION_USAGE = [
  'Usage: devlink region show [ DEV/REGION ]',
  '       devlink region del DEV/REGION snapshot SNAPSHOT_ID',
  '       devlink region new DEV/REGION [ snapshot SNAPSHOT_ID ]',
  '       devlink region dump DEV/REGION [ snapshot SNAPSHOT_ID ]',
  '       devlink region read DEV/REGION [ snapshot SNAPSHOT_ID ] address ADDRESS length LENGTH',
];

const SNAPSHOT_REQUIRED: [string, string] = ['snapshot', 'Region snapshot id expected.'];

export async function cmdRegion(ctx: CommandContext): Promise<void> {
  const { args } = ctx;
  if (args.empty) return regionShow(ctx);
  if (args.matches('help')) return printUsage(ctx, REGION_USAGE);
  const subcommands: Array<[string, (ctx: CommandContext) => Promise<void>]> = [
    ['show', regionShow], ['del', regionDel], ['dump', regionDump], ['read', regionRead], ['new', regionNew],
  ];
  const match = subcommands.find(([keyword]) => args.matches(keyword));
  if (!match) commandNotFound(ctx);
  args.skip();
  return match[1](ctx);
}

async function regionShow(ctx: CommandContext): Promise<void> {
  const { args } = ctx;
  let request = {};
  if (args.remaining === 1 && (args.peek() ?? '').split('/').length === 2) {
    // A bare DEV is a dump selector (iproute2 ≥ 6.4 with a kernel that supports it).
    request = { handle: deviceHandleArgument(args) };
  } else if (!args.empty) {
    request = regionHandleArgument(args);
    parseKeywordOptions(args, []);
  }
  await withSection(ctx, 'regions', async () => {
    for (const info of await ctx.api.regionShow(request)) printRegion(ctx.printer, info);
  });
}

/** pr_out_region for a GET reply: size, the snapshot list, max. */
export function printRegion(printer: Printer, info: RegionInfo): void {
  printer.handleStart(`${info.handle}/${info.region}`);
  printer.u64('size', info.size);
  printer.spaceUnlessLineStart();
  if (printer.json) printer.openArray('snapshot');
  else printer.out('snapshot [');
  info.snapshots.forEach((id, index) => {
    if (printer.json) printer.json.literal(String(id));
    else printer.out(`${index ? ' ' : ''}${id}`);
  });
  if (printer.json) printer.closeArray();
  else printer.out(']');
  printer.u64('max', info.maxSnapshots);
  regionHandleEnd(printer);
}

/** pr_out_region for a message carrying one SNAPSHOT_ID (NEW reply, snapshot notifications). */
export function printRegionSnapshot(printer: Printer, handle: string, region: string, snapshotId: number): void {
  printer.handleStart(`${handle}/${region}`);
  printer.spaceUnlessLineStart();
  if (printer.json) {
    printer.openArray('snapshot');
    printer.json.literal(String(snapshotId));
    printer.closeArray();
  } else {
    printer.out(`snapshot ${snapshotId}`);
  }
  regionHandleEnd(printer);
}

/** pr_out_region for a region create/destroy notification (SIZE only). */
export function printRegionSize(printer: Printer, handle: string, region: string, size: number): void {
  printer.handleStart(`${handle}/${region}`);
  printer.u64('size', size);
  regionHandleEnd(printer);
}

function regionHandleEnd(printer: Printer): void {
  if (printer.json) printer.closeObject();
  else printer.out('\n');
}

async function regionDel(ctx: CommandContext): Promise<void> {
  const ref = regionHandleArgument(ctx.args);
  const found = parseKeywordOptions(ctx.args, [{ keyword: 'snapshot', parse: u32Argument }]);
  requireOptions(found, [SNAPSHOT_REQUIRED]);
  await ctx.api.regionDel({ ...ref, snapshotId: found.get('snapshot') ?? 0 });
}

async function regionNew(ctx: CommandContext): Promise<void> {
  const ref = regionHandleArgument(ctx.args);
  const found = parseKeywordOptions(ctx.args, [{ keyword: 'snapshot', parse: u32Argument }]);
  const snapshotId = found.get('snapshot');
  await withSection(ctx, 'regions', async () => {
    const reply = await ctx.api.regionNew(snapshotId === undefined ? ref : { ...ref, snapshotId });
    if (reply.snapshotId !== undefined) printRegionSnapshot(ctx.printer, reply.handle, reply.region, reply.snapshotId);
  });
}

async function regionDump(ctx: CommandContext): Promise<void> {
  const ref = regionHandleArgument(ctx.args);
  const found = parseKeywordOptions(ctx.args, [{ keyword: 'snapshot', parse: u32Argument }]);
  requireOptions(found, [SNAPSHOT_REQUIRED]);
  await readChunks(ctx, 'dump', { ...ref, snapshotId: found.get('snapshot') ?? 0 });
}

async function regionRead(ctx: CommandContext): Promise<void> {
  const ref = regionHandleArgument(ctx.args);
  const found = parseKeywordOptions(ctx.args, [
    { keyword: 'snapshot', parse: u32Argument },
    { keyword: 'address', parse: u64Argument },
    { keyword: 'length', parse: u64Argument },
  ]);
  requireOptions(found, [['address', 'Region address value expected.'], ['length', 'Region length value expected.']]);
  const snapshotId = found.get('snapshot');
  const range = { address: found.get('address') ?? 0, length: found.get('length') ?? 0 };
  // Without a snapshot id devlink asks for a live read of the region (DEVLINK_ATTR_REGION_DIRECT).
  const request: RegionReadRequest = snapshotId === undefined ? { ...ref, ...range, direct: true } : { ...ref, ...range, snapshotId };
  await readChunks(ctx, 'read', request);
}

async function readChunks(ctx: CommandContext, section: string, request: RegionReadRequest): Promise<void> {
  const progress = ctx.progress?.(`${request.handle}/${request.region}`) ?? NO_PROGRESS;
  try {
    await withSection(ctx, section, async () => {
      if (!hasRegionReadWindows(ctx.api)) {
        for (const chunk of await ctx.api.regionRead(request)) printRegionChunk(ctx.printer, chunk);
        return;
      }
      // Each reply window is printed and flushed as it arrives: output streams while reading.
      for await (const window of ctx.api.regionReadWindows(request)) {
        for (const chunk of window.chunks) printRegionChunk(ctx.printer, chunk);
        progress.suspend();
        ctx.printer.flush();
        progress.update(window.done, window.total);
      }
    });
  } finally {
    progress.end();
    if (!ctx.printer.json) ctx.printer.out('\n');
  }
}
