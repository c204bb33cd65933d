/** The device command table, in the upstream tool's order; the first entry is the default. */
import { DeviceCommand } from '../command';
import { HELP_WORDS } from '../globals';
import { coredumpCommand } from './coredump';
import { capCommand } from './cap';
import { diagcntCommand } from './diagcnt';
import { infoCommand } from './info';
import { objCommand } from './obj';
import { regCommand } from './reg';
import { regdumpCommand } from './regdump';
import { rscdumpCommand } from './rscdump';

const SLEEP_USAGE = 'Usage: mlx5ctl <device> sleep <seconds> [command [options]]\n\truns the command, then holds this open (and its firmware UID) for the given seconds';

/** Longest hold: setTimeout's limit (about 24.8 days); beyond it Node would fire at once. */
const MAX_SLEEP_SECONDS = Math.floor(0x7fffffff / 1000);

/** A plain non-negative decimal (fractions allowed, as GNU sleep); undefined otherwise. */
function parseSeconds(text: string): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  const n = Number(text);
  return n <= MAX_SLEEP_SECONDS ? n : undefined;
}

export const sleepCommand: DeviceCommand = {
  name: 'sleep',
  desc: 'sleep',
  async run(ctx) {
    // `sleep <s> [cmd ...]`: run the command, then hold the open file (and its UID) for s seconds.
    if (ctx.args.length > 0 && HELP_WORDS.has(ctx.args[0])) {
      ctx.out.line(SLEEP_USAGE);
      return 0;
    }
    if (ctx.args.length < 1) {
      ctx.out.error('sleep: missing operand');
      ctx.out.streams.stderr(`${SLEEP_USAGE}\n`);
      return 1;
    }
    const seconds = parseSeconds(ctx.args[0]);
    if (seconds === undefined) {
      ctx.out.error(`sleep: invalid time interval '${ctx.args[0]}' (seconds, a number of 0 or more)`);
      return 1;
    }
    const rest = ctx.args.slice(1);
    const status = await runDeviceCommand({ ...ctx, args: rest });
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
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
