/**
 * Load: N concurrent clients × M mixed operations against one broker, compared with one client
 * running the same mix in the same run (numbers, never pass/fail).
 *
 *   node dist/bench/load.js [--clients 64] [--rpcs 10000] [--single 5000] [--seconds 3] [--mode c|node|both]
 *   (or LOAD_CLIENTS / LOAD_RPCS / LOAD_SINGLE / LOAD_SECONDS / LOAD_MODE)
 *
 * Two kinds of client run the same mix (bench/load_mix.ts), each labeled in the output:
 *   - C clients (bench/load_c.ts, the default's first part): N connections from one small C
 *     process for --seconds, so the broker's own CPU per operation shows; beside the broker's
 *     QUERY_HCA_CAP-only rate and a C echo of the same frames, from the same run.
 *   - Node clients (the client library, all N in this process): what a Node caller sees, and the
 *     N-client / 1-client ratios; here the clients' own CPU shares the cores with the broker.
 *
 * The mix, per operation: QUERY_HCA_CAP 30%, ACCESS_REG reads (MGIR, PDDR, MTMP, PPCNT) 25%,
 * QUERY_* objects (ADAPTER, UCTX, VPORT_STATE, DIAGNOSTIC_PARAMS) 25%, devlink region reads
 * (4 KiB of a cr-space snapshot) 10% and health show 9.8% through the client devlink API, and a
 * umem-mode core dump (~2 MB in one firmware RPC, plus its PD/UMEM/MKEY setup) 0.2%.
 * Each client runs closed-loop (one operation outstanding). Reported: throughput, p50/p99 by
 * kind, broker RSS (VmRSS) before and after, and the N-client / 1-client ratios.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { performance } from 'perf_hooks';
import { Mlx5ctlClient } from '../src/client/client';
import { collectCoreDump } from '../src/client/coredump';
import { RemoteDevlinkApi } from '../src/client/devlink_api';
import { newInbox, outboxStatus } from '../src/fw/mailbox';
import { Opcode } from '../src/fw/opcodes';
import { setBits } from '../src/uapi/ifc/bits';
import { cpuSeconds } from './c_load';
import { cMixBench, cMixRows } from './load_c';
import { ACCESS_REGS, Kind, kindAt, OBJECT_QUERIES, REGION_READ, UMEM_DUMP_BYTES } from './load_mix';
import { round, summarize } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const HANDLE = 'pci/0000:08:00.0';

type Mode = 'c' | 'node' | 'both';

interface Options {
  clients: number;
  rpcs: number;
  single: number;
  seconds: number;
  mode: Mode;
}

function options(): Options {
  const { values } = parseArgs({
    options: { clients: { type: 'string' }, rpcs: { type: 'string' }, single: { type: 'string' }, seconds: { type: 'string' }, mode: { type: 'string' } },
    strict: true,
  });
  const num = (v: string | undefined, env: string | undefined, fallback: number): number => {
    const n = Number(v ?? env ?? fallback);
    if (!Number.isInteger(n) || n < 1) throw new Error(`bad count "${v ?? env}"`);
    return n;
  };
  const rpcs = num(values.rpcs, process.env.LOAD_RPCS, 10_000);
  const mode = values.mode ?? process.env.LOAD_MODE ?? 'both';
  if (mode !== 'c' && mode !== 'node' && mode !== 'both') throw new Error(`bad mode "${mode}": c, node or both`);
  return {
    clients: num(values.clients, process.env.LOAD_CLIENTS, 64),
    rpcs,
    single: num(values.single, process.env.LOAD_SINGLE, Math.min(rpcs, 5000)),
    seconds: num(values.seconds, process.env.LOAD_SECONDS, 3),
    mode,
  };
}

function rssKb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

class LoadClient {
  readonly samples = new Map<Kind, number[]>();
  fwErrors = 0;
  private readonly devlink: RemoteDevlinkApi;
  private readonly cap = newInbox(Opcode.QUERY_HCA_CAP, 16, 1);
  private readonly regs = ACCESS_REGS.map((reg) => {
    const b = newInbox(Opcode.ACCESS_REG, 16 + 0x100, 1);
    setBits(b, 0x50, 16, reg);
    return b;
  });
  private objs: Buffer[] = [];

  constructor(readonly client: Mlx5ctlClient, private readonly snapshotId: number) {
    this.devlink = new RemoteDevlinkApi(client.connection);
  }

  async init(): Promise<void> {
    const uctx = newInbox(Opcode.QUERY_UCTX, 16);
    setBits(uctx, 0x50, 16, (await this.client.info()).uctxUid);
    this.objs = OBJECT_QUERIES.map((op) => (op === Opcode.QUERY_UCTX ? uctx : newInbox(op, 16)));
  }

  async run(n: number, salt: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const kind = kindAt(i, salt);
      const t = performance.now();
      await this.one(kind, i);
      const us = (performance.now() - t) * 1000;
      let list = this.samples.get(kind);
      if (!list) this.samples.set(kind, (list = []));
      list.push(us);
    }
  }

  private async rpc(inbox: Buffer, outlen: number): Promise<void> {
    if (outboxStatus(await this.client.cmdrpc(inbox, outlen)) !== 0) this.fwErrors++;
  }

  private async one(kind: Kind, i: number): Promise<void> {
    switch (kind) {
      case 'hca_cap':
        return this.rpc(this.cap, 0x1010);
      case 'access_reg':
        return this.rpc(this.regs[i % this.regs.length], 16 + 0x100);
      case 'query_obj':
        return this.rpc(this.objs[i % this.objs.length], 0x200);
      case 'region_read':
        await this.devlink.regionRead({ handle: HANDLE, region: 'cr-space', snapshotId: this.snapshotId, address: (i % REGION_READ.offsets) * REGION_READ.length, length: REGION_READ.length });
        return;
      case 'health_show':
        await this.devlink.healthShow({ handle: HANDLE });
        return;
      case 'umem_dump':
        await collectCoreDump(this.client, UMEM_DUMP_BYTES);
    }
  }
}

interface Phase {
  clients: number;
  ops: number;
  seconds: number;
  opsPerSecond: number;
  p50Us: number;
  p99Us: number;
  byKind: Record<string, { n: number; p50_us: number; p99_us: number }>;
  fwErrors: number;
  /** CPU per operation (µs, user + system) of the broker and of this process, which runs the clients. */
  brokerCpuUsPerOp: number;
  clientCpuUsPerOp: number;
}

