/**
 * Where brokers and clients meet. Every component resolves the run directory the same way:
 * MLX5CTL_RUNDIR if set; /run/mlx5ctl for root; otherwise $XDG_RUNTIME_DIR/mlx5ctl, or
 * /tmp/mlx5ctl-<uid> when there is no XDG runtime directory.
 */
import * as os from 'os';
import * as path from 'path';

export const RUNDIR_ENV = 'MLX5CTL_RUNDIR';
export const CTL_PREFIX = 'mlx5_core.ctl.';
/** Suffix of the per-device descriptor file beside each socket (sysfs-uevent style KEY=value lines). */
export const DESCRIPTOR_SUFFIX = '.uevent';
export const PIDFILE_NAME = 'mlx5ctld.pid';

export function defaultRundir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[RUNDIR_ENV];
  if (fromEnv) return path.resolve(fromEnv);
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  if (uid === 0) return '/run/mlx5ctl';
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg) return path.join(xdg, 'mlx5ctl');
  return tmpFallbackRundir(uid);
}

/** The last resort, /tmp/mlx5ctl-<uid>: anyone may create it first, so its owner proves nothing. */
export const tmpFallbackRundir = (uid: number): string => path.join(os.tmpdir(), `mlx5ctl-${uid}`);

export const ctlName = (index: number): string => `${CTL_PREFIX}${index}`;
export const socketPath = (rundir: string, name: string): string => path.join(rundir, name);
export const descriptorPath = (rundir: string, name: string): string => path.join(rundir, name + DESCRIPTOR_SUFFIX);
