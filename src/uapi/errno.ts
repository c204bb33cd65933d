/**
 * The errno contract shared by the kernel uAPIs and the broker's socket protocol. A reply frame's
 * `result` is 0 or one of these, negated. Values are Linux's (asm-generic/errno*.h).
 *
 * Two channels, as in the kernel: an errno means the request was not delivered to the device
 * (refused, malformed, unauthorized, device gone). Firmware status and syndrome travel inside the
 * outbox with result 0.
 */
export const Errno = {
  /** Operation not permitted: the session's scope or capability does not allow the request. */
  EPERM: 1,
  /** No such object: unknown UMEM id. */
  ENOENT: 2,
  /** Interrupted: a netlink dump changed between its parts (NLM_F_DUMP_INTR). */
  EINTR: 4,
  /** I/O error: the device failed to execute the command. */
  EIO: 5,
  /** Argument list too long: a size-prefixed struct has non-zero bytes past the known fields. */
  E2BIG: 7,
  /** Bad file descriptor: a UMEM registration came without a usable fd. */
  EBADF: 9,
  /** Try again: resource temporarily unavailable. */
  EAGAIN: 11,
  /** Out of memory, or over a pinning quota. */
  ENOMEM: 12,
  /** Permission denied: the peer is not authorized to open the device. */
  EACCES: 13,
  /** Bad address: the request's buffers do not match the lengths it claims. */
  EFAULT: 14,
  /** Device or resource busy. */
  EBUSY: 16,
  /** Already exists. */
  EEXIST: 17,
  /** No such device: the device was removed; the session is orphaned. */
  ENODEV: 19,
  /** Not a directory: a path component of a file the CLI or broker was given. */
  ENOTDIR: 20,
  /** Is a directory: a file the CLI or broker was given is a directory. */
  EISDIR: 21,
  /** Invalid argument: wrong sizes, lengths or field values. */
  EINVAL: 22,
  /** Too many open files in the system: a broker-wide session or fd limit was reached. */
  ENFILE: 23,
  /** Too many open files: a session or fd limit was reached. */
  EMFILE: 24,
  /** Inappropriate ioctl: unknown command number. */
  ENOTTY: 25,
  /** No space left: a table (snapshots, ids) is full. */
  ENOSPC: 28,
  /** Result out of range (a kernel netlink answer). */
  ERANGE: 34,
  /** Protocol error (a kernel netlink answer). */
  EPROTO: 71,
  /** Bad message: the RPC's opcode is not allowed by the scope table. */
  EBADMSG: 74,
  /** Message too long: an RPC buffer exceeds the uAPI's maximum. */
  EMSGSIZE: 90,
  /** Operation not supported: a field value or operation the device does not support. */
  EOPNOTSUPP: 95,
  /** No buffer space: a netlink socket overran, or a reply was larger than the bound. */
  ENOBUFS: 105,
  /** Timed out: the kernel did not answer a netlink request in time. */
  ETIMEDOUT: 110,
  /** Operation canceled (devlink health: recovery aborted inside the grace period). */
  ECANCELED: 125,
  /** Remote I/O error: the firmware ran the command and returned a non-zero status. */
  EREMOTEIO: 121,
} as const;

export type ErrnoName = keyof typeof Errno;

const names = new Map<number, ErrnoName>(
  (Object.keys(Errno) as ErrnoName[]).map((name) => [Errno[name], name]),
);

/** strerror(3) texts, as glibc prints them (devlink's `kernel answers: ...` uses these). */
const messages: Record<ErrnoName, string> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EINTR: 'Interrupted system call',
  EIO: 'Input/output error',
  E2BIG: 'Argument list too long',
  EBADF: 'Bad file descriptor',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EFAULT: 'Bad address',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  ENODEV: 'No such device',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  ENFILE: 'Too many open files in system',
  EMFILE: 'Too many open files',
  ENOTTY: 'Inappropriate ioctl for device',
  ENOSPC: 'No space left on device',
  ERANGE: 'Numerical result out of range',
  EPROTO: 'Protocol error',
  EBADMSG: 'Bad message',
  EMSGSIZE: 'Message too long',
  EOPNOTSUPP: 'Operation not supported',
  ENOBUFS: 'No buffer space available',
  ETIMEDOUT: 'Connection timed out',
  ECANCELED: 'Operation canceled',
  EREMOTEIO: 'Remote I/O error',
};

export function errnoName(errno: number): string {
  return names.get(Math.abs(errno)) ?? `E${Math.abs(errno)}`;
}

export function strerror(errno: number): string {
  // glibc's text for "no error", which iproute2 prints when a failure left errno at 0.
  if (errno === 0) return 'Success';
  const name = names.get(Math.abs(errno));
  return name ? messages[name] : `Unknown error ${Math.abs(errno)}`;
}

/** An error that carries a positive errno; thrown inside the broker and turned into a reply. */
export class ErrnoError extends Error {
  readonly code: string;
  constructor(readonly errno: number, message?: string) {
    super(message ?? strerror(errno));
    this.name = 'ErrnoError';
    this.code = errnoName(errno);
  }
}

/**
 * A failed system call as a user should read it, `strerror (ENAME)`, not Node's wording
 * (`ENOENT: no such file or directory, open '/x'`, `spawn /x ENOENT`), which repeats the name.
 */
export function systemErrorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (typeof e === 'object' && e !== null && typeof e.code === 'string' && typeof e.errno === 'number') return `${strerror(e.errno)} (${e.code})`;
  return err instanceof Error ? err.message : String(err);
}
