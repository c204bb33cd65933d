/*
 * The umem-mode core dump exactly as the mlx5ctl tool does it, against the kernel uAPI, on plain
 * heap memory: ALLOC_PD, memalign, UMEM_REG of the buffer's own address, CREATE_MKEY over the
 * UMEM with start_addr = the buffer's virtual address, one ACCESS_REG read of CORE_DUMP
 * (CR_DUMP_TO_MEM) with that address, then DESTROY_MKEY, UMEM_UNREG, DEALLOC_PD. The dump must
 * be in the caller's buffer when the ioctl returns ("MLX5CRDP" at its first byte). Run once with
 * a page-aligned buffer and once with one that starts mid-page.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "check.h"
#include "kernel_uapi.h"
#include "prm.h"

#define MKEY_KEY 0x5c
#define MKC 0x80 /* the mkey context starts at byte 0x10 of create_mkey_in */

static int cmd(int fd, void *in, uint32_t inlen, void *out, uint32_t outlen, const char *what)
{
	struct mlx5ctl_cmdrpc rpc = { .in = (uintptr_t)in, .out = (uintptr_t)out, .inlen = inlen, .outlen = outlen };
	if (ioctl(fd, MLX5CTL_IOCTL_CMDRPC, &rpc) != 0) {
		CHECK(0, "%s: ioctl", what);
		return -1;
	}
	if (prm_get(out, 0, 8) != 0) {
		CHECK(0, "%s: status 0x%x syndrome 0x%x", what, prm_get(out, 0, 8), prm_get(out, 0x20, 32));
		return -1;
	}
	return 0;
}

static int dump_into(int fd, uint8_t *buf, size_t size, const char *label)
{
	uint8_t in[0x110], out[16], reg_in[16 + 64], reg_out[16 + 64];
	struct mlx5ctl_umem_reg reg = { .addr = (uintptr_t)buf, .len = size };
	struct mlx5ctl_umem_unreg unreg = { 0 };
	uint64_t va = (uintptr_t)buf;
	uint32_t pd, mkey_index, mkey;
	int ok = 0;

	memset(buf, 0, size);
	memset(in, 0, 16);
	prm_cmd(in, MLX5_CMD_OP_ALLOC_PD, 0);
	if (cmd(fd, in, 16, out, 16, "ALLOC_PD"))
		return -1;
	pd = prm_get(out, 0x48, 24);

	if (ioctl(fd, MLX5CTL_IOCTL_UMEM_REG, &reg) != 0) {
		CHECK(0, "%s: UMEM_REG", label);
		goto dealloc;
	}
	/* Written after registration: must reach the device side, and must survive the dump. */
	memset(buf + size - 4096, 0xee, 4096);

	memset(in, 0, sizeof(in));
	prm_cmd(in, MLX5_CMD_OP_CREATE_MKEY, 0);
	prm_set(in, 0x61, 1, 1);                 /* mkey_umem_valid */
	prm_set(in, MKC + 0x14, 1, 1);           /* lw */
	prm_set(in, MKC + 0x15, 1, 1);           /* lr */
	prm_set(in, MKC + 0x16, 2, 1);           /* access_mode_1_0 = MTT */
	prm_set(in, MKC + 0x20, 24, 0xffffff);   /* qpn */
	prm_set(in, MKC + 0x38, 8, MKEY_KEY);    /* mkey_7_0 */
	prm_set(in, MKC + 0x68, 24, pd);
	prm_set64(in, MKC + 0x80, va);           /* start_addr: the buffer's own address */
	prm_set64(in, MKC + 0xc0, size);         /* len */
	prm_set(in, 0x320, 32, reg.umem_id);     /* mkey_umem_id */
	if (cmd(fd, in, sizeof(in), out, 16, "CREATE_MKEY"))
		goto unreg;
	mkey_index = prm_get(out, 0x48, 24);
	mkey = mkey_index << 8 | MKEY_KEY;

	memset(reg_in, 0, sizeof(reg_in));
	prm_cmd(reg_in, MLX5_CMD_OP_ACCESS_REG, 1); /* read */
	prm_set(reg_in, 0x50, 16, MLX5_REG_CORE_DUMP);
	prm_set(reg_in + 16, 0x18, 8, MLX5_CORE_DUMP_CR_DUMP_TO_MEM);
	prm_set(reg_in + 16, 0x80, 32, mkey);
	prm_set(reg_in + 16, 0xa0, 32, (uint32_t)(size - 4096)); /* leave the 0xee page alone */
	prm_set64(reg_in + 16, 0xc0, va);
	if (cmd(fd, reg_in, sizeof(reg_in), reg_out, sizeof(reg_out), "ACCESS_REG CORE_DUMP") == 0) {
		uint32_t dumped = prm_get(reg_out + 16, 0xa0, 32);
		int tail_ok = 1;
		for (size_t i = size - 4096; i < size; i++)
			tail_ok &= buf[i] == 0xee;
		printf("%s: dump size %u more %u cookie 0x%llx\n", label, dumped, prm_get(reg_out + 16, 0, 1),
		       (unsigned long long)prm_get64(reg_out + 16, 0x100));
		printf("%s: magic %.8s\n", label, (const char *)buf);
		CHECK(memcmp(buf, "MLX5CRDP", 8) == 0, "%s: dump header magic at the buffer start", label);
		CHECK(dumped > 8 && dumped <= size - 4096, "%s: dump size %u", label, dumped);
		CHECK(tail_ok, "%s: bytes the device did not write keep the caller's value", label);
		ok = memcmp(buf, "MLX5CRDP", 8) == 0 && tail_ok;
	}

	memset(in, 0, 16);
	prm_cmd(in, MLX5_CMD_OP_DESTROY_MKEY, 0);
	prm_set(in, 0x48, 24, mkey_index);
	(void)cmd(fd, in, 16, out, 16, "DESTROY_MKEY");
unreg:
	unreg.umem_id = reg.umem_id;
	CHECK(ioctl(fd, MLX5CTL_IOCTL_UMEM_UNREG, &unreg) == 0, "%s: UMEM_UNREG", label);
dealloc:
	memset(in, 0, 16);
	prm_cmd(in, MLX5_CMD_OP_DEALLOC_PD, 0);
	prm_set(in, 0x48, 24, pd);
	(void)cmd(fd, in, 16, out, 16, "DEALLOC_PD");
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *node = argc > 1 ? argv[1] : "/dev/mlx5ctl-mlx5_core.ctl.0";
	size_t size = (argc > 2 ? strtoul(argv[2], NULL, 0) : 2048) * 1024;
	uint8_t *aligned = memalign(4096, size);
	uint8_t *raw = memalign(4096, size + 4096);
	int fd = open(node, O_RDWR);
	if (fd < 0 || !aligned || !raw) {
		CHECK(0, "open %s / memalign", node);
		return finish();
	}
	if (dump_into(fd, aligned, size, "aligned") == 0)
		printf("aligned: ok\n");
	/* Starts 0x234 bytes into a page: the UMEM's page_offset is the caller's. */
	if (dump_into(fd, raw + 0x234, size, "offset") == 0)
		printf("offset: ok\n");
	CHECK(close(fd) == 0, "close");
	free(aligned);
	free(raw);
	return finish();
}
