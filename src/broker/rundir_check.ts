/**
 * A run directory the broker can trust: its own, writable by nobody else, and not a symbolic
 * link. Anyone may create /tmp/mlx5ctl-<uid> before its user does (mode 0777, with planted
 * links); a broker serving such a directory would write through the squatter's links and share
 * its socket name with the squatter's fake broker, so it refuses and says how to fix it.
 */
import * as fs from 'fs';
import * as path from 'path';

export class UnsafeRundirError extends Error {
  readonly code = 'EPERM';
  constructor(readonly rundir: string, problem: string, fix: string) {
    super(`refusing run directory ${rundir}: ${problem}; ${fix}`);
    this.name = 'UnsafeRundirError';
  }
}

const euid = (): number => process.geteuid?.() ?? 0;

/** The reason `st` (from lstat) is not a directory this broker may serve, or undefined. */
function problemWith(rundir: string, st: fs.Stats): UnsafeRundirError | undefined {
  const removeIt = `remove it (it may have been created by someone else to intercept your sessions) or choose another with --rundir or MLX5CTL_RUNDIR`;
  if (st.isSymbolicLink()) return new UnsafeRundirError(rundir, 'it is a symbolic link', removeIt);
  if (!st.isDirectory()) return new UnsafeRundirError(rundir, 'it is not a directory', removeIt);
  if (st.uid !== euid()) {
    return new UnsafeRundirError(rundir, `it is owned by uid ${st.uid}, not by this broker's uid ${euid()}`, removeIt);
  }
  if ((st.mode & 0o022) !== 0) {
    const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
    return new UnsafeRundirError(rundir, `group or others may write to it (mode ${mode})`, `run \`chmod go-w ${rundir}\`, or remove it and let mlx5ctld create it`);
  }
  return undefined;
}

/**
 * Creates the run directory (mode 0755) if it is missing, then checks it: lstat on the final
 * component, then an O_DIRECTORY|O_NOFOLLOW open whose fstat must be the same directory (so it
 * was not swapped between the two). Throws UnsafeRundirError.
 */
export function ensureSafeRundir(rundir: string): void {
  fs.mkdirSync(path.dirname(rundir), { recursive: true, mode: 0o755 });
  try {
    fs.mkdirSync(rundir, { mode: 0o755 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const before = fs.lstatSync(rundir);
  const problem = problemWith(rundir, before);
  if (problem) throw problem;
  let fd: number;
  try {
    fd = fs.openSync(rundir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW);
  } catch (err) {
    throw new UnsafeRundirError(rundir, `it cannot be opened without following links (${(err as Error).message})`, 'remove it');
  }
  try {
    const opened = fs.fstatSync(fd);
    if (opened.ino !== before.ino || opened.dev !== before.dev) {
      throw new UnsafeRundirError(rundir, 'it was replaced while being checked', 'remove it');
    }
    const after = problemWith(rundir, opened);
    if (after) throw after;
  } finally {
    fs.closeSync(fd);
  }
}
