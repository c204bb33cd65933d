/** `devlink health { show | set | recover | diagnose | dump show | dump clear | test | help }`. */
import { uptime } from 'node:os';
import { hasStrayEnd } from '../../../src/devlink/fmsg';
import type { FmsgNode, HealthSetRequest, ReporterInfo, ReporterRef } from '../../../src/devlink/types';
import { strerror } from '../../../src/uapi/errno';
import {
  boolArgument, deviceOrPortHandleArgument, parseKeywordOptions, stringArgument, u64Argument, type ArgCursor,
} from './argv';
import { commandNotFound, printUsage, requireOptions, withSection, type CommandContext } from './context';
import { printFmsg } from './fmsg_print';
import type { Printer } from './output';

const REPORTER_REF = '{ DEV | DEV/PORT_INDEX } reporter REPORTER_NAME';

export const HEALTH_USAGE = [
  `Usage: devlink health show [ ${REPORTER_REF} ]`,
  `       devlink health recover ${REPORTER_REF}`,
  `       devlink health diagnose ${REPORTER_REF}`,
  `       devlink health test ${REPORTER_REF}`,
  `       devlink health dump show ${REPORTER_REF}`,
  `       devlink health dump clear ${REPORTER_REF}`,
  `       devlink health set ${REPORTER_REF}`,
  '                          [ grace_period MSEC ]',
  '                          [ burst_period MSEC ]',
  '                          [ auto_recover { true | false } ]',
  '                          [ auto_dump    { true | false } ]',
];

const REPORTER_REQUIRED: [string, string] = ['reporter', "Reporter's name is expected."];

export async function cmdHealth(ctx: CommandContext): Promise<void> {
  const { args } = ctx;
  if (args.matches('help')) return printUsage(ctx, HEALTH_USAGE);
  if (args.matches('show') || args.matches('list') || args.empty) {
    args.skip();
    return healthShow(ctx);
  }
  const subcommands: Array<[string, (ctx: CommandContext) => Promise<void>]> = [
    ['recover', healthRecover], ['diagnose', healthDiagnose], ['test', healthTest],
  ];
  const match = subcommands.find(([keyword]) => args.matches(keyword));
  if (match) {
    args.skip();
    return match[1](ctx);
  }
  if (args.matches('dump')) {
    args.skip();
    if (args.matches('show') || args.empty) {
      args.skip();
      return healthDumpShow(ctx);
    }
    if (args.matches('clear')) {
      args.skip();
      return healthDumpClear(ctx);
    }
    commandNotFound(ctx);
  }
  if (args.matches('set')) {
    args.skip();
    return healthSet(ctx);
  }
  commandNotFound(ctx);
}

/** `{ DEV | DEV/PORT } reporter NAME`, plus any extra keywords of the command. */
function parseReporter<T>(
  args: ArgCursor,
  extra: ReadonlyArray<{ keyword: string; parse: (cursor: ArgCursor) => T }> = [],
): { ref: ReporterRef; found: Map<string, T | string> } {
  const target = deviceOrPortHandleArgument(args);
  const found = parseKeywordOptions<T | string>(args, [{ keyword: 'reporter', parse: stringArgument }, ...extra]);
  requireOptions(found, [REPORTER_REQUIRED]);
  return { ref: { ...target, reporter: String(found.get('reporter')) }, found };
}

async function healthShow(ctx: CommandContext): Promise<void> {
  const { args } = ctx;
  let request = {};
  if (args.remaining === 1) {
    // A bare DEV or DEV/PORT is a dump selector.
    request = deviceOrPortHandleArgument(args);
  } else if (!args.empty) {
    request = parseReporter(args).ref;
  }
  await withSection(ctx, 'health', async () => {
    for (const info of await ctx.api.healthShow(request)) printReporter(ctx.printer, info);
  });
}

