#!/usr/bin/env node
/**
 * mlx5ctl [-v] [-j] [-p] [--rundir DIR] <dev> [<command> [options]]
 * mlx5ctl status [DEV]
 * mlx5ctl devlink ARGS...      (iproute2 devlink's grammar and output)
 * mlx5ctl sim DEV ...          (fault injection on a simulated device)
 * mlx5ctl wrap -- PROGRAM ...  (a program written for the kernel uAPIs, run against the broker)
 * mlx5ctl vmcoredd collect DEV -o FILE | list FILE | extract FILE INDEX [OUT]
 * The upstream mlx5ctl tool's grammar, talking to mlx5ctld instead of /dev/mlx5ctl-*.
 */
import { Mlx5ctlClient } from '../../src/client/client';
import { connectDevlink } from '../../src/client/devlink_api';
import { listDevices } from '../../src/client/devices';
import { defaultRundir } from '../../src/config/paths';
import { ErrnoError, Errno } from '../../src/uapi/errno';
import { runDeviceCommand } from './commands';
import { printStatus } from './commands/status';
import { runWrap } from './commands/wrap';
import { runDevlink } from './devlink';
import { printHelp } from './help';
import { runSim } from './sim/sim_cmd';
import { runVmcoredd } from './commands/vmcoredd';
import { GlobalOptions, Output, processStreams, Streams } from './output';

/** Words after which argv belongs to a sub-tool with its own option grammar. */
const PASSTHROUGH = new Set(['devlink', 'wrap']);

/** Pulls the global flags out of argv; everything else keeps its order. */
export function parseGlobals(argv: string[], env: NodeJS.ProcessEnv): { options: GlobalOptions; rest: string[] } {
  const options: GlobalOptions = { verbose: false, json: false, pretty: false, rundir: defaultRundir(env) };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (PASSTHROUGH.has(a)) {
      // `devlink` parses iproute2's own options (-j, -p anywhere); `wrap` runs another program.
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '-v' || a === '--verbose') options.verbose = true;
    else if (a === '-j' || a === '--json') options.json = true;
    // Only -p: the upstream tool's `--pretty` (-P) belongs to its commands.
    else if (a === '-p') options.pretty = true;
    else if (a === '-jp' || a === '-pj') options.json = options.pretty = true;
    else if (a === '--rundir' && i + 1 < argv.length) options.rundir = argv[++i];
    else if (a.startsWith('--rundir=')) options.rundir = a.slice('--rundir='.length);
    else rest.push(a);
  }
  return { options, rest };
}

async function withDevice(devArg: string, out: Output, fn: (client: Mlx5ctlClient) => Promise<number>): Promise<number> {
  let client: Mlx5ctlClient;
  try {
    out.debug(`looking for dev ${devArg}`);
    client = await Mlx5ctlClient.open(devArg, { rundir: out.options.rundir });
  } catch (err) {
    const errno = err instanceof ErrnoError ? err.errno : Errno.EIO;
    if (errno === Errno.ENODEV) {
      out.error(`device ${devArg} not found`);
      out.error(`please start mlx5ctld and make sure ${out.options.rundir} holds its sockets`);
    } else {
      out.error(`open ${devArg}: ${err instanceof Error ? err.message : String(err)}`);
    }
    out.error(`Failed to open device ${devArg}`);
    return 1;
  }
  try {
    out.debug(`opened ${client.device.socket} descriptor fd(${client.connection.fd})`);
    return await fn(client);
  } catch (err) {
    if (err instanceof ErrnoError) {
      out.error(`ioctl failed: -1 errno(${err.errno}): ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    client.close();
  }
}

/**
 * `mlx5ctl devlink ...`: devlink parses its own options (anywhere on the line, like getopt), so it
 * gets argv as typed minus --rundir and the `devlink` word. Every device of the broker is served,
 * as the kernel's devlink family spans every instance; SIGINT ends `monitor`.
 */
async function devlinkCommand(argv: string[], out: Output): Promise<number> {
  const devlinkArgv: string[] = [];
  let rundir = out.options.rundir;
  let skippedWord = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    // --rundir is ours wherever it appears; devlink would refuse it as an unknown option.
    if (a === '--rundir' && i + 1 < argv.length) rundir = argv[++i];
    else if (a.startsWith('--rundir=')) rundir = a.slice('--rundir='.length);
    else if (a === 'devlink' && !skippedWord) skippedWord = true;
    else devlinkArgv.push(a);
  }
  let devlink;
  try {
    devlink = await connectDevlink(rundir);
  } catch (err) {
    out.error(`devlink: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  if (devlink.devices === 0) out.streams.stderr(`no mlx5ctl devices in ${rundir} (is mlx5ctld running?)\n`);
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    return await runDevlink(devlinkArgv, devlink.api, out.streams, { signal: abort.signal });
  } finally {
    process.removeListener('SIGINT', onSigint);
    devlink.close();
  }
}

export async function main(argv: string[], streams: Streams = processStreams, env = process.env): Promise<number> {
  const { options, rest } = parseGlobals(argv, env);
  const out = new Output(streams, options);
  const [first, ...args] = rest;
  if (first === 'devlink') return devlinkCommand(argv, out);
  if (first === 'sim') return runSim(args[0], args.slice(1), out);
  if (first === 'wrap') return runWrap(args, out);
  if (first === 'vmcoredd') return runVmcoredd(args, out);
  if (first === undefined || first === 'help' || first === '-h' || first === '--help') {
    printHelp(out);
    return 0;
  }
  if (first === 'status') {
    const dev = args[0] ?? listDevices(options.rundir)[0]?.ctlName;
    if (!dev) {
      out.error(`no mlx5ctl devices in ${options.rundir} (is mlx5ctld running?)`);
      return 1;
    }
    return withDevice(dev, out, async (client) => {
      printStatus(await client.status(), out);
      return 0;
    });
  }
  if (args[0] === 'help') {
    printHelp(out);
    return 0;
  }
  const code = await withDevice(first, out, (client) => runDeviceCommand({ client, out, args, devArg: first }));
  if (code < 0) printHelp(out);
  return Math.abs(code);
}

if (require.main === module) {
  // `mlx5ctl ... | head` closes the pipe early: that is the reader's choice, not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`Error : ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
