/**
 * `npm run bench:metrics`: does a Prometheus scraper slow client RPCs? One broker with
 * `--metrics` on; clients run closed-loop QUERY_HCA_CAP RPCs for a fixed time, in turn with no
 * scraper, with a scraper (its own process) fetching the broker's /metrics every 100 ms (ten
 * times Prometheus's usual rate), and with the same scraper fetching the same bytes from a
 * static server in another process. On a machine whose cores the clients and broker already
 * fill, the scraper's own CPU costs throughput wherever it scrapes; the static run measures
 * that, so broker-scrape / static-scrape is the broker's own share. Numbers, never pass/fail.
 *
 *   node dist/bench/metrics_scrape.js [--clients 4] [--seconds 4] [--rounds 2]
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { parseArgs } from 'util';
import { Mlx5ctlClient } from '../src/client/client';
import { newInbox } from '../src/fw/mailbox';
import { Opcode } from '../src/fw/opcodes';
import { round, summarize } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const SCRAPE_EVERY_MS = 100;

function options(): { clients: number; seconds: number; rounds: number } {
  const { values } = parseArgs({ options: { clients: { type: 'string' }, seconds: { type: 'string' }, rounds: { type: 'string' } }, strict: true });
  const num = (v: string | undefined, fallback: number): number => {
    const n = Number(v ?? fallback);
    if (!Number.isInteger(n) || n < 1) throw new Error(`bad count "${v}"`);
    return n;
  };
  return { clients: num(values.clients, 4), seconds: num(values.seconds, 4), rounds: num(values.rounds, 2) };
}

/** Starts a broker with metrics on a free loopback port; resolves with its port once listening. */
function startBroker(rundir: string): Promise<{ port: number; stop(): void }> {
  return new Promise((resolve, reject) => {
    // Audit stays on (to a pipe we read only for the port): it is part of every RPC's cost.
    const proc = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'broker', 'main.js'), '--rundir', rundir, '--metrics', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let seen = '';
    let found = false;
    proc.stderr?.on('data', (d: Buffer) => {
      if (found) return;
      seen += d.toString();
      const m = /"event":"metrics_listening".*?"port":(\d+)/.exec(seen);
      if (m && fs.existsSync(path.join(rundir, 'mlx5_core.ctl.0.uevent'))) {
        found = true;
        seen = '';
        resolve({ port: Number(m[1]), stop: () => proc.kill('SIGTERM') });
      }
    });
    proc.on('exit', (code) => {
      if (!found) reject(new Error(`broker exited ${code}: ${seen}`));
    });
  });
}

/** Closed-loop RPCs on every client until `ms` have passed; returns how many completed. */
async function load(clients: Mlx5ctlClient[], ms: number): Promise<number> {
  const inbox = newInbox(Opcode.QUERY_HCA_CAP, 16, 1);
  const end = performance.now() + ms;
  let done = 0;
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < end) {
        await c.cmdrpc(inbox, 16 + 4096);
        done++;
      }
    }),
  );
  return done;
}

/**
 * The scraper runs in a process of its own, as Prometheus would, so its own CPU is not charged
 * to the clients in this one: it fetches /metrics every SCRAPE_EVERY_MS until told to stop on
 * stdin, then prints each scrape's time (µs) as JSON.
 */
const SCRAPER = `
const { performance } = require('perf_hooks');
const url = process.argv[1];
const samples = [];
let running = true;
process.stdin.on('data', () => { running = false; });
(async () => {
  while (running) {
    const t = performance.now();
    const res = await fetch(url, { headers: { Accept: 'application/openmetrics-text; version=1.0.0' } });
    await res.text();
    samples.push((performance.now() - t) * 1000);
    await new Promise((r) => setTimeout(r, Math.max(0, ${SCRAPE_EVERY_MS} - (performance.now() - t))));
  }
  process.stdout.write(JSON.stringify(samples));
  process.exit(0);
})();
`;

function scraper(url: string): { stop(): Promise<number[]> } {
  const child = spawn(process.execPath, ['-e', SCRAPER, url], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    stop: async () => {
      child.stdin?.end('stop\n');
      await exited;
      return JSON.parse(out) as number[];
    },
  };
}

