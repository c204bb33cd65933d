/*
 * What unmodified tools send, through both uAPIs: inboxes built in malloc'd, never zeroed memory
 * (here filled with junk on purpose), where only the fields a command defines are set and every
 * reserved bit holds whatever was there.
 *
 * mlx5ctl uAPI (the misc-era tool): `diagcnt cap`, `diagcnt set`, `diagcnt param`, `diagcnt dump`,
 * `diagcnt disable`. fwctl uAPI (mstflint's fwctl backend): ACCESS_REG reads at DEBUG_READ_ONLY,
 * writes at DEBUG_WRITE_FULL, FWCTL_INFO's caps, an undefined op_mod, and opcodes outside the
 * scope table. Every line printed is "key: value", checked by test/shim/tools_inboxes.test.ts.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "check.h"
#include "kernel_uapi.h"
#include "prm.h"

#define MLX5_CMD_OP_QUERY_DIAGNOSTIC_PARAMS 0x819
#define MLX5_CMD_OP_SET_DIAGNOSTIC_PARAMS 0x820
#define MLX5_CMD_OP_QUERY_DIAGNOSTIC_COUNTERS 0x821
#define MLX5_CAP_DEBUG_CUR ((0xd << 1) | 1)
#define MLX5_REG_PAOS 0x5006
#define MLX5_REG_PPCNT 0x5008
#define JUNK 0xa5

/* malloc without zeroing, as the tools do; the junk is made certain rather than left to chance. */
static void *junk_alloc(size_t len)
{
	void *p = malloc(len);
	if (p)
		memset(p, JUNK, len);
	return p;
}

/* The header fields a tool sets: opcode and op_mod. uid and the reserved words keep the junk. */
static void header(void *in, uint16_t opcode, uint16_t op_mod)
{
	prm_cmd(in, opcode, op_mod);
}

static int cmdrpc(int fd, void *in, uint32_t inlen, void *out, uint32_t outlen)
{
	struct mlx5ctl_cmdrpc rpc = { .in = (uintptr_t)in, .out = (uintptr_t)out, .inlen = inlen, .outlen = outlen };
	return ioctl(fd, MLX5CTL_IOCTL_CMDRPC, &rpc);
}

static int fwrpc(int fd, uint32_t scope, void *in, uint32_t inlen, void *out, uint32_t outlen)
{
	struct fwctl_rpc rpc = { .size = sizeof(rpc), .scope = scope, .in = (uintptr_t)in, .in_len = inlen, .out = (uintptr_t)out, .out_len = outlen };
	return ioctl(fd, FWCTL_RPC, &rpc);
}

/* diagnostic_params_context at byte 8: every named field set, reserved bits left as junk. */
static void diag_ctx(void *in, unsigned n, unsigned enable, unsigned clear, unsigned single, unsigned log_samples, unsigned log_period)
{
	prm_set(in, 0x40 + 0x00, 16, n);
	prm_set(in, 0x40 + 0x18, 8, log_samples);
	prm_set(in, 0x40 + 0x20, 1, single);
	prm_set(in, 0x40 + 0x21, 1, 0); /* repetitive */
	prm_set(in, 0x40 + 0x22, 1, 0); /* sync */
	prm_set(in, 0x40 + 0x23, 1, clear);
	prm_set(in, 0x40 + 0x24, 1, 0); /* on_demand */
	prm_set(in, 0x40 + 0x25, 1, enable);
	prm_set(in, 0x40 + 0x38, 8, log_period);
}

