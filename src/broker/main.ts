#!/usr/bin/env node
/**
 * mlx5ctld --version
 * mlx5ctld [--rundir DIR] [--device auto|sim:cx7|fwctl:/dev/fwctl/fwctlN]... [--devlink auto|kernel|sim|none] [--metrics ADDR:PORT] [--log-level LEVEL]
 * Serves one socket per control device at $MLX5CTL_RUNDIR/mlx5_core.ctl.N, and Prometheus
 * metrics over HTTP when asked to.
 */
import { endStartupGuard } from './startup_guard';
import './threadpool';
import { parseArgs } from 'util';
import { defaultRundir } from '../config/paths';
import { createBackends } from './backends';
import { Broker } from './broker';
import { DEVLINK_MODES, isDevlinkMode } from './devlink_front';
import { JsonLineLogger, LogLevel } from './log';
import { defaultPolicy } from './policy';
import { loadPolicyFile } from './policy_file';
import { RundirBusyError } from './rundir';
import { installShutdown } from './shutdown';
import { sdNotify } from './sd_notify';
import { inheritListeners, parseListenFds, unsetListenEnv } from './listen_fds';
import { DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_MAX_INFLIGHT_FDS_TOTAL, DEFAULT_MAX_SESSIONS, DEFAULT_MAX_SESSIONS_PER_UID } from './limits';
import { DEFAULT_OBJECT_LIMITS } from './object_quota';
import { DEFAULT_PIN_LIMITS, PinLimits } from '../umem/quota';
import { lockableBytes } from '../umem/memlock';
import { DEFAULT_POLL_INTERVAL_MS, MetricsExporter, MetricsService, parseListenAddress, startMetrics } from '../metrics';

// Buffers under half of this come from shared 64 KiB slabs (Buffer.allocUnsafe's pool), not one
// malloc each: a reply's 4 KiB outbox (QUERY_HCA_CAP), its header, a request's body.
Buffer.poolSize = 64 * 1024;

function megabytes(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`bad size "${value}" (megabytes)`);
  return Math.floor(n * 1024 * 1024);
}

function positiveInteger(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`bad ${flag} "${value}"`);
  return n;
}

const USAGE = `Usage: mlx5ctld [--rundir DIR] [--device SPEC]... [--devlink MODE] [--policy FILE] [--max-sessions-per-uid N] [--metrics ADDR:PORT] [--log-level debug|info|warn|error]

  --rundir DIR     where sockets are created (default: $MLX5CTL_RUNDIR, /run/mlx5ctl for root,
                   else $XDG_RUNTIME_DIR/mlx5ctl or /tmp/mlx5ctl-<uid>)
  --device SPEC    a device to serve; repeat for more. SPEC is fwctl:/dev/fwctl/fwctlN (a kernel
                   mlx5 fwctl device), sim:cx7 (a simulated ConnectX-7), or auto (the default:
                   every mlx5 fwctl device the kernel has, else one simulated ConnectX-7)
  --devlink MODE   which devlink each device fronts: kernel (the kernel's devlink instance of its
                   parent device; refuses to start without one), sim (the backend's own: the
                   simulator's), none, or auto (the default: kernel where the kernel has the
                   instance, the backend's own otherwise)
  --policy FILE    who may connect and at which scope (JSON; default: root and this user get
                   DEBUG_WRITE_FULL, group mlx5ctl DEBUG_READ_ONLY, anyone else is refused)
  --max-pinned-mb N          UMEM memory the broker may pin in all (default 512)
  --max-session-pinned-mb N  UMEM memory one session may pin (default 128)
  --max-sessions-per-uid N   sessions one user may hold open, root included (default ${DEFAULT_MAX_SESSIONS_PER_UID})
  --max-sessions N           sessions of all users together (default ${DEFAULT_MAX_SESSIONS})
  --max-buffered-mb N        request and reply bytes buffered for all sessions (default ${DEFAULT_MAX_BUFFERED_BYTES / 1024 / 1024})
  --max-fds-in-flight N      received fds held for requests not yet run, all sessions (default ${DEFAULT_MAX_INFLIGHT_FDS_TOTAL})
  --max-session-objects N    firmware objects (PD, MKEY, UMEM) one session may hold (default ${DEFAULT_OBJECT_LIMITS.perSession})
  --max-uid-objects N        firmware objects all sessions of one user may hold (default ${DEFAULT_OBJECT_LIMITS.perUid})
  --max-objects N            firmware objects all sessions may hold (default ${DEFAULT_OBJECT_LIMITS.global})
  --metrics ADDR:PORT        serve Prometheus metrics at http://ADDR:PORT/metrics (off by default;
                             a bare PORT listens on 127.0.0.1 only; 0.0.0.0:PORT for every address)
  --metrics-interval S       seconds between the broker's own register reads (default ${DEFAULT_POLL_INTERVAL_MS / 1000}, 1..3600)
  --log-level L    minimum level of the JSON-lines log on stderr (default: info)
  --version        print mlx5ctld's version and exit

Under socket activation (mlx5ctld@N.socket) each device is served on the listener systemd passes
with its name (LISTEN_FDNAMES=mlx5_core.ctl.N); the others bind their own socket. mlx5ctld(8).
`;

