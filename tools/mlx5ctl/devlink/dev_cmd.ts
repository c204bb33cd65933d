/** `devlink dev { show | param { show | set } | help }` (devlink.c cmd_dev, cmd_dev_param). */
import type { DeviceInfo, ParamCmode, ParamInfo, ParamValue, ParamValueType } from '../../../src/devlink/types';
import {
  UsageError, deviceHandleArgument, parseBool, parseCUnsigned, parseKeywordOptions, stringArgument,
} from './argv';
import { commandNotFound, printUsage, requireOptions, withSection, type CommandContext } from './context';
import { devInfo } from './info_print';
import type { Printer } from './output';

export const DEV_USAGE = [
  'Usage: devlink dev show [ DEV ]',
  '       devlink dev param set DEV name PARAMETER [ value VALUE | default ] cmode { permanent | driverinit | runtime }',
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
    for (const device of await ctx.api.listDevices(request)) printDevice(ctx.printer, device);
  });
}

/** pr_out_dev: a bare handle, or `handle:` and its attributes (iproute2 7.2: the instance's index). */
function printDevice(printer: Printer, device: DeviceInfo): void {
  if (device.index === undefined) return printer.handleOnly(device.handle);
  printer.handleStart(device.handle);
  printer.anyUint('index', ` index ${device.index}`, device.index);
  printer.handleEnd();
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
  for (const entry of info.values) {
    printer.entryStart();
    printer.checkIndentNewline();
    printer.anyString('cmode', `cmode ${entry.cmode}`, entry.cmode);
    printParamValue(printer, 'value', entry.value);
    // iproute2 7.2 prints the driver's default, when the kernel sends one, after the value.
    if (entry.default !== undefined) printParamValue(printer, 'default', entry.default);
    printer.entryEnd();
  }
  printer.arrayEnd();
  printer.handleEnd();
}

/** pr_out_param_value_print */
function printParamValue(printer: Printer, label: 'value' | 'default', value: ParamValue): void {
  if (typeof value === 'boolean') printer.anyBool(label, ` ${label} ${value}`, value);
  else if (typeof value === 'number') printer.anyUint(label, ` ${label} ${value}`, value);
  else printer.anyString(label, ` ${label} ${value}`, value);
}

function cmodeArgument(args: Parameters<typeof stringArgument>[0]): ParamCmode {
  const text = stringArgument(args);
  const cmode = CMODES.find((candidate) => candidate === text);
  if (!cmode) throw new UsageError([`Unknown configuration mode "${text}"`]);
  return cmode;
}

/**
 * cmd_dev_param_set: GET the type and current value; `default` (iproute2 7.2) then sets at once,
 * a value only for a cmode the param has, and not at all when nothing changes.
 */
async function paramSet(ctx: CommandContext): Promise<void> {
  const handle = deviceHandleArgument(ctx.args);
  const found = parseKeywordOptions<string>(ctx.args, [
    { keyword: 'name', parse: stringArgument },
    { keyword: 'value', parse: stringArgument },
    { keyword: 'cmode', parse: cmodeArgument },
    { keyword: 'default', parse: () => 'default' },
  ]);
  requireOptions(found, [
    ['name', 'Parameter name expected.'],
    ['cmode', 'Configuration mode expected.'],
  ]);
  const resetDefault = found.has('default');
  if (found.has('value') && resetDefault) throw new UsageError(['Cannot specify both value and default']);
  if (!found.has('value') && !resetDefault) throw new UsageError(['Either value or default must be specified']);
  const name = found.get('name') ?? '';
  const text = found.get('value') ?? '';
  // cmodeArgument already refused anything else.
  const cmode = CMODES.find((candidate) => candidate === found.get('cmode')) ?? 'runtime';
  const [current] = await ctx.api.paramShow({ handle, name });
  if (!current) return;
  if (resetDefault) return ctx.api.paramSet({ handle, name, cmode, resetDefault: true });
  const entry = current.values.find((candidate) => candidate.cmode === cmode);
  if (!entry) throw new UsageError(['Configuration mode not supported']);
  const value = parseParamValue(current.type, text);
  if (entry.value === value) return;
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
