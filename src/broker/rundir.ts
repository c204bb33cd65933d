/**
 * Owning a run directory: one broker at a time. A pid file created with O_EXCL is the lock; a pid
 * file naming a dead process is stale and replaced, as are socket files left by a crash.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PIDFILE_NAME } from '../config/paths';

export class RundirBusyError extends Error {
  readonly code = 'EBUSY';
  constructor(readonly rundir: string, readonly pid: number) {
    super(`another mlx5ctld (pid ${pid}) is serving ${rundir}`);
    this.name = 'RundirBusyError';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else — still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class RundirLock {
  private constructor(readonly rundir: string, private readonly pidfile: string) {}

  static acquire(rundir: string): RundirLock {
    fs.mkdirSync(rundir, { recursive: true, mode: 0o755 });
    const pidfile = path.join(rundir, PIDFILE_NAME);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = fs.openSync(pidfile, 'wx', 0o644);
        fs.writeSync(fd, `${process.pid}\n`);
        fs.closeSync(fd);
        return new RundirLock(rundir, pidfile);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const owner = Number.parseInt(safeRead(pidfile), 10);
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) {
        throw new RundirBusyError(rundir, owner);
      }
      // Stale: its broker is gone. Remove and try again.
      fs.rmSync(pidfile, { force: true });
    }
    throw new Error(`cannot take ${pidfile}: it keeps reappearing`);
  }

  /** Removes a socket file left over by a broker that did not shut down cleanly. */
  clearStale(file: string): void {
    fs.rmSync(file, { force: true });
  }

  release(): void {
    if (safeRead(this.pidfile).trim() === String(process.pid)) fs.rmSync(this.pidfile, { force: true });
  }
}

function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
