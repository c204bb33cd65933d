/**
 * Soak: every attack of issue 11 at once against one broker, while a well-behaved client keeps
 * working (numbers, never pass/fail).
 *
 *   node dist/bench/soak.js [--duration 300] [--idle 30]      (seconds; or SOAK_DURATION / SOAK_IDLE)
 *
 * One broker at its default limits. The well-behaved client (test/reliability/observe.ts's
 * GoodSession: INFO, QUERY_HCA_CAP over mlx5ctl, QUERY_ADAPTER over fwctl, each answer checked)
 * runs first alone (the idle baseline), then through `--duration` seconds of the attacks in
 * bench/soak_attacks.ts, each in its own process and, when the soak runs as root, under its own
 * uid with the scope an attacker of that kind would hold. Reported: the client's p50/p99 under
 * attack over idle, the broker's peak fds and RSS against the bounds of src/broker/bounds.ts,
 * each attack's tally (and any answer that was not the one the broker must give), and whether
 * everything came back: sessions, fds, pinned bytes, firmware objects and UIDs.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';
import { parseArgs } from 'util';
import { fdBound, memoryBound } from '../src/broker/bounds';
import { DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_MAX_INFLIGHT_FDS_TOTAL, DEFAULT_MAX_SESSIONS, DEFAULT_MAX_SESSIONS_PER_UID } from '../src/broker/limits';
import { Mlx5ctlClient } from '../src/client/client';
import { DEFAULT_PIN_LIMITS } from '../src/umem/quota';
import { FAILURE_EVENTS, fdCount, GoodSession, rssKb } from '../test/reliability/observe';
import { AttackName, ATTACKS } from './soak_attacks';
import { round, summarize } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const BROKER_JS = path.join(ROOT, 'dist', 'src', 'broker', 'main.js');
const WORKER_JS = path.join(__dirname, 'soak_worker.js');
const MB = 1024 * 1024;
const isRoot = process.getuid?.() === 0;
const SELF = process.getuid?.() ?? 0;

/** The scope each attacker holds; the uid it runs as (root: one per attack; otherwise this user's). */
const SCOPES: Record<AttackName, string> = {
  fd_flood: 'DEBUG_READ_ONLY',
  umem_pages: 'DEBUG_READ_ONLY',
  // The writer toggling a param needs a write scope; its 16 subscribers need only read-only.
  monitor_stall: 'DEBUG_WRITE',
  object_flood: 'DEBUG_READ_ONLY',
  memory_flood: 'DEBUG_READ_ONLY',
  // A rival broker must be the same user to contend for the directory's lock.
  rundir_squat: 'DEBUG_WRITE_FULL',
  user_namespace: 'DEBUG_READ_ONLY',
  scope_holes: 'CONFIGURATION',
  dump_eviction: 'DEBUG_READ_ONLY',
  refusals: 'DEBUG_READ_ONLY',
};
const names = Object.keys(ATTACKS) as AttackName[];
const uidOf = (name: AttackName): number => (!isRoot || name === 'rundir_squat' ? SELF : 61000 + names.indexOf(name));

function options(): { duration: number; idle: number } {
  const { values } = parseArgs({ options: { duration: { type: 'string' }, idle: { type: 'string' } }, strict: true });
  const seconds = (v: string | undefined, env: string | undefined, fallback: number): number => {
    const n = Number(v ?? env ?? fallback);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`bad seconds "${v ?? env}"`);
    return n;
  };
  const duration = seconds(values.duration, process.env.SOAK_DURATION, 300);
  return { duration, idle: seconds(values.idle, process.env.SOAK_IDLE, Math.min(30, Math.max(5, duration / 10))) };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(100);
  }
  return check();
}

function writePolicy(dir: string): string {
  const rules = [{ uid: SELF, max_scope: 'DEBUG_WRITE_FULL' }];
  if (isRoot) {
    for (const name of names) {
      if (uidOf(name) !== SELF) rules.push({ uid: uidOf(name), max_scope: SCOPES[name], ...(SCOPES[name] === 'CONFIGURATION' ? { default_scope: 'CONFIGURATION' } : {}) });
    }
  }
  const file = path.join(dir, 'policy.json');
  fs.writeFileSync(file, JSON.stringify({ rules }));
  return file;
}

async function startBroker(rundir: string, policy: string, logFile: string): Promise<ChildProcess> {
  const log = fs.openSync(logFile, 'w');
  // Default limits, except that without root every attacker is this user: the per-uid session
  // limit is then raised so that the attackers together fit, as they would as separate users.
  const args = [BROKER_JS, '--rundir', rundir, '--policy', policy, ...(isRoot ? [] : ['--max-sessions-per-uid', String(DEFAULT_MAX_SESSIONS)])];
  const broker = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', log] });
  fs.closeSync(log);
  if (!(await until(() => fs.existsSync(path.join(rundir, 'mlx5_core.ctl.0.uevent')), 15_000))) throw new Error(`broker did not start: ${fs.readFileSync(logFile, 'utf8')}`);
  // Other uids reach the socket; the policy decides what they may do.
  fs.chmodSync(rundir, 0o755);
  fs.chmodSync(path.join(rundir, 'mlx5_core.ctl.0'), 0o666);
  return broker;
}

