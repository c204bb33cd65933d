/**
 * The one place that loads the native addon (native/*.cc, built by `npm install` via node-gyp).
 * Everything else imports the typed `native` object from here.
 */
import * as path from 'path';

/** `{pid, uid, gid}` of a Unix socket's peer, from SO_PEERCRED. */
export interface PeerCred {
  pid: number;
  uid: number;
  gid: number;
}

export interface RecvResult {
  /** Bytes read into the buffer; 0 means the peer closed its end. */
  bytes: number;
  /** File descriptors that arrived (SCM_RIGHTS), already close-on-exec; the caller owns them. */
  fds: number[];
  /** The kernel dropped fds that did not fit the control buffer (MSG_CTRUNC). */
  truncated: boolean;
}

/** Readiness of a raw fd on Node's event loop. */
export interface NativePoller {
  start(readable: boolean, writable: boolean): void;
  stop(): void;
  close(): void;
  ref(): void;
  unref(): void;
}

/** A shared mmap of a file range; all access copies and is bounds-checked. */
export interface NativeMapping {
  readonly length: number;
  readonly locked: boolean;
  readonly mapped: boolean;
  read(offset: number, length: number): Buffer;
  write(offset: number, data: Buffer): number;
  fill(offset: number, length: number, byte: number): void;
  lock(): void;
  unlock(): void;
  unmap(): void;
  /**
   * A new, unlocked mapping of the same file pages from `offset` (page aligned, inside this
   * mapping) for `length` bytes (mremap with old_size 0): how the broker gets a writable
   * mapping of a memfd it has sealed with F_SEAL_FUTURE_WRITE.
   */
  duplicate(offset: number, length: number): NativeMapping;
}

/** fstat / fstatfs / F_GETFL of an fd (all of which work on an O_PATH fd). */
export interface FdInfo {
  /** statfs f_type: TMPFS_MAGIC for a memfd, HUGETLBFS_MAGIC for an MFD_HUGETLB one. */
  fsType: number;
  dev: number;
  ino: number;
  size: number;
  regular: boolean;
  /** Opened with O_PATH: no I/O, no mmap. */
  path: boolean;
  /** O_RDONLY 0, O_WRONLY 1, O_RDWR 2. */
  accessMode: number;
}

export interface SealBits {
  SEAL: number;
  SHRINK: number;
  GROW: number;
  WRITE: number;
  FUTURE_WRITE: number;
}

export interface SocketInfo {
  domain: 'unix' | 'inet' | 'inet6' | 'netlink' | 'other';
  type: 'stream' | 'dgram' | 'seqpacket' | 'raw' | 'other';
  /** listen() was called on it (SO_ACCEPTCONN). */
  listening: boolean;
  /** The file name an AF_UNIX socket is bound to; null when unbound or abstract. */
  path: string | null;
}

export type FdType = 'socket' | 'file' | 'fifo' | 'dir' | 'chr' | 'blk' | 'other';

