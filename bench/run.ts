/**
 * `npm run bench`: numbers, never pass/fail. Each measurement is reported next to a baseline
 * measured in the same run on the same machine, as a ratio, because these machines are noisy.
 *
 *  1. Core dump: ~2 MB through a UMEM in one RPC, vs the same bytes through inline
 *     resource-dump RPCs (208 B each).
 *  2. RPC round trip: QUERY_HCA_CAP through the broker, vs a bare Node Unix-socket echo of the
 *     same request and reply sizes.
 *  2b. bench/rpc_cpu.ts: broker CPU per RPC (from /proc), RPCs/s at 1, 16 and 64 C clients and
 *     a burst of 1,000 connects, each beside a C echo server's in the same run.
 *  3. In the real-kernel lane's guest (when the lane is prepared: scripts/kernel-lane): FWCTL_RPC
 *     straight on the kernel device vs through the broker, and RPCs/s with 1 and 16 sessions.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { Mlx5ctlClient } from '../src/client/client';
import { coreDumpOnce, createUmemMkey } from '../src/client/coredump';
import { newInbox } from '../src/fw/mailbox';
import { Opcode } from '../src/fw/opcodes';
import { EchoClient } from './echo_client';
import { inlineBytes } from './inline_dump';
import { rpcCpuBench, rpcCpuRows } from './rpc_cpu';
import { round, summarize, Summary } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');

function startChild(script: string, args: string[], readyText: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const onData = (d: Buffer): void => {
      seen += d.toString();
      if (seen.includes(readyText)) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${script} exited ${code}: ${seen}`)));
  });
}

async function timeLoop(n: number, fn: () => Promise<unknown>): Promise<{ samples: number[]; seconds: number }> {
  const samples: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    samples.push((performance.now() - t) * 1000);
  }
  return { samples, seconds: (performance.now() - t0) / 1000 };
}

async function main(): Promise<void> {
  const rundir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx5ctl-bench-'));
  // Audit stays on (one JSON line per RPC, to /dev/null): it is part of every RPC's cost.
  const broker = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'broker', 'main.js'), '--rundir', rundir, '--log-level', process.env.BENCH_LOG_LEVEL ?? 'info', '--max-session-pinned-mb', '64'], { stdio: 'ignore' });
  for (let i = 0; i < 400 && !fs.existsSync(path.join(rundir, 'mlx5_core.ctl.0.uevent')); i++) await new Promise((r) => setTimeout(r, 25));
  const client = await Mlx5ctlClient.open('0', { rundir });
  const results: Record<string, unknown> = { node: process.version, cpus: os.cpus().length, date: new Date().toISOString() };

  // 1. Core dump via UMEM vs inline.
  const target = await createUmemMkey(client, 2 * 1024 * 1024);
  const first = await coreDumpOnce(client, target, target.buffer.length);
  const dumpBytes = first.size;
  const umem = await timeLoop(30, () => coreDumpOnce(client, target, target.buffer.length));
  await target.release();
  let inline: { samples: number[]; seconds: number; rpcs: number } | undefined;
  try {
    let rpcs = 0;
    const t = await timeLoop(3, async () => {
      rpcs = (await inlineBytes(client, dumpBytes)).rpcs;
    });
    inline = { ...t, rpcs };
  } catch (err) {
    results.inline_error = String(err);
  }
  const umemSummary = summarize(umem.samples);
  results.core_dump = {
    bytes: dumpBytes,
    umem_one_rpc_us: { p50: round(umemSummary.p50), p99: round(umemSummary.p99) },
    inline: inline ? { rpcs: inline.rpcs, p50_us: round(summarize(inline.samples).p50) } : null,
    ratio_inline_over_umem: inline ? round(summarize(inline.samples).p50 / umemSummary.p50) : null,
  };

  // 2. RPC round trip vs a bare echo with the same sizes.
  const capInbox = newInbox(Opcode.QUERY_HCA_CAP, 16, 1);
  for (let i = 0; i < 500; i++) await client.cmdrpc(capInbox, 4112); // warm-up
  const brokerRtt = await timeLoop(5000, () => client.cmdrpc(capInbox, 4112));
  const echoSock = path.join(rundir, 'echo.sock');
  const echo = await startChild(path.join(ROOT, 'dist', 'bench', 'echo_server.js'), [echoSock, String(16 + 24 + 4112)], 'ready');
  const ec = await EchoClient.connect(echoSock);
  const request = Buffer.alloc(16 + 24 + 16);
  request.writeUInt32LE(request.length, 0);
  for (let i = 0; i < 500; i++) await ec.roundTrip(request);
  const echoRtt = await timeLoop(5000, () => ec.roundTrip(request));
  const b: Summary = summarize(brokerRtt.samples);
  const e: Summary = summarize(echoRtt.samples);
  results.rpc_round_trip = {
    broker_us: { p50: round(b.p50), p99: round(b.p99) },
    broker_rpcs_per_s: Math.round(brokerRtt.samples.length / brokerRtt.seconds),
    echo_us: { p50: round(e.p50), p99: round(e.p99) },
    echo_rpcs_per_s: Math.round(echoRtt.samples.length / echoRtt.seconds),
    ratio_p50_broker_over_echo: round(b.p50 / e.p50, 2),
    ratio_throughput_echo_over_broker: round(echoRtt.samples.length / echoRtt.seconds / (brokerRtt.samples.length / brokerRtt.seconds), 2),
  };

  ec.close();
  echo.kill();
  client.close();
  broker.kill('SIGTERM');

  // 2b. Broker CPU per RPC, RPCs/s at 1/16/64 C clients and a 1,000-connect burst, vs a C echo.
  const cpu = await rpcCpuBench();
  results.rpc_cpu = cpu;

  // 3. Through the kernel's fwctl core, in the lane's guest.
  const kernel = await kernelBench();
  results.kernel_fwctl = kernel;

  const table = [
    ['measurement', 'value'],
    ['core dump bytes', String(dumpBytes)],
    ['UMEM core dump, 1 RPC, p50 / p99 (ms)', `${round(umemSummary.p50 / 1000, 2)} / ${round(umemSummary.p99 / 1000, 2)}`],
    ['inline, same bytes: RPCs, p50 (ms)', inline ? `${inline.rpcs}, ${round(summarize(inline.samples).p50 / 1000, 1)}` : 'unavailable'],
    ['ratio inline / UMEM (goal >= 100x)', inline ? `${round(summarize(inline.samples).p50 / umemSummary.p50)}x` : 'n/a'],
    ['broker QUERY_HCA_CAP p50 / p99 (us)', `${round(b.p50)} / ${round(b.p99)}`],
    ['echo same sizes p50 / p99 (us)', `${round(e.p50)} / ${round(e.p99)}`],
    ['broker / echo p50 (goal <= 2x)', `${round(b.p50 / e.p50, 2)}x`],
    ['RPCs per second broker / echo', `${Math.round(brokerRtt.samples.length / brokerRtt.seconds)} / ${Math.round(echoRtt.samples.length / echoRtt.seconds)}`],
  ];
  table.push(...rpcCpuRows(cpu));
  if ('skipped' in kernel) table.push(['kernel fwctl (lane guest)', `skipped: ${kernel.skipped}`]);
  else {
    table.push(['kernel: FWCTL_RPC direct / via broker p50 (us)', `${kernel.direct_fwctl_rpc_us.p50} / ${kernel.via_broker_us.p50}`]);
    table.push(['kernel: broker / direct p50', `${kernel.ratio_p50_broker_over_direct}x`]);
    table.push(['kernel: RPCs/s, 1 / 16 sessions', `${kernel.broker_rpcs_per_s.sessions_1} / ${kernel.broker_rpcs_per_s.sessions_16}`]);
  }
  for (const [k, v] of table) process.stdout.write(`${k.padEnd(48)} ${v}\n`);
  const outDir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `bench-${Date.now()}.json`);
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(`results: ${file}\n`);
  fs.rmSync(rundir, { recursive: true, force: true });
}

interface KernelBench {
  direct_fwctl_rpc_us: { p50: number; p99: number };
  via_broker_us: { p50: number; p99: number };
  ratio_p50_broker_over_direct: number;
  broker_rpcs_per_s: { sessions_1: number; sessions_16: number };
}

/** Boots the lane's guest for bench/kernel_fwctl.ts; says why when the lane is not prepared. */
function kernelBench(): Promise<KernelBench | { skipped: string }> {
  const lane = path.join(ROOT, 'scripts', 'kernel-lane');
  return new Promise((resolve) => {
    const child = spawn('bash', [path.join(lane, 'run-in-vm.sh'), path.join(lane, 'guest-env.sh'), process.execPath, path.join(ROOT, 'dist', 'bench', 'kernel_fwctl.js')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => resolve({ skipped: e.message }));
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('KERNEL_BENCH_JSON '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('KERNEL_BENCH_JSON '.length)) as KernelBench);
      else resolve({ skipped: `lane exited ${code}: ${(err.trim().split('\n').pop() ?? '').slice(0, 200)} (prepare it with npm run test:kernel)` });
    });
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
