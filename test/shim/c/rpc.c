/*
 * MLX5CTL_IOCTL_CMDRPC against the kernel uAPI: QUERY_HCA_CAP (GENERAL, current) and the
 * uctx_cap bits in the outbox, checked against MLX5CTL_IOCTL_INFO's dev_uctx_cap; then a
 * firmware failure, which is not an ioctl failure (status and syndrome travel in the outbox).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "check.h"
#include "kernel_uapi.h"
#include "prm.h"

#define HCA_CAP_OUTLEN (16 + 4096)
#define UCTX_CAP_TOOLS_RESOURCES 0x4

static int cmdrpc(int fd, void *in, uint32_t inlen, void *out, uint32_t outlen)
{
	struct mlx5ctl_cmdrpc rpc = {
		.in = (uintptr_t)in, .out = (uintptr_t)out, .inlen = inlen, .outlen = outlen,
	};
	return ioctl(fd, MLX5CTL_IOCTL_CMDRPC, &rpc);
}

int main(int argc, char **argv)
{
	const char *node = argc > 1 ? argv[1] : "/dev/mlx5ctl-mlx5_core.ctl.0";
	static uint8_t out[HCA_CAP_OUTLEN];
	uint8_t in[16] = { 0 };
	struct mlx5ctl_info info = { 0 };
	int fd = open(node, O_RDWR);
	if (fd < 0) {
		CHECK(0, "open %s", node);
		return finish();
	}
	CHECK(ioctl(fd, MLX5CTL_IOCTL_INFO, &info) == 0, "INFO");

	prm_cmd(in, MLX5_CMD_OP_QUERY_HCA_CAP, (0 << 1) | 1); /* GENERAL, current */
	prm_set(in, 0x10, 16, 0x7777); /* a uid the driver must overwrite */
	memset(out, 0xa5, sizeof(out));
	CHECK(cmdrpc(fd, in, sizeof(in), out, sizeof(out)) == 0, "CMDRPC QUERY_HCA_CAP");
	const uint8_t *cap = out + 0x10;
	uint32_t uctx_cap = prm_get(cap, 0x6a0, 32);
	printf("status: 0x%x\n", prm_get(out, 0, 8));
	printf("uctx_cap: 0x%x\n", uctx_cap);
	printf("vhca_id: %u\n", prm_get(cap, 0x30, 16));
	printf("log_max_umem: %u\n", prm_get(cap, 0x46b, 5));
	CHECK(prm_get(out, 0, 8) == 0, "status 0");
	CHECK(uctx_cap == info.dev_uctx_cap, "uctx_cap 0x%x equals INFO dev_uctx_cap 0x%x", uctx_cap, info.dev_uctx_cap);
	CHECK(uctx_cap & UCTX_CAP_TOOLS_RESOURCES, "the device offers TOOLS_RESOURCES");

	/* A register that does not exist: the firmware refuses, the ioctl still succeeds. */
	uint8_t reg_in[16 + 16] = { 0 }, reg_out[16 + 16];
	prm_cmd(reg_in, MLX5_CMD_OP_ACCESS_REG, 1);
	prm_set(reg_in, 0x50, 16, 0x7fff);
	memset(reg_out, 0, sizeof(reg_out));
	CHECK(cmdrpc(fd, reg_in, sizeof(reg_in), reg_out, sizeof(reg_out)) == 0, "CMDRPC of a failing command returns 0");
	printf("bad register: status 0x%x syndrome 0x%x\n", prm_get(reg_out, 0, 8), prm_get(reg_out, 0x20, 32));
	CHECK(prm_get(reg_out, 0, 8) != 0, "firmware status is non-zero");

	/* Many round trips on one open file. */
	for (int i = 0; i < 200; i++) {
		memset(out, 0, sizeof(out));
		if (cmdrpc(fd, in, sizeof(in), out, sizeof(out)) != 0 || prm_get(out + 0x10, 0x6a0, 32) != uctx_cap) {
			CHECK(0, "repeat %d", i);
			break;
		}
	}
	printf("repeated: 200\n");
	CHECK(close(fd) == 0, "close");
	return finish();
}
