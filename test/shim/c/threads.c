/*
 * One open file, many threads: 4 threads issue RPCs (each its own capability page) on the same
 * fd, all of which must succeed, while a fifth opens and closes sessions of its own.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "check.h"
#include "kernel_uapi.h"
#include "prm.h"

#define THREADS 4
#define ROUNDS 100

static const char *node;
static int shared_fd;
static int errors[THREADS + 1];

static void *rpc_worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	uint8_t in[16] = { 0 }, out[16 + 4096];
	uint16_t op_mod = (uint16_t)((id == 0 ? 0 : id == 1 ? 0xd : id == 2 ? 0x20 : 0x1) << 1 | 1);
	prm_cmd(in, MLX5_CMD_OP_QUERY_HCA_CAP, op_mod);
	for (int r = 0; r < ROUNDS; r++) {
		struct mlx5ctl_cmdrpc rpc = { .in = (uintptr_t)in, .out = (uintptr_t)out, .inlen = sizeof(in), .outlen = sizeof(out) };
		memset(out, 0xff, sizeof(out));
		if (ioctl(shared_fd, MLX5CTL_IOCTL_CMDRPC, &rpc) != 0 || prm_get(out, 0, 8) != 0)
			errors[id]++;
	}
	return NULL;
}

static void *open_worker(void *arg)
{
	(void)arg;
	for (int r = 0; r < 20; r++) {
		struct mlx5ctl_info info;
		int fd = open(node, O_RDWR);
		if (fd < 0 || ioctl(fd, MLX5CTL_IOCTL_INFO, &info) != 0)
			errors[THREADS]++;
		if (fd >= 0)
			close(fd);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[THREADS + 1];
	node = argc > 1 ? argv[1] : "/dev/mlx5ctl-mlx5_core.ctl.0";
	shared_fd = open(node, O_RDWR);
	if (shared_fd < 0) {
		CHECK(0, "open");
		return finish();
	}
	for (int i = 0; i < THREADS; i++)
		CHECK(pthread_create(&t[i], NULL, rpc_worker, (void *)(intptr_t)i) == 0, "pthread_create");
	CHECK(pthread_create(&t[THREADS], NULL, open_worker, NULL) == 0, "pthread_create");
	for (int i = 0; i <= THREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i <= THREADS; i++)
		CHECK(errors[i] == 0, "thread %d: %d errors", i, errors[i]);
	printf("rpcs: %d\n", THREADS * ROUNDS);
	CHECK(close(shared_fd) == 0, "close");
	return finish();
}