interface WorkerOutcome {
  attack: string;
  uid: number;
  scope: string;
  tally?: Record<string, number>;
  notes?: string[];
  failed?: string;
}

function runAttack(name: AttackName, rundir: string, deadline: number): Promise<WorkerOutcome> {
  const uid = uidOf(name);
  const child = spawn(process.execPath, [WORKER_JS, name, rundir, String(deadline)], { stdio: ['ignore', 'pipe', 'pipe'], ...(uid !== SELF ? { uid, gid: uid } : {}) });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  // An attack that outlives its deadline by a minute is stopped and reported as failed.
  const timer = setTimeout(() => child.kill('SIGKILL'), deadline - Date.now() + 60_000);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve({ uid, scope: SCOPES[name], ...(JSON.parse(line) as Omit<WorkerOutcome, 'uid' | 'scope'>) });
      } catch {
        resolve({ attack: name, uid, scope: SCOPES[name], failed: `exit ${code ?? signal}: ${err.slice(0, 500)}` });
      }
    });
  });
}

/** Counts of the log's events that say whether the broker kept its books, read after the run (streamed: a soak writes millions of audit lines). */
async function logCounts(file: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = { lines: 0, session_open: 0, session_released: 0, error_level: 0 };
  for (const e of FAILURE_EVENTS) counts[e] = 0;
  for await (const line of readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
    if (!line.startsWith('{')) continue;
    counts.lines++;
    if (line.includes('"level":"error"')) counts.error_level++;
    const m = /"event":"([a-z_]+)"/.exec(line);
    if (m && m[1] in counts) counts[m[1]]++;
  }
  return counts;
}

