/**
 * mlx5ctl [-v] [-j] [-p] [--rundir DIR] <dev> [<command> [options]]
 * mlx5ctl status [DEV]
 * mlx5ctl devlink ARGS...      (iproute2 devlink's grammar and output)
 * mlx5ctl sim DEV ...          (fault injection on a simulated device)
 * mlx5ctl wrap -- PROGRAM ...  (a program written for the kernel uAPIs, run against the broker)
 * mlx5ctl vmcoredd collect DEV -o FILE | list FILE | extract FILE INDEX [OUT]
 * The upstream mlx5ctl tool's grammar, talking to mlx5ctld instead of /dev/mlx5ctl-*. main.ts
 * loads this module once the global options are known to be valid.
 */
import { connectDevlink } from '../../src/client/devlink_api';
import { runDeviceCommand } from './commands';
import { statusCommand } from './commands/status';
import { withDevice } from './with_device';
import { ACCESS_HINT } from './open_failure';
import { Errno, ErrnoError } from '../../src/uapi/errno';
import { runWrap } from './commands/wrap';
import { runDevlink } from './devlink';
import { printHelp } from './help';
import { helpRequest, printJsonHelp } from './help_json';
import { runSim } from './sim/sim_cmd';
import { runVmcoredd } from './commands/vmcoredd';
import { HELP_WORDS, ParsedGlobals, parseGlobals } from './globals';
import { Output, processStreams, Streams } from './output';

/** Words devlink answers without any device: help at any level, and its version. */
const DEVLINK_HELP_WORDS = new Set(['help', '-h', '--help', '-V', '--Version']);

/**
 * `mlx5ctl devlink ...`: devlink parses its own options (anywhere on the line, like getopt), so it
 * gets argv as typed minus --rundir and the `devlink` word. Every device of the broker is served,
 * as the kernel's devlink family spans every instance; SIGINT ends `monitor`. Without a broker
 * only help is answered: anything else exits 1, as devlink does without its netlink family.
 */
async function devlinkCommand(argv: string[], out: Output): Promise<number> {
  const devlinkArgv: string[] = [];
  let rundir = out.options.rundir;
  let skippedWord = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    // --rundir is ours wherever it appears; devlink would refuse it as an unknown option.
    if (a === '--rundir' && i + 1 < argv.length) rundir = argv[++i];
    else if (a === '--rundir' || a === '--rundir=') {
      out.error("option '--rundir' requires an argument");
      return 1;
    } else if (a.startsWith('--rundir=')) rundir = a.slice('--rundir='.length);
    else if (a === 'devlink' && !skippedWord) skippedWord = true;
    else devlinkArgv.push(a);
  }
  let devlink;
  try {
    devlink = await connectDevlink(rundir);
  } catch (err) {
    // As for a device command: an EACCES says who may connect.
    const hint = err instanceof ErrnoError && err.errno === Errno.EACCES ? ` (${ACCESS_HINT})` : '';
    out.error(`devlink: ${err instanceof Error ? err.message : String(err)}${hint}`);
    return 1;
  }
  if (devlink.devices === 0) {
    out.streams.stderr(`no mlx5ctl devices in ${rundir} (is mlx5ctld running?)\n`);
    // As devlink without its netlink family: only help can be answered.
    if (!devlinkArgv.some((a) => DEVLINK_HELP_WORDS.has(a))) {
      devlink.close();
      return 1;
    }
  }
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    return await runDevlink(devlinkArgv, devlink.api, out.streams, { signal: abort.signal, progress: (label) => out.progress(label) });
  } finally {
    process.removeListener('SIGINT', onSigint);
    devlink.close();
  }
}

export async function main(argv: string[], streams: Streams = processStreams, env = process.env): Promise<number> {
  return runParsed(parseGlobals(argv, env), streams);
}

/** Runs a command line whose global options main.ts has already read and found valid. */
export async function runParsed(parsed: ParsedGlobals, streams: Streams): Promise<number> {
  const { options, rest, argv } = parsed;
  const out = new Output(streams, options);
  const [first, ...args] = rest;
  const help = options.json ? helpRequest(rest) : undefined;
  if (help !== undefined) {
    printJsonHelp(out, help);
    return 0;
  }
  if (first === 'devlink') return devlinkCommand(argv, out);
  if (first === 'sim') return runSim(args[0], args.slice(1), out);
  if (first === 'wrap') return runWrap(args, out);
  if (first === 'vmcoredd') return runVmcoredd(args, out);
  if (first === undefined || HELP_WORDS.has(first)) {
    printHelp(out);
    return 0;
  }
  if (first === 'status') return statusCommand(args, out);
  if (args[0] !== undefined && HELP_WORDS.has(args[0])) {
    printHelp(out);
    return 0;
  }
  const code = await withDevice(first, out, (client) => runDeviceCommand({ client, out, args, devArg: first }));
  if (code < 0) printHelp(out);
  return Math.abs(code);
}
