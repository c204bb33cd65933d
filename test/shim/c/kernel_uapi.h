/*
 * The two kernel uAPIs exactly as their headers define them: uapi/misc/mlx5ctl.h (the V4
 * posting, 2024-02-07) and uapi/fwctl/fwctl.h + uapi/fwctl/mlx5.h (Linux 6.15). Neither ships
 * with distributions, so the test programs carry them, as the mlx5ctl tool carries its copies.
 * Nothing here knows about the broker.
 */
#ifndef TEST_KERNEL_UAPI_H
#define TEST_KERNEL_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* ---- uapi/misc/mlx5ctl.h ---- */
struct mlx5ctl_info {
	__u16 uctx_uid; /* current process allocated UCTX UID */
	__u16 reserved1; /* explicit padding must be zero */
	__u32 uctx_cap; /* current process effective UCTX cap */
	__u32 dev_uctx_cap; /* device's UCTX capabilities */
	__u32 ucap; /* process user capability */
};

struct mlx5ctl_cmdrpc {
	__aligned_u64 in; /* RPC inbox buffer user address */
	__aligned_u64 out; /* RPC outbox buffer user address */
	__u32 inlen; /* inbox buffer length */
	__u32 outlen; /* outbox buffer length */
};

struct mlx5ctl_umem_reg {
	__aligned_u64 addr; /* user address */
	__aligned_u64 len; /* user buffer length */
	__u32 umem_id; /* returned device's umem ID */
	__u32 reserved; /* explicit padding must be zero */
};

struct mlx5ctl_umem_unreg {
	__u32 umem_id;
	__u32 reserved; /* explicit padding must be zero */
};

#define MLX5CTL_MAX_RPC_SIZE (512 * 512)
#define MLX5CTL_IOCTL_MAGIC 0x5c
#define MLX5CTL_IOCTL_INFO _IOR(MLX5CTL_IOCTL_MAGIC, 0x0, struct mlx5ctl_info)
#define MLX5CTL_IOCTL_CMDRPC _IOWR(MLX5CTL_IOCTL_MAGIC, 0x1, struct mlx5ctl_cmdrpc)
#define MLX5CTL_IOCTL_UMEM_REG _IOWR(MLX5CTL_IOCTL_MAGIC, 0x2, struct mlx5ctl_umem_reg)
#define MLX5CTL_IOCTL_UMEM_UNREG _IOWR(MLX5CTL_IOCTL_MAGIC, 0x3, struct mlx5ctl_umem_unreg)

/* ---- uapi/fwctl/fwctl.h ---- */
#define FWCTL_TYPE 0x9A

enum {
	FWCTL_CMD_BASE = 0,
	FWCTL_CMD_INFO = 0,
	FWCTL_CMD_RPC = 1,
};

enum fwctl_device_type {
	FWCTL_DEVICE_TYPE_ERROR = 0,
	FWCTL_DEVICE_TYPE_MLX5 = 1,
	FWCTL_DEVICE_TYPE_CXL = 2,
	FWCTL_DEVICE_TYPE_PDS = 4,
};

struct fwctl_info {
	__u32 size;
	__u32 flags;
	__u32 out_device_type;
	__u32 device_data_len;
	__aligned_u64 out_device_data;
};
#define FWCTL_INFO _IO(FWCTL_TYPE, FWCTL_CMD_INFO)

enum fwctl_rpc_scope {
	FWCTL_RPC_CONFIGURATION = 0,
	FWCTL_RPC_DEBUG_READ_ONLY = 1,
	FWCTL_RPC_DEBUG_WRITE = 2,
	FWCTL_RPC_DEBUG_WRITE_FULL = 3,
};

struct fwctl_rpc {
	__u32 size;
	__u32 scope;
	__u32 in_len;
	__u32 out_len;
	__aligned_u64 in;
	__aligned_u64 out;
};
#define FWCTL_RPC _IO(FWCTL_TYPE, FWCTL_CMD_RPC)

/* ---- uapi/fwctl/mlx5.h ---- */
struct fwctl_info_mlx5 {
	__u32 uid;
	__u32 uctx_caps;
};

#endif
