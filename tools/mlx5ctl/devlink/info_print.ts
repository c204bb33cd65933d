/** `devlink dev info` (devlink.c cmd_dev_info, pr_out_info, pr_out_versions_single). */
import type { DevInfo, InfoVersion } from '../../../src/devlink/types';
import { deviceHandleArgument, parseKeywordOptions } from './argv';
import { withSection, type CommandContext } from './context';
import type { Printer } from './output';

export async function devInfo(ctx: CommandContext): Promise<void> {
  const request = ctx.args.empty ? {} : { handle: deviceHandleArgument(ctx.args) };
  parseKeywordOptions(ctx.args, []);
  await withSection(ctx, 'info', async () => {
    for (const info of await ctx.api.devInfo(request)) printDevInfo(ctx.printer, info);
  });
}

/** cmd_versions_show_cb: a device whose driver reported nothing prints nothing. */
export function printDevInfo(printer: Printer, info: DevInfo): void {
  const { fixed, running, stored } = info.versions;
  const hasVersions = fixed.length + running.length + stored.length > 0;
  const hasInfo = info.driver !== undefined || info.serialNumber !== undefined || info.boardSerialNumber !== undefined || hasVersions;
  if (!hasInfo) return;
  printer.handleStart(info.handle);
  printer.indentInc();
  const line = (key: string, value: string | undefined): void => {
    if (value === undefined) return;
    if (!printer.json) printer.newline();
    printer.checkIndentNewline();
    printer.anyString(key, `${key} ${value}`, value);
  };
  line('driver', info.driver);
  line('serial_number', info.serialNumber);
  line('board.serial_number', info.boardSerialNumber);
  printer.indentDec();
  if (hasVersions) {
    printer.objectStart('versions');
    printVersions(printer, 'fixed', fixed);
    printVersions(printer, 'running', running);
    printVersions(printer, 'stored', stored);
    printer.objectEnd();
  }
  printer.handleEnd();
}

function printVersions(printer: Printer, name: string, versions: readonly InfoVersion[]): void {
  if (versions.length === 0) return;
  printer.objectStart(name);
  for (const version of versions) {
    printer.checkIndentNewline();
    printer.nameValue(version.name, version.value);
    if (!printer.json) printer.newline();
  }
  printer.objectEnd();
}
