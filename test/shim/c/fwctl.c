/*
 * The fwctl-era mlx5ctl tool's flow against the fwctl uAPI: scan /sys/class/fwctl/<any> (glob and
 * scandir) for devices whose parent is bound to mlx5_core (readlinkat "device/driver" on an
 * O_DIRECTORY fd, then fchdir + realpath("device")), open /dev/fwctl/fwctlN, FWCTL_INFO, fstat and the
 * /sys/dev/char/MAJ:MIN lookup back to the parent, then FWCTL_RPC QUERY_HCA_CAP.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "check.h"
#include "kernel_uapi.h"
#include "prm.h"

static char *realpathat(int dirfd, const char *path, char *resolved)
{
	int cur = open(".", O_DIRECTORY);
	char *ret = NULL;
	if (cur < 0)
		return NULL;
	if (fchdir(dirfd) == 0)
		ret = realpath(path, resolved);
	if (fchdir(cur) != 0)
		ret = NULL;
	close(cur);
	return ret;
}

/* The tool's check_fwctl(): 0 and the parent's sysfs name when this is an mlx5 fwctl device. */
static int check_fwctl(const char *sysfs_path, char *mdev, size_t cap)
{
	char tmp[PATH_MAX];
	ssize_t n;
	int fd = open(sysfs_path, O_DIRECTORY);
	if (fd < 0)
		return -1;
	n = readlinkat(fd, "device/driver", tmp, sizeof(tmp) - 1);
	if (n < 0) {
		close(fd);
		return -1;
	}
	tmp[n] = '\0';
	if (!strstr(tmp, "drivers/mlx5_core") || !realpathat(fd, "device", tmp) || strstr(tmp, "/sys/devices/") != tmp) {
		close(fd);
		return -1;
	}
	snprintf(mdev, cap, "%s", tmp + strlen("/sys/devices/"));
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *node = argc > 1 ? argv[1] : "/dev/fwctl/fwctl0";
	struct fwctl_info_mlx5 mlx5 = { 0 };
	struct fwctl_info info = { .size = sizeof(info), .device_data_len = sizeof(mlx5), .out_device_data = (uintptr_t)&mlx5 };
	char mdev[PATH_MAX], sysdev[PATH_MAX], mdev2[PATH_MAX];
	struct stat st;
	glob_t g;
	int fd;

	CHECK(glob("/sys/class/fwctl/*", GLOB_TILDE, NULL, &g) == 0, "glob /sys/class/fwctl/*");
	for (size_t i = 0; i < g.gl_pathc; i++) {
		if (check_fwctl(g.gl_pathv[i], mdev, sizeof(mdev)) == 0)
			printf("found: /dev/fwctl/%s %s\n", g.gl_pathv[i] + strlen("/sys/class/fwctl/"), mdev);
		else
			CHECK(0, "check_fwctl %s", g.gl_pathv[i]);
	}
	globfree(&g);
	struct dirent **names;
	int count = scandir("/sys/class/fwctl", &names, NULL, alphasort);
	CHECK(count > 2, "scandir /sys/class/fwctl");
	for (int i = 0; i < count; i++) {
		if (names[i]->d_name[0] != '.')
			printf("scandir: %s\n", names[i]->d_name);
		free(names[i]);
	}
	if (count >= 0)
		free(names);
	CHECK(glob("/dev/fwctl/*", 0, NULL, &g) == 0 && g.gl_pathc >= 1, "glob /dev/fwctl/*");
	for (size_t i = 0; i < g.gl_pathc; i++)
		printf("node: %s\n", g.gl_pathv[i]);
	globfree(&g);

	fd = open(node, O_RDWR);
	if (fd < 0) {
		CHECK(0, "open %s", node);
		return finish();
	}
	CHECK(ioctl(fd, FWCTL_INFO, &info) == 0, "FWCTL_INFO");
	CHECK(info.out_device_type == FWCTL_DEVICE_TYPE_MLX5, "device type %u", info.out_device_type);
	CHECK(info.device_data_len == sizeof(mlx5), "device_data_len %u", info.device_data_len);
	CHECK(fstat(fd, &st) == 0 && S_ISCHR(st.st_mode), "fstat is a char device");
	snprintf(sysdev, sizeof(sysdev), "/sys/dev/char/%u:%u", major(st.st_rdev), minor(st.st_rdev));
	CHECK(check_fwctl(sysdev, mdev2, sizeof(mdev2)) == 0, "check_fwctl %s", sysdev);
	printf("ctldev: %s\n", node);
	printf("Parent dev: %s\n", mdev2);
	printf("UCTX UID: %d\n", mlx5.uid);
	printf("UCTX CAP: 0x%x\n", mlx5.uctx_caps);

	/* A longer blob buffer is zero-padded past the driver's 8 bytes. */
	uint8_t blob[32];
	memset(blob, 0xff, sizeof(blob));
	info.device_data_len = sizeof(blob);
	info.out_device_data = (uintptr_t)blob;
	CHECK(ioctl(fd, FWCTL_INFO, &info) == 0, "FWCTL_INFO with 32 bytes");
	int padded = info.device_data_len == 8;
	for (size_t i = 8; i < sizeof(blob); i++)
		padded &= blob[i] == 0;
	CHECK(padded, "blob zero-padded, device_data_len %u", info.device_data_len);
	/* Asked for no blob, told of none (fwctl_cmd_info leaves driver_info_len at 0). */
	info.device_data_len = 0;
	CHECK(ioctl(fd, FWCTL_INFO, &info) == 0 && info.device_data_len == 0, "FWCTL_INFO without a blob");

	/* The tool's RPC: scope CONFIGURATION; QUERY_HCA_CAP is allowed at any scope. */
	static uint8_t out[16 + 4096];
	uint8_t in[16] = { 0 };
	struct fwctl_rpc rpc = { .size = sizeof(rpc), .scope = FWCTL_RPC_CONFIGURATION, .in = (uintptr_t)in,
				 .in_len = sizeof(in), .out = (uintptr_t)out, .out_len = sizeof(out) };
	prm_cmd(in, MLX5_CMD_OP_QUERY_HCA_CAP, 1);
	CHECK(ioctl(fd, FWCTL_RPC, &rpc) == 0, "FWCTL_RPC QUERY_HCA_CAP");
	printf("rpc out_len: %u status 0x%x uctx_cap 0x%x\n", rpc.out_len, prm_get(out, 0, 8), prm_get(out + 0x10, 0x6a0, 32));
	CHECK(rpc.out_len == sizeof(out) && prm_get(out, 0, 8) == 0, "QUERY_HCA_CAP output");
	CHECK(close(fd) == 0, "close");
	return finish();
}
