/** The device command table, in the upstream tool's order; the first entry is the default. */
import { DeviceCommand } from '../command';
import { coredumpCommand } from './coredump';
import { capCommand } from './cap';
import { diagcntCommand } from './diagcnt';
import { infoCommand } from './info';
import { objCommand } from './obj';
import { regCommand } from './reg';
import { regdumpCommand } from './regdump';
import { rscdumpCommand } from './rscdump';

export const sleepCommand: DeviceCommand = {
  name: 'sleep',
  desc: 'sleep',
  async run(ctx) {
    // `sleep <s> [cmd ...]`: run the command, then hold the open file (and its UID) for s seconds.
    if (ctx.args.length < 1) {
      ctx.out.error('sleep: missing operand');
      return 1;
    }
    const seconds = Number.parseInt(ctx.args[0], 10);
    const rest = ctx.args.slice(1);
    const status = await runDeviceCommand({ ...ctx, args: rest });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number.isNaN(seconds) ? 0 : seconds) * 1000));
    return status;
  },
};

export const deviceCommands: DeviceCommand[] = [
  infoCommand,
  capCommand,
  regCommand,
  objCommand,
  diagcntCommand,
  rscdumpCommand,
  coredumpCommand,
  regdumpCommand,
  sleepCommand,
];

export function findCommand(name: string): DeviceCommand | undefined {
  return deviceCommands.find((c) => c.name === name);
}

/** cmd_select(): no words → the default command; an unknown word → error and help. */
export async function runDeviceCommand(ctx: Parameters<DeviceCommand['run']>[0]): Promise<number> {
  if (ctx.args.length === 0) return deviceCommands[0].run(ctx);
  const cmd = findCommand(ctx.args[0]);
  if (!cmd) {
    ctx.out.error(`Unknown command "${ctx.args[0]}"`);
    return -1;
  }
  return cmd.run({ ...ctx, args: ctx.args.slice(1) });
}
