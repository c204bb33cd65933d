/*
 * Hot-unplug as the kernel reports it: open both nodes, say "ready", wait for a line on stdin
 * (the test stops the broker meanwhile), then every ioctl on the orphaned fds is ENODEV, close
 * still works, and the nodes are gone (ENOENT).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "check.h"
#include "kernel_uapi.h"

int main(int argc, char **argv)
{
	const char *misc = argc > 1 ? argv[1] : "/dev/mlx5ctl-mlx5_core.ctl.0";
	const char *fw = argc > 2 ? argv[2] : "/dev/fwctl/fwctl0";
	struct mlx5ctl_info info;
	struct fwctl_info_mlx5 mlx5;
	struct fwctl_info finfo = { .size = sizeof(finfo), .device_data_len = sizeof(mlx5), .out_device_data = (uintptr_t)&mlx5 };
	char line[16];
	int mfd = open(misc, O_RDWR), ffd = open(fw, O_RDWR);
	CHECK(mfd >= 0 && ffd >= 0, "open");
	CHECK(ioctl(mfd, MLX5CTL_IOCTL_INFO, &info) == 0, "INFO before");
	printf("ready\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		CHECK(0, "stdin");
	EXPECT_ERRNO("info after unplug", ENODEV, ioctl(mfd, MLX5CTL_IOCTL_INFO, &info));
	EXPECT_ERRNO("info again", ENODEV, ioctl(mfd, MLX5CTL_IOCTL_INFO, &info));
	EXPECT_ERRNO("unknown ioctl after unplug", ENODEV, ioctl(mfd, _IO(MLX5CTL_IOCTL_MAGIC, 9)));
	EXPECT_ERRNO("fwctl info after unplug", ENODEV, ioctl(ffd, FWCTL_INFO, &finfo));
	CHECK(close(mfd) == 0 && close(ffd) == 0, "close orphaned fds");
	EXPECT_ERRNO("open after unplug", ENOENT, open(misc, O_RDWR));
	return finish();
}
