/**
 * Whom a client lets answer it. Anyone may create /tmp/mlx5ctl-<uid> before its user does and
 * serve a fake broker there: one that forges the UCTX UID and status and receives the memfds the
 * client registers. So before sending anything the client asks the kernel who is listening
 * (SO_PEERCRED) and accepts only root, itself, or the owner of a run directory named
 * explicitly. The owner of the per-user /tmp fallback counts for nothing: that directory's name
 * says whose it should be, and its owner is whoever created it first.
 */
import * as fs from 'fs';
import * as path from 'path';
import { native } from '../addon';
import { tmpFallbackRundir } from '../config/paths';
import { Errno, ErrnoError } from '../uapi/errno';

const euid = (): number => process.geteuid?.() ?? 0;

/** The uids this client accepts as its broker when using `rundir`. */
export function trustedBrokerUids(rundir: string): number[] {
  const trusted = new Set([0, euid()]);
  const resolved = path.resolve(rundir);
  if (resolved !== tmpFallbackRundir(process.getuid?.() ?? 0)) {
    try {
      trusted.add(fs.lstatSync(resolved).uid);
    } catch {
      // No directory to speak for anyone.
    }
  }
  return [...trusted];
}

/** Throws EPERM, before a byte is sent, unless the process listening on `fd` is trusted. */
export function verifyBroker(fd: number, socketPath: string, rundir: string): void {
  const broker = native.peerCred(fd);
  const trusted = trustedBrokerUids(rundir);
  if (trusted.includes(broker.uid)) return;
  throw new ErrnoError(
    Errno.EPERM,
    `refusing the broker at ${socketPath}: it runs as uid ${broker.uid} (pid ${broker.pid}), but only uid ${trusted.join(', ')} may serve ${rundir}; ` +
      `someone else may have created ${rundir} to impersonate mlx5ctld: remove it, or use a run directory of your own (MLX5CTL_RUNDIR or XDG_RUNTIME_DIR)`,
  );
}
