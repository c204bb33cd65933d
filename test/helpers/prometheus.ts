/**
 * A real Prometheus (Debian's `prometheus` package, which .ci/run installs) for tests: loopback
 * only, a free port, a temporary storage directory, stopped and cleaned up by stop(). Without
 * the package the tests fail with the install command, as the mstflint ones do: never a skip.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { tempDir } from './sockets';

export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';

export function requirePrometheusTool(tool: string): string {
  if (!fs.existsSync(tool)) throw new Error(`${tool} is missing: apt-get install -y --no-install-recommends prometheus (CI installs it)`);
  return tool;
}

/** Runs promtool; resolves to its exit code and output. */
export function promtool(args: string[], cwd: string): { code: number | null; output: string } {
  const run = spawnSync(requirePrometheusTool(PROMTOOL), args, { cwd, encoding: 'utf8', timeout: 30_000 });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/** A port nobody listens on at this moment (the kernel's choice of an ephemeral one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningPrometheus {
  readonly url: string;
  /** GET /api/v1/<path>; throws unless Prometheus answers status "success". */
  api<T>(apiPath: string): Promise<T>;
  stop(): Promise<void>;
}

export interface PrometheusSetup {
  /** host:port targets of one job, `mlx5ctld`. */
  targets: string[];
  /** Absolute paths of rule files. */
  ruleFiles: string[];
}

const STOP_GRACE_MS = 10_000;

function waitExit(proc: ChildProcess, ms: number): Promise<boolean> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Starts Prometheus scraping and evaluating every second; resolves once /-/ready answers. */
export async function startPrometheus(setup: PrometheusSetup): Promise<RunningPrometheus> {
  const binary = requirePrometheusTool(PROMETHEUS);
  const dir = tempDir('mlx5ctl-prometheus-');
  const config = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'rule_files:',
      ...setup.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`),
      'scrape_configs:',
      '  - job_name: mlx5ctld',
      '    static_configs:',
      `      - targets: [${setup.targets.map((t) => JSON.stringify(t)).join(', ')}]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(
    binary,
    [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  proc.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const stop = async (): Promise<void> => {
    if (!(await waitExit(proc, 0))) proc.kill('SIGTERM');
    if (!(await waitExit(proc, STOP_GRACE_MS))) {
      proc.kill('SIGKILL');
      await waitExit(proc, STOP_GRACE_MS);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited ${proc.exitCode}: ${log}`);
    }
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    api: async <T>(apiPath: string): Promise<T> => {
      const res = await fetch(`${url}/api/v1/${apiPath}`);
      const body = (await res.json()) as { status: string; data: T; error?: string };
      if (body.status !== 'success') throw new Error(`prometheus ${apiPath}: ${body.error ?? res.status}`);
      return body.data;
    },
    stop,
  };
}
