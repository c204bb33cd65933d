/** `devlink dev { show | param { show | set } | help }` (devlink.c cmd_dev, cmd_dev_param). */
import type { ParamCmode, ParamInfo, ParamValue, ParamValueType } from '../../../src/devlink/types';
import {
  UsageError, deviceHandleArgument, parseBool, parseCUnsigned, parseKeywordOptions, stringArgument,
} from './argv';
import { commandNotFound, printUsage, requireOptions, withSection, type CommandContext } from './context';
import { devInfo } from './info_print';
import type { Printer } from './output';

export const DEV_USAGE = [
  'Usage: devlink dev show [ DEV ]',
  '       devlink dev param set DEV name PARAMETER value VALUE cmode { permanent | driverinit | runtime }',
  '       devlink dev param show [DEV name PARAMETER]',
  '       devlink dev info [ DEV ]',
];

const CMODES: readonly ParamCmode[] = ['runtime', 'driverinit', 'permanent'];
const UNSIGNED_LIMITS: Record<'u8' | 'u16' | 'u32', bigint> = { u8: 0xffn, u16: 0xffffn, u32: 0xffff_ffffn };

export async function cmdDev(ctx: CommandContext): Promise<void> {
  const { args } = ctx;
  if (args.matches('help')) return printUsage(ctx, DEV_USAGE);
  if (args.matches('show') || args.matches('list') || args.empty) {
    args.skip();
    return devShow(ctx);
  }
  if (args.matches('param')) {
    args.skip();
    return cmdDevParam(ctx);
  }
  if (args.matches('info')) {
    args.skip();
    return devInfo(ctx);
  }
  commandNotFound(ctx);
}

async function devShow(ctx: CommandContext): Promise<void> {
  const request = ctx.args.empty ? {} : { handle: deviceHandleArgument(ctx.args) };
  parseKeywordOptions(ctx.args, []);
  await withSection(ctx, 'dev', async () => {
    for (const device of await ctx.api.listDevices(request)) ctx.printer.handleOnly(device.handle);
  });
}

async function cmdDevParam(ctx: CommandContext): Promise<void> {
  const { args } = ctx;
  if (args.matches('help')) return printUsage(ctx, DEV_USAGE);
  if (args.matches('show') || args.matches('list') || args.empty) {
    args.skip();
    return paramShow(ctx);
  }
  if (args.matches('set')) {
    args.skip();
    return paramSet(ctx);
  }
  commandNotFound(ctx);
}

async function paramShow(ctx: CommandContext): Promise<void> {
  const { args } = ctx;
  let request = {};
  if (args.remaining === 1) {
    request = { handle: deviceHandleArgument(args) };
  } else if (!args.empty) {
    const handle = deviceHandleArgument(args);
    const found = parseKeywordOptions(args, [{ keyword: 'name', parse: stringArgument }]);
    requireOptions(found, [['name', 'Parameter name expected.']]);
    request = { handle, name: found.get('name') };
  }
  await withSection(ctx, 'param', async () => {
    for (const info of await ctx.api.paramShow(request)) printParam(ctx.printer, info, true);
  });
}

/** pr_out_param: `array` groups a dump per device; a notification prints one handle object. */
export function printParam(printer: Printer, info: ParamInfo, array: boolean): void {
  if (array) printer.handleStartArray(info.handle);
  else printer.handleStart(info.handle);
  printer.checkIndentNewline();
  printer.anyString('name', `name ${info.name} `, info.name);
  const type = info.generic ? 'generic' : 'driver-specific';
  printer.anyString('type', `type ${type}`, type);
  printer.arrayStart('values');
  for (const { cmode, value } of info.values) {
    printer.entryStart();
    printer.checkIndentNewline();
    printer.anyString('cmode', `cmode ${cmode}`, cmode);
    if (typeof value === 'boolean') printer.anyBool('value', ` value ${value}`, value);
    else if (typeof value === 'number') printer.anyUint('value', ` value ${value}`, value);
    else printer.anyString('value', ` value ${value}`, value);
    printer.entryEnd();
  }
  printer.arrayEnd();
  printer.handleEnd();
}

function cmodeArgument(args: Parameters<typeof stringArgument>[0]): ParamCmode {
  const text = stringArgument(args);
  const cmode = CMODES.find((candidate) => candidate === text);
  if (!cmode) throw new UsageError([`Unknown configuration mode "${text}"`]);
  return cmode;
}

/** cmd_dev_param_set: GET the type and current value, skip the SET when nothing changes. */
async function paramSet(ctx: CommandContext): Promise<void> {
  const handle = deviceHandleArgument(ctx.args);
  const found = parseKeywordOptions<string>(ctx.args, [
    { keyword: 'name', parse: stringArgument },
    { keyword: 'value', parse: stringArgument },
    { keyword: 'cmode', parse: cmodeArgument },
  ]);
  requireOptions(found, [
    ['name', 'Parameter name expected.'],
    ['value', 'Value to set expected.'],
    ['cmode', 'Configuration mode expected.'],
  ]);
  const name = found.get('name') ?? '';
  const text = found.get('value') ?? '';
  // cmodeArgument already refused anything else.
  const cmode = CMODES.find((candidate) => candidate === found.get('cmode')) ?? 'runtime';
  const [current] = await ctx.api.paramShow({ handle, name });
  if (!current) return;
  const value = parseParamValue(current.type, text);
  const existing = current.values.find((entry) => entry.cmode === cmode)?.value;
  if (existing === value) return;
  await ctx.api.paramSet({ handle, name, cmode, value });
}

function parseParamValue(type: ParamValueType, text: string): ParamValue {
  const notANumber = `Value "${text}" is not a number or not within range`;
  switch (type) {
    case 'bool':
      try {
        return parseBool(text);
      } catch (error) {
        if (error instanceof UsageError) throw new UsageError([...error.lines, notANumber]);
        throw error;
      }
    case 'string':
      return text;
    default: {
      const value = parseCUnsigned(text, UNSIGNED_LIMITS[type]);
      if (value === undefined) throw new UsageError([notANumber]);
      return Number(value);
    }
  }
}
