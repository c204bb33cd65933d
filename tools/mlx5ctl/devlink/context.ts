/** What every devlink command gets: the API, the argv cursor, the printer and the options. */
import type { DevlinkApi } from '../../../src/devlink/api';
import { UsageError, type ArgCursor, type GlobalOptions } from './argv';
import type { Output } from './errors';
import type { Printer } from './output';
import type { Progress } from '../progress';

export interface CommandContext {
  readonly api: DevlinkApi;
  readonly args: ArgCursor;
  readonly printer: Printer;
  readonly out: Output;
  readonly options: GlobalOptions;
  /** Ends `monitor` (the only command that does not finish on its own). */
  readonly signal?: AbortSignal;
  /** A progress bar for long reads (region dump/read); none when not given. */
  readonly progress?: (label: string) => Progress;
}

/** Prints usage lines to stderr (devlink's help goes there) and succeeds. */
export function printUsage(ctx: CommandContext, lines: readonly string[]): void {
  for (const line of lines) ctx.out.stderr(`${line}\n`);
}

/** `Command "x" not found` (devlink returns -ENOENT). */
export function commandNotFound(ctx: CommandContext): never {
  throw new UsageError([`Command "${ctx.args.currentForMessage}" not found`]);
}

/** dl_args_finding_required_validate: the first missing option, in devlink's table order. */
export function requireOptions(found: ReadonlyMap<string, unknown>, required: ReadonlyArray<[string, string]>): void {
  for (const [keyword, message] of required) {
    if (!found.has(keyword)) throw new UsageError([message]);
  }
}

/** Runs a printing section so its JSON wrapper is closed even when the request fails. */
export async function withSection(ctx: CommandContext, name: string, body: () => Promise<void>): Promise<void> {
  ctx.printer.sectionStart(name);
  try {
    await body();
  } finally {
    ctx.printer.sectionEnd();
  }
}
