/** `devlink port { show | help }` (devlink.c cmd_port_show, pr_out_port). */
import type { PortInfo } from '../../../src/devlink/types';
import { parseKeywordOptions, portHandleArgument } from './argv';
import { commandNotFound, printUsage, withSection, type CommandContext } from './context';
import type { Printer } from './output';

export const PORT_USAGE = ['Usage: devlink port show [ DEV/PORT_INDEX ]'];

export async function cmdPort(ctx: CommandContext): Promise<void> {
  const { args } = ctx;
  if (args.matches('help')) return printUsage(ctx, PORT_USAGE);
  if (args.matches('show') || args.matches('list') || args.empty) {
    args.skip();
    return portShow(ctx);
  }
  commandNotFound(ctx);
}

async function portShow(ctx: CommandContext): Promise<void> {
  const request = ctx.args.empty ? {} : portHandleArgument(ctx.args);
  parseKeywordOptions(ctx.args, []);
  await withSection(ctx, 'port', async () => {
    for (const port of await ctx.api.portShow(request)) printPort(ctx.printer, port);
  });
}

/** pr_out_port: the handle is always `bus/dev/port` (no nice names), one object per port. */
export function printPort(printer: Printer, port: PortInfo): void {
  const label = `${port.handle}/${port.port}`;
  if (printer.json) printer.openObject(label);
  else printer.out(`${label}:`);
  printer.checkIndentNewline();
  if (port.type !== undefined) {
    printer.anyString('type', `type ${port.type}`, port.type);
    if (port.desiredType !== undefined && port.desiredType !== port.type) {
      printer.anyString('des_type', ` des_type ${port.desiredType}`, port.desiredType);
    }
  }
  if (port.netdev !== undefined) printer.anyString('netdev', ` netdev ${port.netdev}`, port.netdev);
  if (port.ibdev !== undefined) printer.anyString('ibdev', ` ibdev ${port.ibdev}`, port.ibdev);
  if (port.flavour !== undefined) {
    printer.anyString('flavour', ` flavour ${port.flavour}`, port.flavour);
    if (port.flavour === 'pcipf' || port.flavour === 'pcivf' || port.flavour === 'pcisf') printFunctionNumbers(printer, port);
  }
  const uint = (key: string, value: number | undefined): void => {
    if (value !== undefined) printer.anyUint(key, ` ${key} ${value}`, value);
  };
  uint('port', port.number);
  uint('split_group', port.splitGroup);
  if (port.splittable !== undefined) printer.anyBool('splittable', ` splittable ${port.splittable}`, port.splittable);
  uint('lanes', port.lanes);
  // pr_out_port_handle_end: __pr_out_newline, so a monitor's next event starts at the indent
  // earlier events left (iproute2 7.2 on netdevsim, kernel lane).
  if (printer.json) printer.closeObject();
  else printer.newline();
}

/** pr_out_port_pfvfsf_num */
function printFunctionNumbers(printer: Printer, port: PortInfo): void {
  for (const [key, value] of [['controller', port.controller], ['pfnum', port.pfnum], ['vfnum', port.vfnum], ['sfnum', port.sfnum]] as const) {
    if (value !== undefined) printer.anyUint(key, ` ${key} ${value}`, value);
  }
  if (port.external !== undefined) printer.anyBool('external', ` external ${port.external}`, port.external);
}
