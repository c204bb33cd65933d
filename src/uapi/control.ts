/**
 * The broker's own messages, which are not kernel ioctls. They use ioctl-style numbers of their
 * own type byte so they share the framing and the dispatch table with the kernel ones.
 *
 * OPEN is the open(2) of the character device: the broker sends it unsolicited (seq 0) as soon as
 * it accepts a connection, with result 0 once the session has a firmware UID, or -errno
 * (EACCES: the peer is not authorized; ENOMEM/EIO: no UID could be allocated) before closing.
 *
 * ADMIN, DEVLINK and SIM carry a JSON body (validated by the handler's ajv schema) and optional
 * binary payload after it:  struct mlx5ctld_msg { u32 json_len; u32 reserved; } JSON, binary.
 */
import { ior, iowr } from './ioctl';
import { defineStruct } from './struct';

export const MLX5CTLD_TYPE = 0xd5;

export const mlx5ctldOpen = defineStruct('mlx5ctld_open', 16, [
  { name: 'version', offset: 0, type: 'u32', dir: 'out', doc: 'protocol version (1)' },
  { name: 'max_scope', offset: 4, type: 'u32', dir: 'out', doc: 'highest fwctl scope this session may use' },
  { name: 'max_frame', offset: 8, type: 'u32', dir: 'out', doc: 'largest frame the broker accepts, in bytes' },
  { name: 'reserved', offset: 12, type: 'u32', dir: 'reserved', doc: 'must be 0' },
]);

export const mlx5ctldMsg = defineStruct('mlx5ctld_msg', 8, [
  { name: 'json_len', offset: 0, type: 'u32', dir: 'inout', doc: 'bytes of UTF-8 JSON right after the struct' },
  { name: 'reserved', offset: 4, type: 'u32', dir: 'reserved', doc: 'must be 0' },
]);

export const PROTOCOL_VERSION = 1;
/** Largest JSON body of a control request: what the broker will parse from any client. */
export const MAX_CONTROL_JSON = 64 * 1024;
/**
 * Largest JSON body of a control reply. Replies may be bigger than requests: `status` lists every
 * session, about 180 bytes each, and a device has 1024 UIDs. Still bounded, so a client never
 * parses an arbitrarily large body; the broker answers EMSGSIZE rather than send more.
 */
export const MAX_CONTROL_REPLY_JSON = 1024 * 1024;

export const MLX5CTLD_OPEN = ior(MLX5CTLD_TYPE, 0, mlx5ctldOpen.size);
export const MLX5CTLD_ADMIN = iowr(MLX5CTLD_TYPE, 1, mlx5ctldMsg.size);
export const MLX5CTLD_DEVLINK = iowr(MLX5CTLD_TYPE, 2, mlx5ctldMsg.size);
export const MLX5CTLD_SIM = iowr(MLX5CTLD_TYPE, 3, mlx5ctldMsg.size);
/**
 * cr-space reads (src/broker/handlers/crspace.ts): JSON `{addr, dwords}` (or `{ranges: [...]}`),
 * reply JSON plus the dwords as little-endian u32 host values. DEBUG_READ_ONLY, audited.
 */
export const MLX5CTLD_CRSPACE = iowr(MLX5CTLD_TYPE, 4, mlx5ctldMsg.size);
