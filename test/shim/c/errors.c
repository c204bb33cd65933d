/*
 * Every error path a program can hit through the two uAPIs, with the errno the kernel driver
 * gives: missing nodes, bad sizes, reserved fields, bad ids, unknown ioctls, bad pointers,
 * closed fds, and dup'd fds sharing one open file. Prints "errno <case>: <ERRNO>" per case.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "kernel_uapi.h"
#include "prm.h"

static uint8_t in[16], out[16 + 4096];

static struct mlx5ctl_cmdrpc rpc_of(uint32_t inlen, uint32_t outlen)
{
	struct mlx5ctl_cmdrpc rpc = { .in = (uintptr_t)in, .out = (uintptr_t)out, .inlen = inlen, .outlen = outlen };
	return rpc;
}

static void misc_errors(const char *node)
{
	struct mlx5ctl_cmdrpc rpc;
	struct mlx5ctl_umem_reg reg;
	struct mlx5ctl_umem_unreg unreg;
	struct mlx5ctl_info info;
	uint8_t *page = memalign(4096, 8192);
	int fd = open(node, O_RDWR), dupfd;
	if (fd < 0 || !page) {
		CHECK(0, "open %s", node);
		return;
	}
	prm_cmd(in, MLX5_CMD_OP_QUERY_HCA_CAP, 1);
	rpc = rpc_of(8, sizeof(out));
	EXPECT_ERRNO("cmdrpc inlen 8", EINVAL, ioctl(fd, MLX5CTL_IOCTL_CMDRPC, &rpc));
	rpc = rpc_of(16, 8);
	EXPECT_ERRNO("cmdrpc outlen 8", EINVAL, ioctl(fd, MLX5CTL_IOCTL_CMDRPC, &rpc));
	rpc = rpc_of(16, MLX5CTL_MAX_RPC_SIZE + 1);
	EXPECT_ERRNO("cmdrpc outlen 262145", EINVAL, ioctl(fd, MLX5CTL_IOCTL_CMDRPC, &rpc));
	rpc = rpc_of(16, sizeof(out));
	rpc.in = 0x10;
	EXPECT_ERRNO("cmdrpc bad inbox pointer", EFAULT, ioctl(fd, MLX5CTL_IOCTL_CMDRPC, &rpc));
	EXPECT_ERRNO("cmdrpc bad struct pointer", EFAULT, ioctl(fd, MLX5CTL_IOCTL_CMDRPC, (void *)0x10));
	EXPECT_ERRNO("unknown ioctl", ENOTTY, ioctl(fd, _IO(MLX5CTL_IOCTL_MAGIC, 9)));
	EXPECT_ERRNO("info with a wrong size", ENOTTY, ioctl(fd, _IOR(MLX5CTL_IOCTL_MAGIC, 0, uint64_t), &info));
	EXPECT_ERRNO("fwctl ioctl on mlx5ctl", ENOTTY, ioctl(fd, FWCTL_INFO, &info));

	reg = (struct mlx5ctl_umem_reg){ .addr = (uintptr_t)page, .len = 0 };
	EXPECT_ERRNO("umem_reg len 0", EINVAL, ioctl(fd, MLX5CTL_IOCTL_UMEM_REG, &reg));
	reg = (struct mlx5ctl_umem_reg){ .addr = (uintptr_t)page, .len = 65ULL << 20 };
	EXPECT_ERRNO("umem_reg 65 MB", EINVAL, ioctl(fd, MLX5CTL_IOCTL_UMEM_REG, &reg));
	reg = (struct mlx5ctl_umem_reg){ .addr = UINT64_MAX - 100, .len = 4096 };
	EXPECT_ERRNO("umem_reg wrapping", EINVAL, ioctl(fd, MLX5CTL_IOCTL_UMEM_REG, &reg));
	reg = (struct mlx5ctl_umem_reg){ .addr = (uintptr_t)page, .len = 4096, .reserved = 1 };
	EXPECT_ERRNO("umem_reg reserved", EOPNOTSUPP, ioctl(fd, MLX5CTL_IOCTL_UMEM_REG, &reg));
	/* Memory that is not there, and memory that cannot be written: pin_user_pages(FOLL_WRITE). */
	void *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg = (struct mlx5ctl_umem_reg){ .addr = (uintptr_t)none, .len = 4096 };
	EXPECT_ERRNO("umem_reg inaccessible", EFAULT, ioctl(fd, MLX5CTL_IOCTL_UMEM_REG, &reg));
	CHECK(none != MAP_FAILED && munmap(none, 4096) == 0, "munmap");
	void *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg = (struct mlx5ctl_umem_reg){ .addr = (uintptr_t)ro, .len = 4096 };
	EXPECT_ERRNO("umem_reg read-only", EFAULT, ioctl(fd, MLX5CTL_IOCTL_UMEM_REG, &reg));
	CHECK(ro != MAP_FAILED && munmap(ro, 4096) == 0, "munmap");

	unreg = (struct mlx5ctl_umem_unreg){ .umem_id = 0xabcdef };
	EXPECT_ERRNO("umem_unreg bad id", ENOENT, ioctl(fd, MLX5CTL_IOCTL_UMEM_UNREG, &unreg));
	reg = (struct mlx5ctl_umem_reg){ .addr = (uintptr_t)page + 100, .len = 5000 };
	CHECK(ioctl(fd, MLX5CTL_IOCTL_UMEM_REG, &reg) == 0 && reg.umem_id != 0, "umem_reg across two pages");
	unreg = (struct mlx5ctl_umem_unreg){ .umem_id = reg.umem_id, .reserved = 1 };
	EXPECT_ERRNO("umem_unreg reserved", EOPNOTSUPP, ioctl(fd, MLX5CTL_IOCTL_UMEM_UNREG, &unreg));
	unreg = (struct mlx5ctl_umem_unreg){ .umem_id = reg.umem_id };
	CHECK(ioctl(fd, MLX5CTL_IOCTL_UMEM_UNREG, &unreg) == 0, "umem_unreg");
	EXPECT_ERRNO("umem_unreg twice", ENOENT, ioctl(fd, MLX5CTL_IOCTL_UMEM_UNREG, &unreg));

	/* dup: two fds, one open file; closing one leaves the session to the other. */
	struct mlx5ctl_info a = { 0 }, b = { 0 };
	CHECK(ioctl(fd, MLX5CTL_IOCTL_INFO, &a) == 0, "info");
	dupfd = dup(fd);
	CHECK(dupfd >= 0 && close(fd) == 0, "dup + close the original");
	CHECK(ioctl(dupfd, MLX5CTL_IOCTL_INFO, &b) == 0 && b.uctx_uid == a.uctx_uid, "the dup is the same session (uid %u)", b.uctx_uid);
	int fd3 = fcntl(dupfd, F_DUPFD_CLOEXEC, 100);
	CHECK(fd3 >= 100 && ioctl(fd3, MLX5CTL_IOCTL_INFO, &b) == 0 && b.uctx_uid == a.uctx_uid, "an F_DUPFD copy is the same session");
	CHECK(close(fd3) == 0, "close F_DUPFD copy");
	int fd4 = open("/dev/null", O_RDONLY);
	CHECK(dup2(fd4, dupfd) == dupfd, "dup2 over the session fd");
	EXPECT_ERRNO("session ioctl on a dup2-replaced fd", ENOTTY, ioctl(dupfd, MLX5CTL_IOCTL_INFO, &b));
	CHECK(close(dupfd) == 0 && close(fd4) == 0, "close");
	EXPECT_ERRNO("ioctl on a closed fd", EBADF, ioctl(dupfd, MLX5CTL_IOCTL_INFO, &b));
	EXPECT_ERRNO("close of a closed fd", EBADF, close(dupfd));
	free(page);
}