static void diagcnt(const char *node)
{
	int fd = open(node, O_RDWR);
	if (fd < 0) {
		CHECK(0, "open %s", node);
		return;
	}
	uint8_t *in = junk_alloc(16), *out = junk_alloc(4112);
	uint16_t ids[2];

	/* diagcnt cap: the DEBUG capability page lists the counters (from cap byte 0x40). */
	header(in, MLX5_CMD_OP_QUERY_HCA_CAP, MLX5_CAP_DEBUG_CUR);
	prm_set(in, 0x40, 1, 0);   /* other_function */
	prm_set(in, 0x50, 16, 0);  /* function_id */
	CHECK(cmdrpc(fd, in, 16, out, 4112) == 0, "QUERY_HCA_CAP DEBUG");
	printf("diag cap status: 0x%x\n", prm_get(out, 0, 8));
	for (int i = 0; i < 2; i++)
		ids[i] = prm_get(out + 16 + 0x40 + 4 * i, 0x10, 16);
	free(in);

	/* diagcnt set: SET_DIAGNOSTIC_PARAMS, enable, single, 16 samples, 2 counters. */
	unsigned inlen = 32 + 4 * 2;
	in = junk_alloc(inlen);
	header(in, MLX5_CMD_OP_SET_DIAGNOSTIC_PARAMS, 0);
	diag_ctx(in, 2, 1, 1, 1, 4, 10);
	for (int i = 0; i < 2; i++)
		prm_set(in + 32 + 4 * i, 0x10, 16, ids[i]);
	CHECK(cmdrpc(fd, in, inlen, out, 16) == 0, "SET_DIAGNOSTIC_PARAMS");
	printf("set status: 0x%x syndrome: 0x%x\n", prm_get(out, 0, 8), prm_get(out, 0x20, 32));
	free(in);

	/* diagcnt param: the counters come back as set, with nothing of the junk. */
	in = junk_alloc(16);
	header(in, MLX5_CMD_OP_QUERY_DIAGNOSTIC_PARAMS, 0);
	CHECK(cmdrpc(fd, in, 16, out, 32 + 4 * 2) == 0, "QUERY_DIAGNOSTIC_PARAMS");
	printf("param status: 0x%x enable: %u counters: %u 0x%x 0x%x words: 0x%08x 0x%08x\n", prm_get(out, 0, 8), prm_get(out, 0x40 + 0x25, 1),
	       prm_get(out, 0x40, 16), prm_get(out + 32, 0x10, 16), prm_get(out + 36, 0x10, 16), prm_get(out + 32, 0, 32), prm_get(out + 36, 0, 32));
	printf("param matches set: %s\n", prm_get(out + 32, 0x10, 16) == ids[0] && prm_get(out + 36, 0x10, 16) == ids[1] ? "yes" : "no");

	/* diagcnt dump: QUERY_DIAGNOSTIC_COUNTERS, 2 samples from index 0. */
	header(in, MLX5_CMD_OP_QUERY_DIAGNOSTIC_COUNTERS, 0);
	prm_set(in, 0x40, 16, 2); /* num_of_samples */
	prm_set(in, 0x50, 16, 0); /* sample_index */
	CHECK(cmdrpc(fd, in, 16, out, 16 + 16 * 2) == 0, "QUERY_DIAGNOSTIC_COUNTERS");
	printf("dump status: 0x%x\n", prm_get(out, 0, 8));
	printf("dump counters match: %s\n", prm_get(out + 16, 0, 16) == ids[0] && prm_get(out + 32, 0, 16) == ids[1] ? "yes" : "no");
	free(in);

	/* diagcnt disable: clear=1, enable=0, no counters. */
	in = junk_alloc(32);
	header(in, MLX5_CMD_OP_SET_DIAGNOSTIC_PARAMS, 0);
	diag_ctx(in, 0, 0, 1, 0, 0, 0);
	CHECK(cmdrpc(fd, in, 32, out, 16) == 0, "SET_DIAGNOSTIC_PARAMS disable");
	printf("disable status: 0x%x\n", prm_get(out, 0, 8));
	free(in);
	free(out);
	close(fd);
}

/* ACCESS_REG header as mstflint's fwctl backend sends it: read op_mod 1, write op_mod 0. */
static void access_reg(void *in, uint16_t op_mod, uint16_t reg_id)
{
	header(in, MLX5_CMD_OP_ACCESS_REG, op_mod);
	prm_set(in, 0x50, 16, reg_id); /* register_id */
	prm_set(in, 0x60, 32, 0);      /* argument */
}

/* A PAOS read (mstreg --reg_name PAOS): every named field set, reserved bits junk. */
static void paos_read(void *in)
{
	uint8_t *reg = (uint8_t *)in + 16;
	access_reg(in, 1, MLX5_REG_PAOS);
	prm_set(reg, 0x00, 8, 0);  /* swid */
	prm_set(reg, 0x08, 8, 1);  /* local_port */
	prm_set(reg, 0x12, 2, 0);  /* lp_msb */
	prm_set(reg, 0x14, 4, 0);  /* admin_status */
	prm_set(reg, 0x1c, 4, 0);  /* oper_status */
	prm_set(reg, 0x20, 1, 0);  /* ase */
	prm_set(reg, 0x21, 1, 0);  /* ee */
	prm_set(reg, 0x3e, 2, 0);  /* e */
}