export interface Native {
  listen(path: string, mode: number, backlog: number): number;
  connect(path: string): number;
  /** One datagram to the AF_UNIX datagram socket at `path` ('@name': abstract); bytes sent. */
  sendDatagram(path: string, data: Buffer): number;
  accept(listenFd: number): number | null;
  peerCred(fd: number): PeerCred;
  /** A pidfd for the socket peer (SO_PEERPIDFD), or null if the kernel lacks it; throws if the peer is gone. */
  peerPidfd(fd: number): number | null;
  /** Whether the process behind a pidfd still exists. */
  pidfdAlive(pidfd: number): boolean;
  /** flock(LOCK_EX|LOCK_NB): true once held, false if another open file holds it. */
  tryLockExclusive(fd: number): boolean;
  close(fd: number): void;
  shutdownWrite(fd: number): void;
  fdType(fd: number): FdType;
  /** What a socket fd is (SO_DOMAIN, SO_TYPE, SO_ACCEPTCONN, getsockname); ENOTSOCK if it is none. */
  socketInfo(fd: number): SocketInfo;
  /** Sets FD_CLOEXEC and O_NONBLOCK on an inherited listening socket. */
  adoptListener(fd: number): void;
  sendMsg(fd: number, buffer: Buffer, offset: number, length: number, fds?: number[]): number | null;
  recvMsg(fd: number, buffer: Buffer): RecvResult | null;
  /**
   * One sendmsg of parts[start..end) (at most 64 of them), the first from `offset` on, `fds`
   * on the first byte: bytes written, or null when the socket is full.
   */
  sendParts(fd: number, parts: readonly Buffer[], start: number, end: number, offset: number, fds?: readonly number[]): number | null;
  /**
   * One recvmsg into `buffer` without allocating: bytes read (0 at end of stream), or -1 when
   * nothing is ready. `state` (RECV_STATE_LENGTH numbers): [0] fds received, [1] 1 when the
   * kernel truncated them, [2..] the fds.
   */
  recvInto(fd: number, buffer: Buffer, state: Int32Array): number;
  memfdCreate(name: string, allowSealing: boolean, hugetlb?: boolean): number;
  addSeals(fd: number, seals: number): void;
  getSeals(fd: number): number;
  ftruncate(fd: number, size: number): void;
  fdSize(fd: number): number;
  fdInfo(fd: number): FdInfo;
  /** fallocate(PUNCH_HOLE | KEEP_SIZE). */
  punchHole(fd: number, offset: number, length: number): void;
  sealBits(): SealBits;
  pageSize(): number;
  Poller: new (fd: number, onEvent: (errno: number, readable: boolean, writable: boolean) => void) => NativePoller;
  Mapping: new (fd: number, offset: number, length: number, writable: boolean) => NativeMapping;
  /** FWCTL_INFO on an open /dev/fwctl/fwctlN; `data` is the driver's blob, `dataLen` bytes asked. */
  fwctlInfo(fd: number, dataLen: number): FwctlInfoResult;
  /** FWCTL_RPC on a worker thread; the outbox as long as the kernel reports. Rejects with -errno. */
  fwctlRpc(fd: number, scope: number, inbox: Buffer, outLen: number): Promise<Buffer>;
  /** socket(AF_NETLINK, SOCK_RAW|SOCK_NONBLOCK|SOCK_CLOEXEC, protocol) + bind; NETLINK_GENERIC only. */
  netlinkOpen(protocol: number): NetlinkOpenResult;
  /** setsockopt(SOL_NETLINK, option, value): ADD/DROP_MEMBERSHIP, CAP_ACK, EXT_ACK, GET_STRICT_CHK. */
  netlinkSetOption(fd: number, option: number, value: number): void;
  /** One datagram to the kernel; null when the socket is full. */
  netlinkSend(fd: number, buffer: Buffer, length: number): number | null;
  /** One datagram; null when none is queued. */
  netlinkRecv(fd: number, buffer: Buffer): NetlinkRecvResult | null;
}

/** An AF_NETLINK socket bound to a kernel-chosen port id. */
export interface NetlinkOpenResult {
  fd: number;
  portId: number;
}

/** One netlink datagram. */
export interface NetlinkRecvResult {
  /** Bytes copied into the buffer. */
  bytes: number;
  /** The datagram's real length (MSG_TRUNC); more than `bytes` means it was cut short. */
  length: number;
  /** The sender's port id: 0 is the kernel, anything else another process. */
  portId: number;
  /** The multicast groups bitmask it was sent to (0 for unicast). */
  groups: number;
}

export interface FwctlInfoResult {
  deviceType: number;
  /** The driver's own length for its blob (8 for mlx5), whatever length was asked. */
  deviceDataLen: number;
  data: Buffer;
}

/** Errors thrown by the addon for failed system calls. */
export interface NativeError extends Error {
  code: string;
  errno: number;
  syscall: string;
}

/** Duck-typed on purpose: errors made by the addon belong to the main realm's Error class. */
export function isNativeError(err: unknown): err is NativeError {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as Partial<NativeError>;
  return typeof e.message === 'string' && typeof e.code === 'string' && typeof e.syscall === 'string' && typeof e.errno === 'number';
}

function loadNative(): Native {
  // Compiled code lives in dist/src; sources run under ts-jest from src. Try both layouts.
  const candidates = [
    path.resolve(__dirname, '..', 'build', 'Release', 'mlx5ctl_native.node'),
    path.resolve(__dirname, '..', '..', 'build', 'Release', 'mlx5ctl_native.node'),
    path.resolve(__dirname, '..', 'build', 'Debug', 'mlx5ctl_native.node'),
    path.resolve(__dirname, '..', '..', 'build', 'Debug', 'mlx5ctl_native.node'),
  ];
  const failures: string[] = [];
  for (const candidate of candidates) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(candidate) as Native;
    } catch (err) {
      failures.push(`${candidate}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  }
  throw new Error(`cannot load the mlx5ctl native addon (run \`npm install\`); tried:\n  ${failures.join('\n  ')}`);
}

export const native: Native = loadNative();