static void fwctl_errors(const char *node)
{
	struct {
		struct fwctl_rpc rpc;
		uint64_t tail;
	} big;
	struct fwctl_info info;
	struct fwctl_rpc rpc;
	struct fwctl_info_mlx5 mlx5;
	int fd = open(node, O_RDWR);
	if (fd < 0) {
		CHECK(0, "open %s", node);
		return;
	}
	prm_cmd(in, MLX5_CMD_OP_QUERY_HCA_CAP, 1);
	info = (struct fwctl_info){ .size = 16, .device_data_len = sizeof(mlx5), .out_device_data = (uintptr_t)&mlx5 };
	EXPECT_ERRNO("fwctl info size 16", EINVAL, ioctl(fd, FWCTL_INFO, &info));
	info.size = sizeof(info);
	info.flags = 1;
	EXPECT_ERRNO("fwctl info flags", EOPNOTSUPP, ioctl(fd, FWCTL_INFO, &info));
	info.flags = 0;
	info.out_device_data = 0x10;
	EXPECT_ERRNO("fwctl info bad blob pointer", EFAULT, ioctl(fd, FWCTL_INFO, &info));

	rpc = (struct fwctl_rpc){ .size = 24, .in = (uintptr_t)in, .in_len = 16, .out = (uintptr_t)out, .out_len = sizeof(out) };
	EXPECT_ERRNO("fwctl rpc size 24", EINVAL, ioctl(fd, FWCTL_RPC, &rpc));
	big.rpc = (struct fwctl_rpc){ .size = sizeof(big), .in = (uintptr_t)in, .in_len = 16, .out = (uintptr_t)out, .out_len = sizeof(out) };
	big.tail = 1;
	EXPECT_ERRNO("fwctl rpc non-zero tail", E2BIG, ioctl(fd, FWCTL_RPC, &big));
	big.tail = 0;
	CHECK(ioctl(fd, FWCTL_RPC, &big) == 0, "fwctl rpc larger struct, zero tail");
	rpc.size = sizeof(rpc);
	rpc.in_len = 3 << 20;
	EXPECT_ERRNO("fwctl rpc in_len 3 MiB", EMSGSIZE, ioctl(fd, FWCTL_RPC, &rpc));
	rpc.in_len = 8;
	EXPECT_ERRNO("fwctl rpc in_len 8", EMSGSIZE, ioctl(fd, FWCTL_RPC, &rpc));
	rpc.in_len = 16;
	rpc.scope = 9;
	EXPECT_ERRNO("fwctl rpc scope 9", EOPNOTSUPP, ioctl(fd, FWCTL_RPC, &rpc));
	rpc.scope = FWCTL_RPC_CONFIGURATION;
	prm_cmd(in, MLX5_CMD_OP_ALLOC_PD, 0);
	EXPECT_ERRNO("fwctl rpc ALLOC_PD (not on the allowlist)", EBADMSG, ioctl(fd, FWCTL_RPC, &rpc));
	EXPECT_ERRNO("fwctl unknown ioctl", ENOTTY, ioctl(fd, _IO(FWCTL_TYPE, 5), &rpc));
	struct mlx5ctl_umem_unreg unreg = { 1, 0 };
	EXPECT_ERRNO("mlx5ctl umem ioctl on fwctl", ENOTTY, ioctl(fd, MLX5CTL_IOCTL_UMEM_UNREG, &unreg));
	CHECK(close(fd) == 0, "close");
	EXPECT_ERRNO("fwctl ioctl on a closed fd", EBADF, ioctl(fd, FWCTL_INFO, &info));
}

int main(int argc, char **argv)
{
	const char *misc = argc > 1 ? argv[1] : "/dev/mlx5ctl-mlx5_core.ctl.0";
	const char *fw = argc > 2 ? argv[2] : "/dev/fwctl/fwctl0";
	struct stat st;
	EXPECT_ERRNO("open missing mlx5ctl node", ENOENT, open("/dev/mlx5ctl-mlx5_core.ctl.9", O_RDWR));
	EXPECT_ERRNO("open missing fwctl node", ENOENT, open("/dev/fwctl/fwctl9", O_RDWR));
	EXPECT_ERRNO("stat missing node", ENOENT, stat("/dev/fwctl/fwctl9", &st));
	EXPECT_ERRNO("access missing node", ENOENT, access("/dev/mlx5ctl-mlx5_core.ctl.9", F_OK));
	EXPECT_ERRNO("open node as a directory", ENOTDIR, open(misc, O_RDONLY | O_DIRECTORY));
	misc_errors(misc);
	fwctl_errors(fw);
	return finish();
}