async function phase(rundir: string, clients: number, opsEach: number, snapshotId: number, brokerPid: number): Promise<Phase> {
  const loaders = await Promise.all(Array.from({ length: clients }, async () => new LoadClient(await Mlx5ctlClient.open('0', { rundir }), snapshotId)));
  await Promise.all(loaders.map((l) => l.init()));
  const t0 = performance.now();
  const brokerCpu0 = cpuSeconds(brokerPid);
  const clientCpu0 = process.cpuUsage();
  await Promise.all(loaders.map((l, i) => l.run(opsEach, i)));
  const seconds = (performance.now() - t0) / 1000;
  const brokerCpu = cpuSeconds(brokerPid) - brokerCpu0;
  const clientCpu = process.cpuUsage(clientCpu0);
  const all: number[] = [];
  const byKind: Phase['byKind'] = {};
  const kinds = new Map<Kind, number[]>();
  for (const l of loaders) {
    for (const [k, v] of l.samples) {
      all.push(...v);
      kinds.set(k, [...(kinds.get(k) ?? []), ...v]);
    }
    l.client.close();
  }
  for (const [k, v] of kinds) {
    const s = summarize(v);
    byKind[k] = { n: s.n, p50_us: round(s.p50), p99_us: round(s.p99) };
  }
  const s = summarize(all);
  return {
    clients,
    ops: all.length,
    seconds: round(seconds, 2),
    opsPerSecond: Math.round(all.length / seconds),
    p50Us: round(s.p50),
    p99Us: round(s.p99),
    byKind,
    fwErrors: loaders.reduce((n, l) => n + l.fwErrors, 0),
    brokerCpuUsPerOp: round((brokerCpu * 1e6) / all.length, 1),
    clientCpuUsPerOp: round((clientCpu.user + clientCpu.system) / all.length, 1),
  };
}

async function startBroker(rundir: string, clients: number): Promise<ChildProcess> {
  // Audit stays on (one JSON line per RPC, to /dev/null): it is part of every RPC's cost.
  const broker = spawn(
    process.execPath,
    [path.join(ROOT, 'dist', 'src', 'broker', 'main.js'), '--rundir', rundir, '--max-sessions-per-uid', String(clients + 8), '--max-pinned-mb', String(Math.max(512, clients * 4))],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 400 && !fs.existsSync(path.join(rundir, 'mlx5_core.ctl.0.uevent')); i++) await new Promise((r) => setTimeout(r, 25));
  return broker;
}

