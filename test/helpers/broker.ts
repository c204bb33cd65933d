/**
 * A real mlx5ctld for integration tests: the compiled daemon (dist/, built by `npm test`) in a
 * temporary run directory, with its JSON-lines log captured.
 */
import { ChildProcess, spawn, SpawnOptions } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './sockets';

export const ROOT = path.resolve(__dirname, '..', '..');
export const BROKER_JS = path.join(ROOT, 'dist', 'src', 'broker', 'main.js');
export const CLI_JS = path.join(ROOT, 'dist', 'tools', 'mlx5ctl', 'main.js');

export interface RunningBroker {
  rundir: string;
  proc: ChildProcess;
  logs(): Record<string, unknown>[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartOptions {
  /** How long the broker may take to publish its devices (the kernel lane's guest is slow). */
  startTimeoutMs?: number;
  /** Wraps the broker's command line (e.g. setpriv dropping a capability). */
  wrapper?: string[];
  /** Extra environment for the broker. */
  env?: NodeJS.ProcessEnv;
  /** Fds of this process that the broker gets as fd 3, 4, ... (socket activation). */
  passFds?: number[];
}

export async function startBroker(args: string[] = [], rundir = tempDir('mlx5ctld-'), options: StartOptions = {}): Promise<RunningBroker> {
  if (!fs.existsSync(BROKER_JS)) throw new Error(`${BROKER_JS} missing: run \`npm run build:ts\` (npm test does)`);
  const command = [...(options.wrapper ?? []), process.execPath, BROKER_JS, '--rundir', rundir, ...args];
  const proc = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe', ...(options.passFds ?? [])], env: { ...process.env, ...options.env } });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + (options.startTimeoutMs ?? 15000);
  // `ready` is an info line. A broker started with a quieter --log-level never prints it; it is
  // ready once every device it was asked for has published its descriptor.
  const level = args[args.indexOf('--log-level') + 1];
  const quiet = args.includes('--log-level') && level !== 'info' && level !== 'debug';
  const devices = Math.max(1, args.filter((a) => a === '--device').length);
  const published = (): boolean =>
    Array.from({ length: devices }, (_, i) => path.join(rundir, `mlx5_core.ctl.${i}.uevent`)).every((f) => fs.existsSync(f));
  while (!stderr.includes('"event":"ready"') && !(quiet && published())) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`broker did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    rundir,
    proc,
    logs: () =>
      stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (proc.exitCode === null) proc.kill(signal);
      return exited;
    },
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled CLI as a separate process. */
export function runCli(args: string[], options: SpawnOptions = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [CLI_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    proc.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a script (the compiled CLI or broker, or a copy of them) under `launcher` (node, or a wrapper ending in node). */
export function runProgram(script: string, args: string[], launcher: string[] = [process.execPath]): Promise<CliResult> {
  return new Promise((resolve) => {
    const proc = spawn(launcher[0]!, [...launcher.slice(1), script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Polls until `check` returns true. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 10000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