function pollIntervalMs(value: string | undefined): number {
  if (value === undefined) return DEFAULT_POLL_INTERVAL_MS;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 3600) throw new Error(`bad --metrics-interval "${value}" (seconds, 1..3600)`);
  return Math.round(seconds * 1000);
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        rundir: { type: 'string' },
        device: { type: 'string', multiple: true },
        devlink: { type: 'string' },
        policy: { type: 'string' },
        'max-pinned-mb': { type: 'string' },
        'max-session-pinned-mb': { type: 'string' },
        'max-sessions-per-uid': { type: 'string' },
        'max-sessions': { type: 'string' },
        'max-buffered-mb': { type: 'string' },
        'max-fds-in-flight': { type: 'string' },
        'max-session-objects': { type: 'string' },
        'max-uid-objects': { type: 'string' },
        'max-objects': { type: 'string' },
        metrics: { type: 'string' },
        'metrics-interval': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
      strict: true,
    });
  } catch (err) {
    process.stderr.write(`mlx5ctld: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  const opts = parsed.values;
  if (opts.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const level = (opts['log-level'] ?? 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(level)) {
    process.stderr.write(`mlx5ctld: bad --log-level "${level}"\n${USAGE}`);
    return 2;
  }
  const devlink = opts.devlink ?? 'auto';
  if (!isDevlinkMode(devlink)) {
    process.stderr.write(`mlx5ctld: bad --devlink "${devlink}" (one of ${DEVLINK_MODES.join(', ')})\n${USAGE}`);
    return 2;
  }
  const logger = new JsonLineLogger(undefined, level);
  const rundir = opts.rundir ?? defaultRundir();
  let broker: Broker;
  let metrics: MetricsService | undefined;
  try {
    const listen = opts.metrics === undefined ? undefined : parseListenAddress(opts.metrics);
    const interval = pollIntervalMs(opts['metrics-interval']);
    const exporter = listen ? new MetricsExporter() : undefined;
    // Read before anything can start a child process, and removed so that none inherits them.
    const passedFds = parseListenFds(process.env, process.pid);
    unsetListenEnv(process.env);
    const inheritedListeners = inheritListeners(passedFds, rundir);
    const devices = await createBackends(opts.device ?? ['auto'], {
      onSkipped: (node, why) => logger.log('warn', 'device_skipped', { node, message: why }),
    });
    const policy = opts.policy ? loadPolicyFile(opts.policy) : defaultPolicy(process.getuid?.() ?? 0);
    const pinLimits: PinLimits = {
      globalBytes: megabytes(opts['max-pinned-mb'], DEFAULT_PIN_LIMITS.globalBytes),
      perSessionBytes: megabytes(opts['max-session-pinned-mb'], DEFAULT_PIN_LIMITS.perSessionBytes),
    };
    const lockable = lockableBytes();
    if (lockable < pinLimits.globalBytes) {
      logger.log('info', 'pin_limit', { rlimit_memlock: lockable, requested_bytes: pinLimits.globalBytes, message: 'pinned-byte quotas clamped to RLIMIT_MEMLOCK (no CAP_IPC_LOCK)' });
      pinLimits.globalBytes = lockable;
      pinLimits.perSessionBytes = Math.min(pinLimits.perSessionBytes, lockable);
      pinLimits.clampedToMemlock = true;
    }
    const perUid = opts['max-sessions-per-uid'];
    const maxSessionsPerUid = perUid === undefined ? DEFAULT_MAX_SESSIONS_PER_UID : Number(perUid);
    if (!Number.isInteger(maxSessionsPerUid) || maxSessionsPerUid < 1) throw new Error(`bad --max-sessions-per-uid "${perUid}"`);
    const maxSessions = positiveInteger('--max-sessions', opts['max-sessions'], DEFAULT_MAX_SESSIONS);
    const maxInflightFds = positiveInteger('--max-fds-in-flight', opts['max-fds-in-flight'], DEFAULT_MAX_INFLIGHT_FDS_TOTAL);
    const maxBufferedBytes = megabytes(opts['max-buffered-mb'], DEFAULT_MAX_BUFFERED_BYTES);
    const objectLimits = {
      perSession: positiveInteger('--max-session-objects', opts['max-session-objects'], DEFAULT_OBJECT_LIMITS.perSession),
      perUid: positiveInteger('--max-uid-objects', opts['max-uid-objects'], DEFAULT_OBJECT_LIMITS.perUid),
      global: positiveInteger('--max-objects', opts['max-objects'], DEFAULT_OBJECT_LIMITS.global),
    };
    broker = await Broker.start({ rundir, devices, devlink, policy, logger, pinLimits, maxSessionsPerUid, maxSessions, maxInflightFds, maxBufferedBytes, objectLimits, metrics: exporter?.observer, inheritedListeners });
    if (listen && exporter) {
      try {
        metrics = await startMetrics(broker, exporter, { listen, pollIntervalMs: interval, logger });
      } catch (err) {
        await broker.close();
        throw err;
      }
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`mlx5ctld: ${message}\n`);
    return err instanceof RundirBusyError ? 3 : 1;
  }
  logger.log('info', 'ready', { rundir, sockets: broker.socketPaths, pid: process.pid });
  const running = broker;
  // The broker's own device contexts close before the broker closes its backends.
  const closeAll = async (): Promise<void> => {
    await metrics?.close();
    await running.close();
  };
  installShutdown({ close: closeAll }, logger);
  endStartupGuard();
  running.onLastDeviceGone(() => {
    logger.log('warn', 'exiting', { reason: 'last_device_gone', message: 'every device was unplugged: nothing left to serve' });
    sdNotify({ STOPPING: 1, STATUS: 'every device was unplugged' });
    closeAll().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.log('error', 'shutdown_failed', { message: String(err) });
        process.exit(1);
      },
    );
  });
  try {
    // Every device is published by now: Broker.start listens on each before it resolves.
    sdNotify({ READY: 1, MAINPID: process.pid, STATUS: `serving ${broker.socketPaths.length} device(s) in ${rundir}` });
  } catch (err) {
    logger.log('warn', 'sd_notify_failed', { message: err instanceof Error ? err.message : String(err) });
  }
  process.on('uncaughtException', (err) => {
    logger.log('error', 'fatal', { message: err.stack ?? String(err) });
    process.exit(70);
  });
  return -1;
}

main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exit(code);
});