/** Serves `body` at any path, from a process of its own; resolves with its URL. */
function staticServer(body: string): Promise<{ url: string; stop(): void }> {
  const script = `
const http = require('http');
const body = Buffer.from(process.argv[1], 'base64');
const server = http.createServer((req, res) => { res.writeHead(200, { 'Content-Type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' }); res.end(body); });
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;
  const child = spawn(process.execPath, ['-e', script, Buffer.from(body).toString('base64')], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => {
    child.stdout?.once('data', (d: Buffer) => resolve({ url: `http://127.0.0.1:${d.toString().trim()}/metrics`, stop: () => child.kill('SIGTERM') }));
  });
}

async function main(): Promise<void> {
  const opts = options();
  const rundir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx5ctl-bench-metrics-'));
  const broker = await startBroker(rundir);
  const url = `http://127.0.0.1:${broker.port}/metrics`;
  const clients = await Promise.all(Array.from({ length: opts.clients }, () => Mlx5ctlClient.open('0', { rundir })));
  await load(clients, 1000); // warm-up
  const body = await (await fetch(url, { headers: { Accept: 'application/openmetrics-text; version=1.0.0' } })).text();
  const fixed = await staticServer(body);
  const without: number[] = [];
  const withScraper: number[] = [];
  const withStatic: number[] = [];
  const scrapes: number[] = [];
  const scraped = async (target: string, into: number[], times?: number[]): Promise<void> => {
    const s = scraper(target);
    await new Promise((r) => setTimeout(r, 300)); // let the scraper's node start before measuring
    into.push(await load(clients, opts.seconds * 1000));
    const t = await s.stop();
    if (times) times.push(...t);
  };
  // Rotate the three conditions so drift on a shared machine hits them alike.
  for (let r = 0; r < opts.rounds; r++) {
    without.push(await load(clients, opts.seconds * 1000));
    await scraped(url, withScraper, scrapes);
    await scraped(fixed.url, withStatic);
  }
  fixed.stop();
  for (const c of clients) c.close();
  broker.stop();
  fs.rmSync(rundir, { recursive: true, force: true });

  const perSecond = (counts: number[]): number => counts.reduce((a, b) => a + b, 0) / (counts.length * opts.seconds);
  const a = perSecond(without);
  const b = perSecond(withScraper);
  const c = perSecond(withStatic);
  const s = summarize(scrapes);
  const results = {
    node: process.version,
    cpus: os.cpus().length,
    date: new Date().toISOString(),
    clients: opts.clients,
    seconds_per_phase: opts.seconds,
    rounds: opts.rounds,
    rpcs_per_s_without_scraper: Math.round(a),
    rpcs_per_s_with_100ms_scraper: Math.round(b),
    ratio_with_over_without: round(b / a, 3),
    rpcs_per_s_with_100ms_static_scraper: Math.round(c),
    ratio_broker_scrape_over_static_scrape: round(b / c, 3),
    scrapes: s.n,
    scrape_us: { p50: round(s.p50), p99: round(s.p99) },
    exposition_bytes: Buffer.byteLength(body),
  };
  const table: [string, string][] = [
    ['clients x seconds x rounds', `${opts.clients} x ${opts.seconds} x ${opts.rounds}`],
    ['RPCs/s without scraper', String(results.rpcs_per_s_without_scraper)],
    ['RPCs/s with a 100 ms scraper', String(results.rpcs_per_s_with_100ms_scraper)],
    ['ratio with / without (1.0 = no cost)', String(results.ratio_with_over_without)],
    ['RPCs/s, same scraper on a static server', String(results.rpcs_per_s_with_100ms_static_scraper)],
    ['ratio broker scrape / static scrape', String(results.ratio_broker_scrape_over_static_scrape)],
    ['scrapes, p50 / p99 (ms)', `${s.n}, ${round(s.p50 / 1000, 2)} / ${round(s.p99 / 1000, 2)}`],
    ['exposition size (bytes)', String(results.exposition_bytes)],
  ];
  for (const [k, v] of table) process.stdout.write(`${k.padEnd(40)} ${v}\n`);
  const outDir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `metrics-${Date.now()}.json`);
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(`results: ${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
