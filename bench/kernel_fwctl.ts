/**
 * Run inside the real-kernel lane's guest (bench/run.ts starts it through scripts/kernel-lane):
 * FWCTL_RPC straight on the kernel device against the same RPC through the broker in front of
 * it, in the same run, as a ratio; and the broker's RPCs per second with 1 and 16 concurrent
 * sessions. The firmware is the simulator served from userspace in the same (slow, emulated)
 * guest, so absolute numbers mean little; the ratios are the point. Prints one JSON line.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { Mlx5ctlClient } from '../src/client/client';
import { FwctlBackend } from '../src/fw/fwctl/backend';
import { describeFwctlDevice } from '../src/fw/fwctl/sysfs';
import { newInbox } from '../src/fw/mailbox';
import { Opcode } from '../src/fw/opcodes';
import { Scope } from '../src/uapi/fwctl';
import { UctxCap } from '../src/uapi/mlx5ctl';
import { round, summarize } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const RPCS = Number(process.env.KERNEL_BENCH_RPCS ?? 300);
const OUTLEN = 16 + 4096;

async function timed(n: number, rpc: () => Promise<unknown>): Promise<{ p50: number; p99: number; perSecond: number }> {
  const samples: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await rpc();
    samples.push((performance.now() - t) * 1000);
  }
  const s = summarize(samples);
  return { p50: round(s.p50), p99: round(s.p99), perSecond: Math.round(n / ((performance.now() - t0) / 1000)) };
}

async function concurrent(clients: Mlx5ctlClient[], perClient: number): Promise<number> {
  const inbox = newInbox(Opcode.QUERY_HCA_CAP, 16, 1);
  const t0 = performance.now();
  await Promise.all(clients.map(async (c) => {
    for (let i = 0; i < perClient; i++) await c.fwctlRpc(Scope.CONFIGURATION, inbox, OUTLEN);
  }));
  return Math.round((clients.length * perClient) / ((performance.now() - t0) / 1000));
}

async function main(): Promise<void> {
  const name = fs.readFileSync('/sys/kernel/debug/fwctl_mlx5_sim/fwctl_device', 'utf8').trim();
  const inbox = newInbox(Opcode.QUERY_HCA_CAP, 16, 1);

  const backend = await FwctlBackend.probe(describeFwctlDevice(name));
  const context = await backend.open({ allowedUctxCaps: UctxCap.TOOLS_RESOURCES });
  for (let i = 0; i < 20; i++) await context.execute(inbox, OUTLEN, Scope.CONFIGURATION);
  const direct = await timed(RPCS, () => context.execute(inbox, OUTLEN, Scope.CONFIGURATION));
  await context.close();
  backend.close();

  const rundir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx5ctl-kbench-'));
  const broker = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'broker', 'main.js'), '--rundir', rundir, '--device', 'auto'], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 3000 && !fs.existsSync(path.join(rundir, 'mlx5_core.ctl.0.uevent')); i++) await new Promise((r) => setTimeout(r, 100));
    const one = await Mlx5ctlClient.open('0', { rundir });
    for (let i = 0; i < 20; i++) await one.fwctlRpc(Scope.CONFIGURATION, inbox, OUTLEN);
    const brokered = await timed(RPCS, () => one.fwctlRpc(Scope.CONFIGURATION, inbox, OUTLEN));
    const single = await concurrent([one], RPCS);
    const many = await Promise.all(Array.from({ length: 16 }, () => Mlx5ctlClient.open('0', { rundir })));
    const sixteen = await concurrent(many, Math.ceil(RPCS / 16) * 2);
    for (const c of [one, ...many]) c.close();
    process.stdout.write(`KERNEL_BENCH_JSON ${JSON.stringify({
      rpcs: RPCS,
      direct_fwctl_rpc_us: { p50: direct.p50, p99: direct.p99 },
      via_broker_us: { p50: brokered.p50, p99: brokered.p99 },
      ratio_p50_broker_over_direct: round(brokered.p50 / direct.p50, 2),
      broker_rpcs_per_s: { sessions_1: single, sessions_16: sixteen },
    })}\n`);
  } finally {
    broker.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`kernel bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
