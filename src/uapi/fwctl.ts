/**
 * The fwctl uAPI (include/uapi/fwctl/{fwctl,mlx5}.h, Linux 6.15+), byte for byte.
 *
 * Structs are size-prefixed: the first u32 is the size the caller was compiled with. Smaller
 * than the minimum (up to the last known field) → EINVAL; larger with non-zero unknown bytes →
 * E2BIG (copy_struct_from_user); larger with zeros is fine.
 *
 * errno contract: ENOTTY unknown ioctl; E2BIG non-zero unknown tail; EOPNOTSUPP unsupported field
 * value (flags, scope); EINVAL bad sizes; EMSGSIZE an RPC buffer over 2 MiB, or (mlx5) under the
 * 16-byte header; EBADMSG (mlx5) an opcode the scope table refuses; EPERM DEBUG_WRITE_FULL without
 * the privilege; ENOMEM; ENODEV device unplugged. "Any errno indicates that delivery of the RPC
 * to the device failed"; device status is encoded in the outbox.
 */
import { io } from './ioctl';
import { defineStruct } from './struct';

export const FWCTL_TYPE = 0x9a;
export const FWCTL_INFO = io(FWCTL_TYPE, 0); // 0x9a00
export const FWCTL_RPC = io(FWCTL_TYPE, 1); // 0x9a01

/** Largest in or out buffer of one FWCTL_RPC. */
export const FWCTL_MAX_RPC_LEN = 2 * 1024 * 1024;

export const FwctlDeviceType = { ERROR: 0, MLX5: 1, CXL: 2, BNXT: 3, PDS: 4 } as const;

/** fwctl_rpc_scope: how much the RPC may do. WRITE scopes taint; WRITE_FULL needs CAP_SYS_RAWIO. */
export const Scope = {
  /** Device stays in a fully supported state. */
  CONFIGURATION: 0,
  /** Lockdown compatible; discloses no secrets. */
  DEBUG_READ_ONLY: 1,
  /** May leave a fully supported state (taints). */
  DEBUG_WRITE: 2,
  /** Everything, not bound by lockdown (taints, needs CAP_SYS_RAWIO). */
  DEBUG_WRITE_FULL: 3,
} as const;
export type ScopeValue = (typeof Scope)[keyof typeof Scope];
export const scopeNames: Record<ScopeValue, string> = {
  0: 'CONFIGURATION',
  1: 'DEBUG_READ_ONLY',
  2: 'DEBUG_WRITE',
  3: 'DEBUG_WRITE_FULL',
};

export function isScope(value: number): value is ScopeValue {
  return value === 0 || value === 1 || value === 2 || value === 3;
}

export const fwctlInfo = defineStruct('fwctl_info', 24, [
  { name: 'size', offset: 0, type: 'u32', dir: 'in', doc: 'sizeof(struct fwctl_info) as the caller knows it' },
  { name: 'flags', offset: 4, type: 'u32', dir: 'in', doc: 'must be 0 (EOPNOTSUPP otherwise)' },
  { name: 'out_device_type', offset: 8, type: 'u32', dir: 'out', doc: 'enum fwctl_device_type (MLX5 = 1)' },
  { name: 'device_data_len', offset: 12, type: 'u32', dir: 'inout', doc: 'in: bytes at out_device_data; out: the driver blob length' },
  { name: 'out_device_data', offset: 16, type: 'u64', dir: 'in', doc: 'user address for the driver blob, zero-padded to device_data_len' },
]);
/** offsetofend(struct fwctl_info, out_device_data) */
export const FWCTL_INFO_MIN_SIZE = 24;

export const fwctlRpc = defineStruct('fwctl_rpc', 32, [
  { name: 'size', offset: 0, type: 'u32', dir: 'in', doc: 'sizeof(struct fwctl_rpc) as the caller knows it' },
  { name: 'scope', offset: 4, type: 'u32', dir: 'in', doc: 'enum fwctl_rpc_scope the RPC runs under' },
  { name: 'in_len', offset: 8, type: 'u32', dir: 'in', doc: 'inbox length in bytes, at most 2 MiB' },
  { name: 'out_len', offset: 12, type: 'u32', dir: 'inout', doc: 'in: outbox capacity; out: bytes the device produced' },
  { name: 'in', offset: 16, type: 'u64', dir: 'in', doc: 'user address of the inbox' },
  { name: 'out', offset: 24, type: 'u64', dir: 'in', doc: 'user address of the outbox' },
]);
/** offsetofend(struct fwctl_rpc, out) */
export const FWCTL_RPC_MIN_SIZE = 32;

/** struct fwctl_info_mlx5: the device-specific INFO blob. "Each command header will force this value". */
export const fwctlInfoMlx5 = defineStruct('fwctl_info_mlx5', 8, [
  { name: 'uid', offset: 0, type: 'u32', dir: 'out', doc: 'firmware UID stamped into every command header of this fd' },
  { name: 'uctx_caps', offset: 4, type: 'u32', dir: 'out', doc: 'UCTX capability bits granted to this fd' },
]);
