/*
 * The kernel uAPIs the shim emulates, byte for byte: uapi/misc/mlx5ctl.h (V4) and
 * uapi/fwctl/fwctl.h + mlx5.h, plus the broker's OPEN frame (src/uapi/control.ts).
 * Declared here rather than included because neither header ships with distributions.
 */
#ifndef MLX5CTL_SHIM_UAPI_H
#define MLX5CTL_SHIM_UAPI_H

#include <linux/ioctl.h>
#include <stdint.h>

struct mlx5ctl_info {
	uint16_t uctx_uid;
	uint16_t reserved1;
	uint32_t uctx_cap;
	uint32_t dev_uctx_cap;
	uint32_t ucap;
};

struct mlx5ctl_cmdrpc {
	uint64_t in;
	uint64_t out;
	uint32_t inlen;
	uint32_t outlen;
} __attribute__((aligned(8)));

struct mlx5ctl_umem_reg {
	uint64_t addr;
	uint64_t len;
	uint32_t umem_id;
	uint32_t reserved;
} __attribute__((aligned(8)));

struct mlx5ctl_umem_unreg {
	uint32_t umem_id;
	uint32_t reserved;
};

#define MLX5CTL_IOCTL_MAGIC 0x5c
#define MLX5CTL_IOCTL_INFO _IOR(MLX5CTL_IOCTL_MAGIC, 0x0, struct mlx5ctl_info)
#define MLX5CTL_IOCTL_CMDRPC _IOWR(MLX5CTL_IOCTL_MAGIC, 0x1, struct mlx5ctl_cmdrpc)
#define MLX5CTL_IOCTL_UMEM_REG _IOWR(MLX5CTL_IOCTL_MAGIC, 0x2, struct mlx5ctl_umem_reg)
#define MLX5CTL_IOCTL_UMEM_UNREG _IOWR(MLX5CTL_IOCTL_MAGIC, 0x3, struct mlx5ctl_umem_unreg)

/* "512 blocks of 512 bytes", and the 16-byte mailbox header. */
#define MLX5CTL_MAX_RPC_SIZE (512 * 512)
#define MLX5CTL_MIN_RPC_SIZE 16
#define MLX5CTL_UMEM_MAX_BYTES (64ULL * 1024 * 1024)

struct fwctl_info {
	uint32_t size;
	uint32_t flags;
	uint32_t out_device_type;
	uint32_t device_data_len;
	uint64_t out_device_data;
};

struct fwctl_rpc {
	uint32_t size;
	uint32_t scope;
	uint32_t in_len;
	uint32_t out_len;
	uint64_t in;
	uint64_t out;
};

struct fwctl_info_mlx5 {
	uint32_t uid;
	uint32_t uctx_caps;
};

#define FWCTL_TYPE 0x9A
#define FWCTL_INFO _IO(FWCTL_TYPE, 0)
#define FWCTL_RPC _IO(FWCTL_TYPE, 1)
#define FWCTL_MAX_RPC_LEN (2 * 1024 * 1024)
#define FWCTL_RPC_SCOPE_MAX 3

/* The broker's own messages: the unsolicited OPEN frame that plays open(2)'s result. */
struct mlx5ctld_open {
	uint32_t version;
	uint32_t max_scope;
	uint32_t max_frame;
	uint32_t reserved;
};
#define MLX5CTLD_TYPE 0xd5
#define MLX5CTLD_OPEN _IOR(MLX5CTLD_TYPE, 0, struct mlx5ctld_open)

_Static_assert(sizeof(struct mlx5ctl_info) == 16, "mlx5ctl_info is 16 bytes");
_Static_assert(sizeof(struct mlx5ctl_cmdrpc) == 24, "mlx5ctl_cmdrpc is 24 bytes");
_Static_assert(sizeof(struct mlx5ctl_umem_reg) == 24, "mlx5ctl_umem_reg is 24 bytes");
_Static_assert(sizeof(struct mlx5ctl_umem_unreg) == 8, "mlx5ctl_umem_unreg is 8 bytes");
_Static_assert(sizeof(struct fwctl_info) == 24, "fwctl_info is 24 bytes");
_Static_assert(sizeof(struct fwctl_rpc) == 32, "fwctl_rpc is 32 bytes");

#endif
