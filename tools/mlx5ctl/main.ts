#!/usr/bin/env node
/**
 * mlx5ctl [-v] [-j] [-p] [--rundir DIR] <dev> [<command> [options]]
 * mlx5ctl status [DEV]
 * The upstream mlx5ctl tool's grammar, talking to mlx5ctld instead of /dev/mlx5ctl-*.
 */
import { Mlx5ctlClient } from '../../src/client/client';
import { listDevices } from '../../src/client/devices';
import { defaultRundir } from '../../src/config/paths';
import { ErrnoError, Errno } from '../../src/uapi/errno';
import { runDeviceCommand } from './commands';
import { printStatus } from './commands/status';
import { printHelp } from './help';
import { GlobalOptions, Output, processStreams, Streams } from './output';

/** Pulls the global flags out of argv; everything else keeps its order. */
export function parseGlobals(argv: string[], env: NodeJS.ProcessEnv): { options: GlobalOptions; rest: string[] } {
  const options: GlobalOptions = { verbose: false, json: false, pretty: false, rundir: defaultRundir(env) };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-v' || a === '--verbose') options.verbose = true;
    else if (a === '-j' || a === '--json') options.json = true;
    else if (a === '-p' || a === '--pretty') options.pretty = true;
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

export async function main(argv: string[], streams: Streams = processStreams, env = process.env): Promise<number> {
  const { options, rest } = parseGlobals(argv, env);
  const out = new Output(streams, options);
  const [first, ...args] = rest;
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