/* A PPCNT write with clr (mstlink --pc, clear counters): a write the tools UID may make. */
static void ppcnt_clear(void *in)
{
	uint8_t *reg = (uint8_t *)in + 16;
	access_reg(in, 0, MLX5_REG_PPCNT);
	prm_set(reg, 0x00, 8, 0);  /* swid */
	prm_set(reg, 0x08, 8, 1);  /* local_port */
	prm_set(reg, 0x10, 2, 0);  /* pnat */
	prm_set(reg, 0x12, 2, 0);  /* lp_msb */
	prm_set(reg, 0x14, 4, 0);  /* port_type */
	prm_set(reg, 0x1a, 6, 0);  /* grp: IEEE 802.3 */
	prm_set(reg, 0x20, 1, 1);  /* clr */
	prm_set(reg, 0x21, 1, 0);  /* lp_gl */
	prm_set(reg, 0x22, 1, 0);  /* counters_cap */
	prm_set(reg, 0x34, 4, 0);  /* plane_ind */
	prm_set(reg, 0x38, 3, 0);  /* grp_profile */
	prm_set(reg, 0x3b, 5, 0);  /* prio_tc */
	memset(reg + 8, 0, 0xf8);  /* counter_set: mstflint sends the register zeroed past its index */
}

static void fwctl(const char *node)
{
	int fd = open(node, O_RDWR);
	if (fd < 0) {
		CHECK(0, "open %s", node);
		return;
	}
	struct fwctl_info_mlx5 mlx5 = { 0 };
	struct fwctl_info info = { .size = sizeof(info), .device_data_len = sizeof(mlx5), .out_device_data = (uintptr_t)&mlx5 };
	CHECK(ioctl(fd, FWCTL_INFO, &info) == 0, "FWCTL_INFO");
	printf("uctx_caps: 0x%x\n", mlx5.uctx_caps);

	uint8_t *in = junk_alloc(16 + 0x100), *out = junk_alloc(4112);
	paos_read(in);
	CHECK(fwrpc(fd, FWCTL_RPC_DEBUG_READ_ONLY, in, 32, out, 32) == 0, "PAOS read at DEBUG_READ_ONLY");
	printf("read status: 0x%x local_port: %u admin: %u oper: %u\n", prm_get(out, 0, 8), prm_get(out + 16, 0x08, 8), prm_get(out + 16, 0x14, 4),
	       prm_get(out + 16, 0x1c, 4));
	paos_read(in);
	EXPECT_ERRNO("read at CONFIGURATION", EBADMSG, fwrpc(fd, FWCTL_RPC_CONFIGURATION, in, 32, out, 32));

	ppcnt_clear(in);
	CHECK(fwrpc(fd, FWCTL_RPC_DEBUG_WRITE_FULL, in, 16 + 0x100, out, 16 + 0x100) == 0, "PPCNT write at DEBUG_WRITE_FULL");
	printf("write status: 0x%x syndrome: 0x%x local_port: %u\n", prm_get(out, 0, 8), prm_get(out, 0x20, 32), prm_get(out + 16, 0x08, 8));

	/* A cap type the PRM does not define: delivered, the firmware's status in the outbox. */
	free(in);
	in = junk_alloc(16);
	header(in, MLX5_CMD_OP_QUERY_HCA_CAP, (0x30 << 1) | 1);
	prm_set(in, 0x40, 1, 0);
	prm_set(in, 0x50, 16, 0);
	CHECK(fwrpc(fd, FWCTL_RPC_CONFIGURATION, in, 16, out, 4112) == 0, "QUERY_HCA_CAP op_mod 0x61");
	printf("undefined op_mod status: 0x%x syndrome: 0x%x\n", prm_get(out, 0, 8), prm_get(out, 0x20, 32));

	/* Outside the table at every scope: a QUERY_-shaped opcode nobody listed, and CREATE_UMEM. */
	header(in, 0x7fe, 0);
	EXPECT_ERRNO("unlisted opcode 0x7fe", EBADMSG, fwrpc(fd, FWCTL_RPC_DEBUG_WRITE_FULL, in, 16, out, 16));
	header(in, 0xa08, 0);
	EXPECT_ERRNO("CREATE_UMEM", EBADMSG, fwrpc(fd, FWCTL_RPC_DEBUG_WRITE_FULL, in, 16, out, 16));
	/* SET_DIAGNOSTIC_PARAMS needs DEBUG_WRITE: the fwctl-era tool's scope 0 is refused. */
	free(in);
	in = junk_alloc(40);
	header(in, MLX5_CMD_OP_SET_DIAGNOSTIC_PARAMS, 0);
	EXPECT_ERRNO("SET_DIAGNOSTIC_PARAMS at DEBUG_READ_ONLY", EBADMSG, fwrpc(fd, FWCTL_RPC_DEBUG_READ_ONLY, in, 40, out, 16));
	free(in);
	free(out);
	close(fd);
}

int main(int argc, char **argv)
{
	diagcnt(argc > 1 ? argv[1] : "/dev/mlx5ctl-mlx5_core.ctl.0");
	fwctl(argc > 2 ? argv[2] : "/dev/fwctl/fwctl0");
	return finish();
}
