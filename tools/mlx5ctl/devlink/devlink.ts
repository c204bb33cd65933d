/**
 * runDevlink: iproute2's `devlink` for devices (show, info, params), ports, regions, health and monitor, over a DevlinkApi.
 * Output is byte-compatible with devlink(8); see /work/shared/reference/devlink.md.
 */
import type { Progress } from '../progress';
import type { DevlinkApi } from '../../../src/devlink/api';
import { ArgCursor, UsageError, parseGlobalOptions } from './argv';
import { printUsage, type CommandContext } from './context';
import { cmdDev } from './dev_cmd';
import { reportError, type Output } from './errors';
import { cmdHealth } from './health_cmd';
import { cmdMonitor } from './monitor_cmd';
import { cmdPort } from './port_cmd';
import { Printer } from './output';
import { cmdRegion } from './region_cmd';

export type { Output } from './errors';

export const DEVLINK_VERSION = 'devlink utility, iproute2-7.2.0';

export const DEVLINK_USAGE = [
  'Usage: devlink [ OPTIONS ] OBJECT { COMMAND | help }',
  'where  OBJECT := { dev | port | monitor | region | health }',
  '       OPTIONS := { -V[ersion] | -n[o-nice-names] | -j[son] | -p[retty] | -v[erbose] -s[tatistics] -[he]x }',
];

export interface RunDevlinkOptions {
  /** Stops `monitor`. */
  signal?: AbortSignal;
  /** Progress bars for long reads (stderr, when it is a terminal). */
  progress?: (label: string) => Progress;
}

type ObjectHandler = ((ctx: CommandContext) => Promise<void>) | undefined;

/**
 * devlink.c's object table in its matching order: a prefix picks the first object it matches
 * (`r` is `resource`, not `region`). Objects mlx5ctl does not implement are recognized so that
 * prefixes resolve the same way, and then refused.
 */
const OBJECTS: Array<[string, ObjectHandler]> = [
  ['dev', cmdDev], ['port', cmdPort], ['sb', undefined], ['monitor', cmdMonitor], ['dpipe', undefined],
  ['resource', undefined], ['region', cmdRegion], ['health', cmdHealth], ['trap', undefined],
];

/** Runs one devlink command line; resolves to the exit code. */
export async function runDevlink(argv: readonly string[], api: DevlinkApi, out: Output, options: RunDevlinkOptions = {}): Promise<number> {
  let parsed: ReturnType<typeof parseGlobalOptions>;
  try {
    parsed = parseGlobalOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    for (const line of [...error.lines, 'Unknown option.', ...DEVLINK_USAGE]) out.stderr(`${line}\n`);
    return 1;
  }
  if (parsed.options.version) {
    out.stdout(`${DEVLINK_VERSION}\n`);
    return 0;
  }
  const printer = new Printer((text) => out.stdout(text), parsed.options.json, parsed.options.pretty);
  const ctx: CommandContext = {
    api, printer, out, options: parsed.options, args: new ArgCursor(parsed.args),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.progress ? { progress: options.progress } : {}),
  };
  let status = 0;
  try {
    await dispatchObject(ctx);
  } catch (error) {
    printer.flush();
    reportError(out, error);
    status = 1;
  } finally {
    // jsonw_destroy runs at exit whatever happened: JSON output always ends with a newline.
    printer.json?.destroy();
    printer.flush();
  }
  return status;
}

async function dispatchObject(ctx: CommandContext): Promise<void> {
  const { args } = ctx;
  if (args.matches('help') || args.empty) return printUsage(ctx, DEVLINK_USAGE);
  const match = OBJECTS.find(([keyword]) => args.matches(keyword));
  if (!match) throw new UsageError([`Object "${args.currentForMessage}" not found`]);
  const handler = match[1];
  if (!handler) throw new UsageError([`Object "${match[0]}" is not supported by mlx5ctl`]);
  args.skip();
  await handler(ctx);
}

