/**
 * The broker's CPU per RPC and its throughput, driven by the C load generator, each beside the
 * same measurement against the C echo server in the same run:
 *   - QUERY_HCA_CAP at 1, 16 and 64 closed-loop clients: RPCs/s, p50/p99, server CPU µs per RPC;
 *   - a burst of 1,000 connects at once: how many the kernel took, how many sessions opened, and
 *     the broker's RSS growth with all of them idle.
 * Audit stays on (one JSON line per RPC, to /dev/null). Runs standalone
 * (`node dist/bench/rpc_cpu.js`) or as part of `npm run bench`.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LISTEN_BACKLOG } from '../src/broker/limits';
import { newInbox } from '../src/fw/mailbox';
import { Opcode } from '../src/fw/opcodes';
import { mlx5ctldOpen } from '../src/uapi/control';
import { FRAME_HEADER_SIZE } from '../src/uapi/frame';
import { mlx5ctlCmdrpc } from '../src/uapi/mlx5ctl';
import { BurstResult, buildCPrograms, cmdrpcFrame, LoadResult, runBurst, runLoad, startEchoServer, startNodeEchoServer } from './c_load';
import { round } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const CLIENT_COUNTS = [1, 16, 64];
const BURST = 1000;
const CAP_OUTLEN = 4112;

export interface RpcCpuResults {
  /** `node_echo`: the same echo on Node's net module, the floor of a Node server. */
  hca_cap: { clients: number; broker: LoadResult; echo: LoadResult; node_echo: LoadResult }[];
  burst: { broker: BurstResult; echo: BurstResult };
  seconds_per_run: number;
}

async function startBroker(rundir: string): Promise<ChildProcess> {
  const broker = spawn(
    process.execPath,
    [path.join(ROOT, 'dist', 'src', 'broker', 'main.js'), '--rundir', rundir, '--log-level', process.env.BENCH_LOG_LEVEL ?? 'info', '--max-sessions', '1100', '--max-sessions-per-uid', '1100'],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 400 && !fs.existsSync(path.join(rundir, 'mlx5_core.ctl.0.uevent')); i++) await new Promise((r) => setTimeout(r, 25));
  return broker;
}

export async function rpcCpuBench(seconds = Number(process.env.BENCH_SECONDS ?? 3)): Promise<RpcCpuResults> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx5ctl-cbench-'));
  try {
    const progs = buildCPrograms(ROOT, work);
    const requestFile = path.join(work, 'query_hca_cap.frame');
    fs.writeFileSync(requestFile, cmdrpcFrame(newInbox(Opcode.QUERY_HCA_CAP, 16, 1), CAP_OUTLEN));
    const rundir = path.join(work, 'run');
    fs.mkdirSync(rundir);
    const broker = await startBroker(rundir);
    const brokerSock = path.join(rundir, 'mlx5_core.ctl.0');
    const echoSock = path.join(work, 'echo.sock');
    const helloBytes = FRAME_HEADER_SIZE + mlx5ctldOpen.size;
    const replyBytes = FRAME_HEADER_SIZE + mlx5ctlCmdrpc.size + CAP_OUTLEN;
    const echo = await startEchoServer(progs, echoSock, helloBytes, replyBytes, LISTEN_BACKLOG);
    const nodeEchoSock = path.join(work, 'node-echo.sock');
    const nodeEcho = await startNodeEchoServer(nodeEchoSock, helloBytes, replyBytes, LISTEN_BACKLOG);
    try {
      const hca = [];
      for (const clients of CLIENT_COUNTS) {
        // Warm-up: the broker's JIT, the simulator's caches.
        await runLoad(progs, brokerSock, requestFile, clients, 0.5, broker.pid!);
        const b = await runLoad(progs, brokerSock, requestFile, clients, seconds, broker.pid!);
        const e = await runLoad(progs, echoSock, requestFile, clients, seconds, echo.pid!);
        await runLoad(progs, nodeEchoSock, requestFile, clients, 0.5, nodeEcho.pid!);
        const n = await runLoad(progs, nodeEchoSock, requestFile, clients, seconds, nodeEcho.pid!);
        hca.push({ clients, broker: b, echo: e, node_echo: n });
      }
      const burstBroker = await runBurst(progs, brokerSock, BURST, broker.pid!);
      const burstEcho = await runBurst(progs, echoSock, BURST, echo.pid!);
      return { hca_cap: hca, burst: { broker: burstBroker, echo: burstEcho }, seconds_per_run: seconds };
    } finally {
      echo.kill();
      nodeEcho.kill();
      broker.kill('SIGTERM');
      await new Promise((r) => broker.once('exit', r));
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Issue 17's goals, printed beside what they judge. */
export const GOALS = { brokerCpuUsPerRpc: 18, rpcsPerSecondAt64: 50_000, p50RatioOneClient: 1.5 };

/** Rows for the bench table: each broker number beside the echo's from the same run. */
export function rpcCpuRows(r: RpcCpuResults): [string, string][] {
  const rows: [string, string][] = [];
  for (const { clients, broker: b, echo: e, node_echo: n } of r.hca_cap) {
    const rpsGoal = clients === 64 ? ` (goal >= ${GOALS.rpcsPerSecondAt64 / 1000}k)` : '';
    rows.push([`C clients ${clients}: RPCs/s broker / echo`, `${b.rpcsPerSecond} / ${e.rpcsPerSecond} (${round(b.rpcsPerSecond / e.rpcsPerSecond, 2)}x)${rpsGoal}`]);
    rows.push([`C clients ${clients}: p50 / p99 us broker`, `${round(b.p50Us, 1)} / ${round(b.p99Us, 1)}`]);
    const p50Goal = clients === 1 ? ` (goal <= ${GOALS.p50RatioOneClient}x)` : '';
    rows.push([`C clients ${clients}: p50 / p99 us echo`, `${round(e.p50Us, 1)} / ${round(e.p99Us, 1)} (p50 ratio ${round(b.p50Us / e.p50Us, 2)}x)${p50Goal}`]);
    rows.push([`C clients ${clients}: p50 us Node echo (floor)`, `${round(n.p50Us, 1)} (${round(n.p50Us / e.p50Us, 2)}x the C echo; broker ${round(b.p50Us / n.p50Us, 2)}x it), ${n.rpcsPerSecond} RPCs/s`]);
    rows.push([
      `C clients ${clients}: server CPU us/RPC broker / echo`,
      `${round(b.serverCpuUsPerRpc, 1)} / ${round(e.serverCpuUsPerRpc, 1)} (${round(b.serverCpuUsPerRpc / e.serverCpuUsPerRpc, 1)}x; goal broker <= ${GOALS.brokerCpuUsPerRpc})`,
    ]);
  }
  const { broker: bb, echo: be } = r.burst;
  rows.push([`burst ${bb.attempted} connects: connected broker / echo`, `${bb.connected} / ${be.connected}`]);
  rows.push([`burst: sessions opened broker / echo`, `${bb.opened} / ${be.opened}`]);
  rows.push([`burst: idle RSS growth (MB) broker / echo`, `${round(bb.idleRssGrowthKb / 1024, 1)} / ${round(be.idleRssGrowthKb / 1024, 1)} (goal broker < 10)`]);
  return rows;
}

if (require.main === module) {
  rpcCpuBench()
    .then((r) => {
      for (const [k, v] of rpcCpuRows(r)) process.stdout.write(`${k.padEnd(48)} ${v}\n`);
      process.stdout.write(`${JSON.stringify(r)}\n`);
    })
    .catch((err: unknown) => {
      process.stderr.write(`rpc_cpu bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    });
}
