/**
 * Socket activation (sd_listen_fds(3) without libsystemd). Under mlx5ctld.socket, systemd binds
 * /run/mlx5ctl/mlx5_core.ctl.N itself and passes each listener as fd 3, 4, ... with LISTEN_PID,
 * LISTEN_FDS and LISTEN_FDNAMES (from FileDescriptorName=) set. Which control devices a host has
 * is only known once the broker has probed them, so the socket unit names the ones expected, and
 * the broker serves each device on the listener named after it and binds the rest itself.
 *
 * Environment parsing follows sd_listen_fds: no LISTEN_PID, or one naming another process (the
 * variables leaked from a parent), means no fds; a LISTEN_PID or LISTEN_FDS that is not a number,
 * or a LISTEN_FDNAMES with the wrong count, is an error. The variables are removed either way, so
 * nothing the broker starts inherits them.
 */
import { native, SocketInfo } from '../addon';
import { socketPath } from '../config/paths';

export const SD_LISTEN_FDS_START = 3;

/** A control device's socket name, as FileDescriptorName= must give it. */
const CTL_NAME = /^mlx5_core\.ctl\.\d+$/;

export class ListenFdsError extends Error {
  readonly code = 'EINVAL';
  constructor(message: string) {
    super(`socket activation: ${message}`);
    this.name = 'ListenFdsError';
  }
}

export interface PassedFd {
  fd: number;
  /** LISTEN_FDNAMES' entry for it; "unknown" when systemd gave no names, as sd_listen_fds_with_names. */
  name: string;
}

const strictInteger = (text: string): number | undefined => (/^\d+$/.test(text) ? Number(text) : undefined);

/** The fds systemd passed to process `pid`, from `env` (which this does not change). */
export function parseListenFds(env: NodeJS.ProcessEnv, pid: number): PassedFd[] {
  const listenPid = env.LISTEN_PID;
  if (listenPid === undefined) return [];
  const owner = strictInteger(listenPid);
  if (owner === undefined || owner === 0) throw new ListenFdsError(`LISTEN_PID="${listenPid}" is not a process id`);
  if (owner !== pid) return [];
  const listenFds = env.LISTEN_FDS;
  if (listenFds === undefined) return [];
  const count = strictInteger(listenFds);
  if (count === undefined || count > 0x7fffffff - SD_LISTEN_FDS_START) throw new ListenFdsError(`LISTEN_FDS="${listenFds}" is not a count of fds`);
  const names = env.LISTEN_FDNAMES === undefined ? Array<string>(count).fill('unknown') : env.LISTEN_FDNAMES.split(':');
  if (count > 0 && names.length !== count) {
    throw new ListenFdsError(`LISTEN_FDNAMES="${env.LISTEN_FDNAMES}" names ${names.length} fd(s) but LISTEN_FDS is ${count}`);
  }
  return Array.from({ length: count }, (_, i) => ({ fd: SD_LISTEN_FDS_START + i, name: names[i]! }));
}

/** Removes the activation variables, as sd_listen_fds(1) does, so child processes never see them. */
export function unsetListenEnv(env: NodeJS.ProcessEnv): void {
  delete env.LISTEN_PID;
  delete env.LISTEN_FDS;
  delete env.LISTEN_FDNAMES;
}

function describe(info: SocketInfo): string {
  return `${info.domain} ${info.type}, ${info.listening ? 'listening' : 'not listening'}`;
}

/**
 * Why `passed` cannot serve a control device in `rundir`, or undefined when it can: it must be a
 * listening AF_UNIX SOCK_STREAM socket bound at the path clients look for it (the device's
 * descriptor names that path, and a socket elsewhere would never be reached), and named after it.
 */
function refusal(passed: PassedFd, info: SocketInfo | Error, rundir: string): string | undefined {
  const which = `fd ${passed.fd} (named "${passed.name}")`;
  if (info instanceof Error) return `${which} is not a socket (${info.message}): mlx5ctld.socket must use ListenStream=`;
  if (info.domain !== 'unix' || info.type !== 'stream' || !info.listening) {
    return `${which} is not a listening AF_UNIX SOCK_STREAM socket (found: ${describe(info)}): mlx5ctld.socket must use ListenStream=${socketPath(rundir, 'mlx5_core.ctl.N')}`;
  }
  if (!CTL_NAME.test(passed.name)) {
    return `${which} is not named after a control device: set FileDescriptorName=mlx5_core.ctl.N beside its ListenStream=`;
  }
  const expected = socketPath(rundir, passed.name);
  if (info.path !== expected) {
    return `${which} is bound at ${info.path ?? 'no path'}, not at ${expected} where clients look for ${passed.name}: fix its ListenStream= or the broker's --rundir`;
  }
  return undefined;
}

/**
 * The listeners passed by systemd, by control-device name, checked and made close-on-exec and
 * non-blocking. Throws ListenFdsError for any fd that is not such a listener (they are all closed
 * first, so a refused start leaks none of them).
 */
export function inheritListeners(fds: readonly PassedFd[], rundir: string): Map<string, number> {
  const byName = new Map<string, number>();
  const problems: string[] = [];
  for (const passed of fds) {
    let info: SocketInfo | Error;
    try {
      info = native.socketInfo(passed.fd);
    } catch (err) {
      info = err instanceof Error ? err : new Error(String(err));
    }
    const problem = refusal(passed, info, rundir) ?? (byName.has(passed.name) ? `fd ${passed.fd} repeats the name "${passed.name}" of fd ${byName.get(passed.name)}` : undefined);
    if (problem !== undefined) problems.push(problem);
    else byName.set(passed.name, passed.fd);
  }
  if (problems.length > 0) {
    for (const passed of fds) closeQuietly(passed.fd);
    throw new ListenFdsError(problems.join('; '));
  }
  for (const fd of byName.values()) native.adoptListener(fd);
  return byName;
}

function closeQuietly(fd: number): void {
  try {
    native.close(fd);
  } catch {
    // EBADF: it was never open, which refusal() has already reported.
  }
}
