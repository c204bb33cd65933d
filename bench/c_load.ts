/**
 * Load from clients that cost little: bench/c/loadgen.c (one thread, epoll, raw frames), against
 * the broker and against bench/c/echo_server.c (the same framing, no work), both built here with
 * the system C compiler. What is compared is CPU time taken from /proc (not wall time, which the
 * shared machines make noisy) and same-run ratios.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { encodeFrame } from '../src/uapi/frame';
import { MLX5CTL_IOCTL_CMDRPC, mlx5ctlCmdrpc } from '../src/uapi/mlx5ctl';
import { encodeStruct } from '../src/uapi/struct';

export interface CPrograms {
  loadgen: string;
  echoServer: string;
}

/** Compiles the load generator and the echo server into `outDir`. */
export function buildCPrograms(root: string, outDir: string): CPrograms {
  const build = (name: string): string => {
    const out = path.join(outDir, name);
    execFileSync('cc', ['-O2', '-Wall', '-o', out, path.join(root, 'bench', 'c', `${name}.c`)], { stdio: 'inherit' });
    return out;
  };
  return { loadgen: build('loadgen'), echoServer: build('echo_server') };
}

/** The CMDRPC request frame the client library sends for `inbox` (seq 1; the generator renumbers). */
export function cmdrpcFrame(inbox: Buffer, outlen: number): Buffer {
  const arg = encodeStruct(mlx5ctlCmdrpc, { inlen: inbox.length, outlen });
  return encodeFrame(MLX5CTL_IOCTL_CMDRPC, 1, 0, arg, inbox);
}

let clockTicks: number | undefined;

/** CPU seconds (user + system, every thread) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

export function rssKb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

export interface LoadResult {
  clients: number;
  rpcs: number;
  seconds: number;
  rpcsPerSecond: number;
  p50Us: number;
  p99Us: number;
  errors: number;
  /** The server's CPU time over the run divided by the RPCs it answered. */
  serverCpuUsPerRpc: number;
}

/** Runs `clients` closed-loop clients for `seconds` against the server listening on `socket`. */
export async function runLoad(progs: CPrograms, socket: string, requestFile: string, clients: number, seconds: number, serverPid: number): Promise<LoadResult> {
  const cpu0 = cpuSeconds(serverPid);
  const out = await runToEnd(progs.loadgen, ['rpc', socket, requestFile, String(clients), String(seconds)]);
  const cpu1 = cpuSeconds(serverPid);
  const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { clients: number; rpcs: number; seconds: number; p50_us: number; p99_us: number; errors: number };
  return {
    clients: r.clients,
    rpcs: r.rpcs,
    seconds: r.seconds,
    rpcsPerSecond: Math.round(r.rpcs / r.seconds),
    p50Us: r.p50_us,
    p99Us: r.p99_us,
    errors: r.errors,
    serverCpuUsPerRpc: ((cpu1 - cpu0) * 1e6) / r.rpcs,
  };
}

export interface BurstResult {
  attempted: number;
  /** connect(2) calls that succeeded: the listen backlog had room. */
  connected: number;
  /** connect(2) calls refused (EAGAIN: backlog full). */
  refused: number;
  /** Connections whose first frame said the open succeeded. */
  opened: number;
  /** Server RSS growth with every opened session idle, in kB. */
  idleRssGrowthKb: number;
}

/** `count` connects at once, then the server's RSS with all of them idle. */
export async function runBurst(progs: CPrograms, socket: string, count: number, serverPid: number): Promise<BurstResult> {
  const rss0 = rssKb(serverPid);
  const child = spawn(progs.loadgen, ['burst', socket, String(count), '1500'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes('\n')) resolve(seen.trim());
    });
    child.on('exit', (code) => reject(new Error(`loadgen burst exited ${code}`)));
  });
  // Let the server finish settling the sessions it just opened before sampling.
  await new Promise((r) => setTimeout(r, 500));
  const rss1 = rssKb(serverPid);
  await new Promise((r) => child.on('exit', r));
  const r = JSON.parse(line) as { attempted: number; connected: number; refused: number; opened: number };
  return { ...r, idleRssGrowthKb: rss1 - rss0 };
}

/** Starts the C echo server and resolves once it listens. */
export function startEchoServer(progs: CPrograms, socket: string, helloBytes: number, replyBytes: number, backlog: number): Promise<ChildProcess> {
  return startEcho(progs.echoServer, [], socket, helloBytes, replyBytes, backlog);
}

/** The same echo on Node's `net` module (node_echo_server.ts): the floor of any Node server. */
export function startNodeEchoServer(socket: string, helloBytes: number, replyBytes: number, backlog: number, compiledDir = __dirname): Promise<ChildProcess> {
  return startEcho(process.execPath, [path.join(compiledDir, 'node_echo_server.js')], socket, helloBytes, replyBytes, backlog);
}

function startEcho(file: string, leading: string[], socket: string, helloBytes: number, replyBytes: number, backlog: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...leading, socket, String(helloBytes), String(replyBytes), String(backlog)], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`echo_server exited ${code}`)));
  });
}

function runToEnd(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${path.basename(file)} ${args[0]} exited ${code}`))));
  });
}