/** The Node-client part: one client, then N, all in this process, with the broker's RSS around them. */
async function nodeClients(opts: Options, rundir: string, setup: Mlx5ctlClient, snapshotId: number, pid: number): Promise<Record<string, unknown>> {
  const rssBefore = rssKb(pid);
  const single = await phase(rundir, 1, opts.single, snapshotId, pid);
  const rssAfterSingle = rssKb(pid);
  const many = await phase(rundir, opts.clients, opts.rpcs, snapshotId, pid);
  const rssPeak = rssKb(pid);
  // Let sessions release before the after-reading.
  for (let i = 0; i < 100 && (await setup.status()).sessions.length > 1; i++) await new Promise((r) => setTimeout(r, 50));
  const rssAfter = rssKb(pid);
  const status = await setup.status();
  const ratio = {
    throughput_many_over_single: round(many.opsPerSecond / single.opsPerSecond, 2),
    p50_many_over_single: round(many.p50Us / single.p50Us, 2),
    p99_many_over_single: round(many.p99Us / single.p99Us, 2),
  };
  const table: [string, string, string][] = [
    ['Node clients (this process)', '1 client', `${opts.clients} clients`],
    ['operations', String(single.ops), String(many.ops)],
    ['seconds', String(single.seconds), String(many.seconds)],
    ['ops/s', String(single.opsPerSecond), String(many.opsPerSecond)],
    ['p50 / p99 (us)', `${single.p50Us} / ${single.p99Us}`, `${many.p50Us} / ${many.p99Us}`],
    ...(Object.keys(many.byKind) as Kind[]).sort().map((k): [string, string, string] => [
      `  ${k} p50 / p99 (us)`,
      single.byKind[k] ? `${single.byKind[k].p50_us} / ${single.byKind[k].p99_us}` : '-',
      `${many.byKind[k].p50_us} / ${many.byKind[k].p99_us} (n=${many.byKind[k].n})`,
    ]),
    ['firmware error statuses', String(single.fwErrors), String(many.fwErrors)],
    ['CPU us/op broker / clients', `${single.brokerCpuUsPerOp} / ${single.clientCpuUsPerOp}`, `${many.brokerCpuUsPerOp} / ${many.clientCpuUsPerOp}`],
  ];
  for (const [a, b, c] of table) process.stdout.write(`${a.padEnd(34)} ${b.padEnd(22)} ${c}\n`);
  process.stdout.write(
    `ratio ${opts.clients}/1: throughput ${ratio.throughput_many_over_single}x, p50 ${ratio.p50_many_over_single}x, p99 ${ratio.p99_many_over_single}x\n` +
      `broker RSS (MB): before ${round(rssBefore / 1024)}, after 1 client ${round(rssAfterSingle / 1024)}, with ${opts.clients} sessions ${round(rssPeak / 1024)}, after ${round(rssAfter / 1024)}\n`,
  );
  return {
    single,
    many,
    ratio,
    broker_rss_kb: { before: rssBefore, after_single: rssAfterSingle, after_load_sessions_open: rssPeak, after: rssAfter },
    after: { sessions: status.sessions.length, pinned_bytes: status.pinned_bytes },
  };
}

async function main(): Promise<void> {
  const opts = options();
  const rundir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx5ctl-load-'));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx5ctl-load-c-'));
  const broker = await startBroker(rundir, opts.clients);
  const pid = broker.pid ?? 0;
  try {
    const setup = await Mlx5ctlClient.open('0', { rundir });
    const devlink = new RemoteDevlinkApi(setup.connection);
    const snapshotId = (await devlink.regionNew({ handle: HANDLE, region: 'cr-space' })).snapshotId ?? 0;
    const results: Record<string, unknown> = { node: process.version, cpus: os.cpus().length, date: new Date().toISOString(), options: opts };
    if (opts.mode !== 'node') {
      const c = await cMixBench(ROOT, work, path.join(rundir, 'mlx5_core.ctl.0'), pid, HANDLE, snapshotId, opts.clients, opts.seconds);
      results.c_clients = c;
      for (const [k, v] of cMixRows(c)) process.stdout.write(`${k.padEnd(60)} ${v}\n`);
    }
    if (opts.mode !== 'c') results.node_clients = await nodeClients(opts, rundir, setup, snapshotId, pid);
    setup.close();
    const outDir = path.join(ROOT, 'bench', 'results');
    fs.mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `load-${Date.now()}.json`);
    fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
    process.stdout.write(`results: ${file}\n`);
  } finally {
    broker.kill('SIGTERM');
    fs.rmSync(rundir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`load bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
