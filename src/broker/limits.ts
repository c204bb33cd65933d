/**
 * The broker's resource limits in one place, so SECURITY.md and the tests have one source.
 * Each bounds what one authorized but hostile (or runaway) client can make the broker hold:
 * the daemon is a single process, and memory, mappings, fds or device UIDs it runs out of are
 * taken from every other user.
 *
 * Limits that live next to the code they guard:
 *  - frame size: MAX_FRAME_SIZE, MAX_ARG_SIZE (src/uapi/frame.ts); fds waiting for a frame:
 *    MAX_PENDING_FDS (src/uapi/frame.ts);
 *  - RPC sizes: MLX5CTL_MAX_RPC_SIZE (src/uapi/mlx5ctl.ts), FWCTL_MAX_RPC_LEN (src/uapi/fwctl.ts);
 *  - control JSON: MAX_CONTROL_JSON (src/uapi/control.ts);
 *  - pinned bytes and UMEM mappings: DEFAULT_PIN_LIMITS (src/umem/quota.ts).
 */

/**
 * Sessions one peer uid may hold at once; the next open is refused with EMFILE (the errno of a
 * process out of file descriptors, which is what an open per session amounts to). Root is not
 * exempt: the limit protects the device's user-context table (1024 UIDs on a ConnectX-7) from a
 * runaway tool, and root tools are the usual runaway. `--max-sessions-per-uid` raises it.
 */
export const DEFAULT_MAX_SESSIONS_PER_UID = 64;

/**
 * Sessions the broker holds at once (opening, open or releasing), every uid and device together;
 * the next open is refused with ENFILE (the errno of a system out of file slots). Each session
 * is a socket fd plus what it may buffer, so this is what keeps the broker's fd and memory bounds
 * (src/broker/bounds.ts) finite however many users connect: four uids at their per-uid limit.
 * `--max-sessions` changes it (a ConnectX-7 has 1024 firmware UIDs, one per session).
 */
export const DEFAULT_MAX_SESSIONS = 256;

/** Requests a session accepts before it stops reading its socket (request backpressure). */
export const MAX_INFLIGHT = 64;

/**
 * Request bytes a session holds (parsed, not yet answered) before it stops reading. With
 * MAX_INFLIGHT alone, 64 queued 2 MiB fwctl RPCs would be 128 MiB per session.
 */
export const MAX_INFLIGHT_BYTES = 1024 * 1024;

/**
 * Reply bytes queued for a peer that does not read them. Past this the session runs no further
 * request until the peer drains its socket: without it, a client that sends FWCTL_RPCs with a
 * 2 MiB out_len and never reads made the broker queue replies until it ran out of memory.
 */
export const MAX_QUEUED_REPLY_BYTES = 2 * 1024 * 1024;

/**
 * Received fds a session holds on requests not yet run before it stops reading. Only UMEM_REG
 * takes an fd (one); any other fd is closed as its frame is parsed. Without a bound, 64 sessions
 * each queueing 64 frames of 16 fds behind replies they never read took a broker to its
 * RLIMIT_NOFILE, and the failed accept4 then ended it.
 */
export const MAX_INFLIGHT_FDS = 4;

/**
 * Received fds held on requests not yet run, all sessions together. Past it, a UMEM_REG's fd is
 * closed on arrival and the request answered ENFILE (the kernel's errno for a full file table):
 * other requests are still served, and the broker's fds stay bounded (fdBound in src/broker/bounds.ts).
 * `--max-fds-in-flight` changes it.
 */
export const DEFAULT_MAX_INFLIGHT_FDS_TOTAL = 1024;

/**
 * Request and reply bytes the broker buffers, all sessions together: frames parsed and not yet
 * answered, partial frames in the parsers, replies the peers have not read. While it is
 * exhausted, sessions stop reading and a session with unread replies runs nothing more; a
 * session holding nothing still gets its next request read and run, so hostile sessions that
 * never read cannot stop a well-behaved one. `--max-buffered-mb` changes it.
 */
export const DEFAULT_MAX_BUFFERED_BYTES = 256 * 1024 * 1024;

/** The budget reopens below this fraction of its limit, so reading does not flap at the edge. */
export const BUFFERED_RESUME_FRACTION = 0.75;

/** Listening pauses after a failed accept (EMFILE, ENFILE, ENOBUFS, ...), doubling up to the maximum. */
export const ACCEPT_BACKOFF_MIN_MS = 10;
export const ACCEPT_BACKOFF_MAX_MS = 1000;
/**
 * Bytes queued on a devlink monitor subscriber's connection (events and replies alike) past
 * which further events are dropped for that subscriber, as a netlink multicast is dropped for a
 * socket whose receive buffer is full (about 208 KiB by default). The subscriber then gets one
 * -ENOBUFS notice once it has read what was queued, and events resume. Without the bound, 64
 * subscribers that never read and one writer toggling a param grew the broker by 2.7 GB a minute.
 */
export const MONITOR_QUEUE_BYTES = 256 * 1024;

/**
 * Connections the kernel queues on a device socket before the broker accepts them. A burst of
 * tools started at once (a fleet script, `xargs -P`) must not see EAGAIN from connect(2) where
 * the kernel's open(2) would never fail; the kernel caps it at net.core.somaxconn (4096 today).
 */
export const LISTEN_BACKLOG = 4096;
