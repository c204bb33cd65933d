/**
 * Owning a run directory: one broker at a time. The pid file's flock is the lock: the kernel
 * drops it when its broker dies, and a pid file planted by anyone else holds none, so a pid file
 * is live only while the mlx5ctld serving this directory has it open. The pid inside is for
 * people and error messages, never for deciding liveness (a planted "1" names a live process).
 */
import * as fs from 'fs';
import * as path from 'path';
import { native } from '../addon';
import { PIDFILE_NAME } from '../config/paths';
import { ensureSafeRundir } from './rundir_check';

export class RundirBusyError extends Error {
  readonly code = 'EBUSY';
  constructor(readonly rundir: string, readonly pid: number) {
    super(`another mlx5ctld (${pid > 0 ? `pid ${pid}` : 'pid unknown'}) is serving ${rundir}`);
    this.name = 'RundirBusyError';
  }
}

const { O_RDWR, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;

/** Removes `file` if it is there (never following a link: unlink removes the link itself). */
function unlinkIfPresent(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function pidIn(fd: number): number {
  const buf = Buffer.alloc(32);
  const n = fs.readSync(fd, buf, 0, buf.length, 0);
  const pid = Number.parseInt(buf.subarray(0, n).toString('utf8'), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : 0;
}

/** Opens the existing pid file without following a link; undefined if it vanished or is a link. */
function openExisting(pidfile: string): number | undefined {
  try {
    return fs.openSync(pidfile, O_RDWR | O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') {
      unlinkIfPresent(pidfile); // a link is nobody's lock
      return undefined;
    }
    throw err;
  }
}

/** Whether `fd` is still the file named `file` (a releasing broker unlinks before it closes). */
function stillNamed(fd: number, file: string): boolean {
  try {
    const held = fs.fstatSync(fd);
    const named = fs.lstatSync(file);
    return held.ino === named.ino && held.dev === named.dev;
  } catch {
    return false;
  }
}

export class RundirLock {
  private constructor(readonly rundir: string, private readonly pidfile: string, private fd: number) {}

  static acquire(rundir: string): RundirLock {
    ensureSafeRundir(rundir);
    const pidfile = path.join(rundir, PIDFILE_NAME);
    for (let attempt = 0; attempt < 5; attempt++) {
      let fd: number | undefined;
      let created = false;
      try {
        fd = fs.openSync(pidfile, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
        created = true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        fd = openExisting(pidfile);
      }
      if (fd === undefined) continue;
      if (!native.tryLockExclusive(fd)) {
        const owner = pidIn(fd);
        fs.closeSync(fd);
        throw new RundirBusyError(rundir, owner);
      }
      if (!stillNamed(fd, pidfile)) {
        fs.closeSync(fd); // locked a file its broker had just unlinked: look again
        continue;
      }
      if (!created) {
        // Nobody holds it: stale (its broker died) or planted. Replace it with our own file so
        // that its owner and mode are ours.
        unlinkIfPresent(pidfile);
        fs.closeSync(fd);
        continue;
      }
      const line = Buffer.from(`${process.pid}\n`);
      fs.writeSync(fd, line, 0, line.length, 0);
      return new RundirLock(rundir, pidfile, fd);
    }
    throw new Error(`cannot take ${pidfile}: it keeps changing under this broker`);
  }

  /** Removes a socket file left over by a broker that did not shut down cleanly. */
  clearStale(file: string): void {
    unlinkIfPresent(file);
  }

  /** Unlinks the pid file while still holding its lock, then lets the lock go. */
  release(): void {
    if (this.fd < 0) return;
    if (stillNamed(this.fd, this.pidfile)) unlinkIfPresent(this.pidfile);
    fs.closeSync(this.fd);
    this.fd = -1;
  }
}
