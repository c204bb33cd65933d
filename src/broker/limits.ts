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

/** Requests a session accepts before it stops reading its socket (request backpressure). */
export const MAX_INFLIGHT = 64;

/**
 * Request bytes a session holds (parsed, not yet answered) before it stops reading. With
 * MAX_INFLIGHT alone, 64 queued 2 MiB fwctl RPCs would be 128 MiB per session.
 */
export const MAX_INFLIGHT_BYTES = 4 * 1024 * 1024;

/**
 * Reply bytes queued for a peer that does not read them. Past this the session runs no further
 * request until the peer drains its socket: without it, a client that sends FWCTL_RPCs with a
 * 2 MiB out_len and never reads made the broker queue replies until it ran out of memory.
 */
export const MAX_QUEUED_REPLY_BYTES = 4 * 1024 * 1024;

/**
 * Bytes queued on a devlink monitor subscriber's connection (events and replies alike) past
 * which further events are dropped for that subscriber, as a netlink multicast is dropped for a
 * socket whose receive buffer is full (about 208 KiB by default). The subscriber then gets one
 * -ENOBUFS notice once it has read what was queued, and events resume. Without the bound, 64
 * subscribers that never read and one writer toggling a param grew the broker by 2.7 GB a minute.
 */
export const MONITOR_QUEUE_BYTES = 256 * 1024;