async function main(): Promise<void> {
  const opts = options();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx5ctl-soak-'));
  fs.chmodSync(work, 0o755);
  const rundir = path.join(work, 'run');
  const logFile = path.join(work, 'broker.log');
  const broker = await startBroker(rundir, writePolicy(work), logFile);
  const pid = broker.pid ?? 0;
  try {
    const admin = await Mlx5ctlClient.open('0', { rundir });
    const goodClient = await Mlx5ctlClient.open('0', { rundir });
    const good = new GoodSession(goodClient);
    await good.start();
    process.stdout.write(`idle baseline: ${opts.idle} s\n`);
    await sleep(opts.idle * 1000);
    const idleSamples = good.latenciesUs.length;
    const base = { fds: fdCount(pid), rssKb: rssKb(pid), sessions: (await admin.status()).sessions.length };

    const deadline = Date.now() + opts.duration * 1000;
    process.stdout.write(`attacks: ${names.join(', ')} for ${opts.duration} s\n`);
    const outcomes = Promise.all(names.map((n) => runAttack(n, rundir, deadline)));
    const peak = { fds: base.fds, rssKb: base.rssKb, sessions: base.sessions };
    let lastReport = Date.now();
    while (Date.now() < deadline) {
      await sleep(250);
      if (broker.exitCode !== null) throw new Error(`the broker exited (${broker.exitCode}) under attack`);
      peak.fds = Math.max(peak.fds, fdCount(pid));
      peak.rssKb = Math.max(peak.rssKb, rssKb(pid));
      if (Date.now() - lastReport > 30_000) {
        lastReport = Date.now();
        peak.sessions = Math.max(peak.sessions, (await admin.status()).sessions.length);
        process.stdout.write(`  ${Math.round((deadline - Date.now()) / 1000)} s left: fds ${fdCount(pid)} (peak ${peak.fds}), RSS ${round(rssKb(pid) / 1024)} MB (peak ${round(peak.rssKb / 1024)})\n`);
      }
    }
    const attackSamples = good.latenciesUs.length;
    const results = await outcomes;
    const goodResult = await good.stop();

    // Everything the attackers held must come back: sessions, fds, pins, objects, UIDs.
    const settled = await until(async () => {
      const s = await admin.status();
      return s.sessions.length === base.sessions && s.releasing === 0 && fdCount(pid) === base.fds;
    }, 60_000);
    const after = await admin.status();
    const afterFds = fdCount(pid);
    // UIDs are allocated lowest-free: with every attacker gone, new sessions get the lowest
    // numbers above the two held, with no hole (a leaked UID is a hole).
    const sweepCount = (isRoot ? DEFAULT_MAX_SESSIONS_PER_UID : DEFAULT_MAX_SESSIONS) - base.sessions;
    const sweep = await Promise.all(Array.from({ length: sweepCount }, () => Mlx5ctlClient.open('0', { rundir })));
    const sweepUids = (await Promise.all(sweep.map((c) => c.info()))).map((i) => i.uctxUid).sort((a, b) => a - b);
    for (const c of sweep) c.close();
    const held = [(await admin.info()).uctxUid, (await goodClient.info()).uctxUid];
    const expectedUids = Array.from({ length: sweepCount + held.length }, (_, i) => i + 1).filter((u) => !held.includes(u));
    goodClient.close();
    admin.close();
    await sleep(1000);
    broker.kill('SIGTERM');
    await new Promise((r) => broker.on('exit', r));
    const logs = await logCounts(logFile);

    const idle = summarize(good.latenciesUs.slice(0, idleSamples));
    const attacked = summarize(good.latenciesUs.slice(idleSamples, attackSamples));
    const limits = { maxSessions: DEFAULT_MAX_SESSIONS, maxSessionsPerUid: DEFAULT_MAX_SESSIONS_PER_UID, maxInflightFds: DEFAULT_MAX_INFLIGHT_FDS_TOTAL, maxBufferedBytes: DEFAULT_MAX_BUFFERED_BYTES, maxFdsPerFrame: 1 };
    const fdLimit = fdBound(limits);
    const memLimit = memoryBound(limits).global;
    const report = {
      node: process.version,
      cpus: os.cpus().length,
      date: new Date().toISOString(),
      options: opts,
      attackers_as: isRoot ? 'one uid per attack' : `this user (${SELF}), --max-sessions-per-uid ${DEFAULT_MAX_SESSIONS}`,
      good_client: {
        idle: { n: idle.n, p50_us: round(idle.p50), p99_us: round(idle.p99) },
        under_attack: { n: attacked.n, p50_us: round(attacked.p50), p99_us: round(attacked.p99) },
        ratio: { p50: round(attacked.p50 / idle.p50, 2), p99: round(attacked.p99 / idle.p99, 2) },
        worst_ms: goodResult.worstMs,
        problems: goodResult.problems,
      },
      broker: {
        survived: broker.exitCode === 0,
        fds: { base: base.fds, peak: peak.fds, over_base: peak.fds - base.fds, bound_over_base: fdLimit, after: afterFds },
        rss_mb: { base: round(base.rssKb / 1024), peak: round(peak.rssKb / 1024), over_base: round((peak.rssKb - base.rssKb) / 1024), buffered_bound_mb: round(memLimit / MB), pinned_bound_mb: DEFAULT_PIN_LIMITS.globalBytes / MB },
        peak_sessions_sampled: peak.sessions,
      },
      back_to_base: {
        settled,
        sessions: after.sessions.length,
        releasing: after.releasing,
        pinned_bytes: after.pinned_bytes,
        objects: after.sessions.reduce((n, s) => n + s.objects, 0),
        fds: afterFds - base.fds,
        uid_sweep_lowest_free: JSON.stringify(sweepUids) === JSON.stringify(expectedUids),
        sessions_opened: logs.session_open,
        sessions_released: logs.session_released,
      },
      log: logs,
      attacks: results,
    };
    const w = (s: string): boolean => process.stdout.write(`${s}\n`);
    w(`\nwell-behaved client (${idle.n} calls idle, ${attacked.n} under attack):`);
    w(`  p50 ${round(idle.p50)} us idle -> ${round(attacked.p50)} us under attack (${report.good_client.ratio.p50}x)`);
    w(`  p99 ${round(idle.p99)} us idle -> ${round(attacked.p99)} us under attack (${report.good_client.ratio.p99}x); worst ${goodResult.worstMs} ms; wrong answers: ${goodResult.problems.length}`);
    w(`broker: fds ${base.fds} base, peak +${peak.fds - base.fds} (bound +${fdLimit}); RSS ${report.broker.rss_mb.base} MB base, peak ${report.broker.rss_mb.peak} MB (+${report.broker.rss_mb.over_base}; bound +${report.broker.rss_mb.buffered_bound_mb} MiB buffered + ${report.broker.rss_mb.pinned_bound_mb} MiB pinned)`);
    w(`after: sessions ${after.sessions.length} (base ${base.sessions}), releasing ${after.releasing}, fds ${afterFds - base.fds >= 0 ? '+' : ''}${afterFds - base.fds}, pinned ${after.pinned_bytes} B, objects ${report.back_to_base.objects}, UID sweep lowest-free: ${report.back_to_base.uid_sweep_lowest_free}, opened/released ${logs.session_open}/${logs.session_released}`);
    w(`broker exit ${broker.exitCode}; log: ${logs.lines} lines, ${logs.error_level} at error, failures ${FAILURE_EVENTS.map((e) => `${e}=${logs[e]}`).join(' ')}`);
    for (const r of results) w(`  ${r.attack.padEnd(15)} uid ${String(r.uid).padEnd(6)} ${r.scope.padEnd(17)} ${r.failed ? `FAILED ${r.failed}` : JSON.stringify(r.tally)}${r.notes?.length ? ` ${JSON.stringify(r.notes)}` : ''}`);
    const outDir = path.join(ROOT, 'bench', 'results');
    fs.mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `soak-${Date.now()}.json`);
    fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
    w(`results: ${file}`);
  } finally {
    if (broker.exitCode === null) broker.kill('SIGTERM');
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`soak bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