/** pr_out_health */
export function printReporter(printer: Printer, info: ReporterInfo): void {
  if (info.port !== undefined) printer.portHandleStartArray(info.handle, info.port);
  else printer.handleStartArray(info.handle);
  printer.checkIndentNewline();
  printer.anyString('reporter', `reporter ${info.reporter}`, info.reporter);
  if (!printer.json) {
    printer.newline();
    printer.indentInc();
  }
  printer.checkIndentNewline();
  const state = info.state === 'healthy' || info.state === 'error' ? info.state : '<unknown state>';
  printer.anyString('state', `state ${state}`, state);
  printer.u64('error', info.error);
  printer.u64('recover', info.recover);
  if (info.dumpTsNs !== undefined) printDumpTime(printer, new Date(Number(BigInt(info.dumpTsNs) / 1_000_000n)));
  else if (info.dumpTs !== undefined) printDumpTime(printer, bootRelativeDate(info.dumpTs));
  if (info.gracePeriod !== undefined) printer.u64('grace_period', info.gracePeriod);
  if (info.burstPeriod !== undefined) printer.u64('burst_period', info.burstPeriod);
  if (info.autoRecover !== undefined) printer.anyBool('auto_recover', ` auto_recover ${info.autoRecover}`, info.autoRecover);
  if (info.autoDump !== undefined) printer.anyBool('auto_dump', ` auto_dump ${info.autoDump}`, info.autoDump);
  printer.indentDec();
  printer.handleEnd();
}

/** pr_out_dump_reporter_format_logtime: DUMP_TS is ms since boot. */
function bootRelativeDate(dumpTsMs: number): Date {
  const nowSec = Math.floor(Date.now() / 1000);
  return new Date((nowSec - Math.floor(uptime()) + Math.floor(dumpTsMs / 1000)) * 1000);
}

/** strftime %Y-%m-%d and %H:%M:%S in local time. */
function printDumpTime(printer: Printer, when: Date): void {
  const two = (value: number): string => String(value).padStart(2, '0');
  const date = `${when.getFullYear()}-${two(when.getMonth() + 1)}-${two(when.getDate())}`;
  const time = `${two(when.getHours())}:${two(when.getMinutes())}:${two(when.getSeconds())}`;
  printer.checkIndentNewline();
  printer.anyString('last_dump_date', `last_dump_date ${date}`, date);
  printer.anyString('last_dump_time', ` last_dump_time ${time}`, time);
}

async function healthSet(ctx: CommandContext): Promise<void> {
  const { ref, found } = parseReporter<number | boolean>(ctx.args, [
    { keyword: 'grace_period', parse: u64Argument },
    { keyword: 'burst_period', parse: u64Argument },
    { keyword: 'auto_recover', parse: boolArgument },
    { keyword: 'auto_dump', parse: boolArgument },
  ]);
  const request: HealthSetRequest = { ...ref };
  const grace = found.get('grace_period');
  const burst = found.get('burst_period');
  const autoRecover = found.get('auto_recover');
  const autoDump = found.get('auto_dump');
  if (typeof grace === 'number') request.gracePeriod = grace;
  if (typeof burst === 'number') request.burstPeriod = burst;
  if (typeof autoRecover === 'boolean') request.autoRecover = autoRecover;
  if (typeof autoDump === 'boolean') request.autoDump = autoDump;
  await ctx.api.healthSet(request);
}

async function healthRecover(ctx: CommandContext): Promise<void> {
  await ctx.api.healthRecover(parseReporter(ctx.args).ref);
}

async function healthDumpClear(ctx: CommandContext): Promise<void> {
  await ctx.api.healthDumpClear(parseReporter(ctx.args).ref);
}

async function healthTest(ctx: CommandContext): Promise<void> {
  await ctx.api.healthTest(parseReporter(ctx.args).ref);
}

async function healthDiagnose(ctx: CommandContext): Promise<void> {
  printHealthFmsg(ctx, await ctx.api.healthDiagnose(parseReporter(ctx.args).ref));
}

async function healthDumpShow(ctx: CommandContext): Promise<void> {
  printHealthFmsg(ctx, await ctx.api.healthDumpShow(parseReporter(ctx.args).ref));
}

/**
 * cmd_fmsg_object_cb's failure on a stray NEST_END (see hasStrayEnd) sets no errno: iproute2's
 * _mnlg_socket_recv_run prints `kernel answers: Success` and returns -errno, so it exits 0.
 */
function printHealthFmsg(ctx: CommandContext, tree: FmsgNode): void {
  printFmsg(ctx.printer, tree, { hex: ctx.options.hex });
  if (hasStrayEnd(tree)) ctx.out.stderr(`kernel answers: ${strerror(0)}\n`);
}
