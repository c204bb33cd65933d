/**
 * The mlx5ctl misc-driver uAPI, final V4 (uapi/misc/mlx5ctl.h, 2024-02-07), byte for byte.
 *
 * Device node: /dev/mlx5ctl-mlx5_core.ctl.N. Every ioctl of the original driver required
 * CAP_SYS_ADMIN; the broker replaces that with its policy (authorized at open).
 *
 * errno contract (V4):
 *  - EINVAL: the ioctl's size is smaller than the struct; CMDRPC inlen/outlen < 16 or > 262144;
 *    UMEM length zero, wrapping, or over 64 MB.
 *  - EOPNOTSUPP: a reserved field is non-zero.
 *  - ENOTTY: unknown ioctl number.
 *  - EFAULT: the request's buffers do not hold the bytes it claims.
 *  - ENOENT: UMEM_UNREG of an unknown id.
 *  - ENOMEM: pinning failed or is over the memlock quota.
 *  - ENODEV: the device is gone.
 *  - Firmware failures (status != 0) are not errors: CMDRPC returns 0 with the outbox.
 */
import { ior, iowr } from './ioctl';
import { defineStruct } from './struct';

export const MLX5CTL_IOCTL_MAGIC = 0x5c;

/** "512 blocks of 512 bytes": the largest inbox or outbox one CMDRPC may carry. */
export const MLX5CTL_MAX_RPC_SIZE = 512 * 512;
/** The smallest inbox/outbox: the 16-byte mailbox header. */
export const MLX5CTL_MIN_RPC_SIZE = 16;
/** MLX5CTL_UMEM_MAX_MB: the largest single UMEM registration. */
export const MLX5CTL_UMEM_MAX_BYTES = 64 * 1024 * 1024;

export const mlx5ctlInfo = defineStruct('mlx5ctl_info', 16, [
  { name: 'uctx_uid', offset: 0, type: 'u16', dir: 'out', doc: 'firmware user context id of this open file' },
  { name: 'reserved1', offset: 2, type: 'u16', dir: 'reserved', doc: 'must be 0' },
  { name: 'uctx_cap', offset: 4, type: 'u32', dir: 'out', doc: 'UCTX capability bits granted to this open file (RAW_TX 0x1, INTERNAL_DEVICE_RESOURCES 0x2, TOOLS_RESOURCES 0x4)' },
  { name: 'dev_uctx_cap', offset: 8, type: 'u32', dir: 'out', doc: "the device's cmd_hca_cap.uctx_cap" },
  { name: 'ucap', offset: 12, type: 'u32', dir: 'out', doc: "OR of the opener's capability numbers among CAP_NET_RAW 13, CAP_SYS_RAWIO 17, CAP_SYS_ADMIN 21 (so 0x1d for root)" },
]);

export const mlx5ctlCmdrpc = defineStruct('mlx5ctl_cmdrpc', 24, [
  { name: 'in', offset: 0, type: 'u64', dir: 'in', doc: 'user address of the inbox (PRM command layout, big-endian)' },
  { name: 'out', offset: 8, type: 'u64', dir: 'in', doc: 'user address of the outbox, filled on return' },
  { name: 'inlen', offset: 16, type: 'u32', dir: 'in', doc: 'inbox length in bytes, 16..262144' },
  { name: 'outlen', offset: 20, type: 'u32', dir: 'in', doc: 'outbox length in bytes, 16..262144' },
]);

export const mlx5ctlUmemReg = defineStruct('mlx5ctl_umem_reg', 24, [
  { name: 'addr', offset: 0, type: 'u64', dir: 'in', doc: 'start of the buffer: over the socket, the byte offset in the passed memfd' },
  { name: 'len', offset: 8, type: 'u64', dir: 'in', doc: 'length in bytes, 1..64 MB' },
  { name: 'umem_id', offset: 16, type: 'u32', dir: 'out', doc: 'firmware UMEM object id (24 bits)' },
  { name: 'reserved', offset: 20, type: 'u32', dir: 'reserved', doc: 'must be 0' },
]);

export const mlx5ctlUmemUnreg = defineStruct('mlx5ctl_umem_unreg', 8, [
  { name: 'umem_id', offset: 0, type: 'u32', dir: 'in', doc: 'id returned by UMEM_REG' },
  { name: 'reserved', offset: 4, type: 'u32', dir: 'reserved', doc: 'must be 0' },
]);

export const MLX5CTL_IOCTL_INFO = ior(MLX5CTL_IOCTL_MAGIC, 0, mlx5ctlInfo.size); // 0x80105c00
export const MLX5CTL_IOCTL_CMDRPC = iowr(MLX5CTL_IOCTL_MAGIC, 1, mlx5ctlCmdrpc.size); // 0xc0185c01
export const MLX5CTL_IOCTL_UMEM_REG = iowr(MLX5CTL_IOCTL_MAGIC, 2, mlx5ctlUmemReg.size); // 0xc0185c02
export const MLX5CTL_IOCTL_UMEM_UNREG = iowr(MLX5CTL_IOCTL_MAGIC, 3, mlx5ctlUmemUnreg.size); // 0xc0085c03

/** uctx_cap bits (mlx5_ifc MLX5_UCTX_CAP_*; TOOLS_RESOURCES is what mlx5ctl and fwctl ask for). */
export const UctxCap = {
  RAW_TX: 0x1,
  INTERNAL_DEVICE_RESOURCES: 0x2,
  TOOLS_RESOURCES: 0x4,
  RDMA_CTRL: 0x8,
  RDMA_CTRL_OTHER_VHCA: 0x10,
} as const;

/** Linux capability numbers that map to UCTX caps on open. */
export const Capability = { NET_RAW: 13, SYS_RAWIO: 17, SYS_ADMIN: 21 } as const;
