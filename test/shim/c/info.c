/*
 * The mlx5ctl misc-driver tool's discovery and info, against the kernel uAPI: glob /dev/mlx5ctl*,
 * find each device's parent through /sys/bus/auxiliary/devices, stat and open the node,
 * MLX5CTL_IOCTL_INFO, and fstat of the open fd. Prints the tool's info lines.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "check.h"
#include "kernel_uapi.h"

/* find_parent_device(): realpath of the aux device, then the directory it sits in. */
static void parent_of(const char *ctldev, char *out, size_t cap)
{
	char link[PATH_MAX], resolved[PATH_MAX];
	snprintf(link, sizeof(link), "/sys/bus/auxiliary/devices/%s", ctldev);
	out[0] = '\0';
	if (!realpath(link, resolved)) {
		CHECK(0, "realpath %s", link);
		return;
	}
	printf("aux device: %s\n", resolved);
	snprintf(out, cap, "%s", basename(dirname(resolved)));
}

int main(int argc, char **argv)
{
	const char *node = argc > 1 ? argv[1] : "/dev/mlx5ctl-mlx5_core.ctl.0";
	struct mlx5ctl_info info;
	struct stat st, fst;
	char parent[PATH_MAX];
	glob_t g;
	int fd;

	CHECK(glob("/dev/mlx5ctl*", GLOB_TILDE, NULL, &g) == 0, "glob /dev/mlx5ctl*");
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *ctldev = strrchr(g.gl_pathv[i], '-') + 1;
		parent_of(ctldev, parent, sizeof(parent));
		printf("found: %s %s\n", ctldev, parent);
	}
	globfree(&g);

	CHECK(access(node, R_OK | W_OK) == 0, "access %s", node);
	CHECK(stat(node, &st) == 0 && S_ISCHR(st.st_mode), "stat %s is a char device", node);
	fd = open(node, O_RDWR);
	if (fd < 0) {
		CHECK(0, "open %s", node);
		return finish();
	}
	CHECK(fstat(fd, &fst) == 0 && S_ISCHR(fst.st_mode) && fst.st_rdev == st.st_rdev, "fstat matches stat");
	printf("rdev: %u:%u\n", major(st.st_rdev), minor(st.st_rdev));

	memset(&info, 0xa5, sizeof(info));
	CHECK(ioctl(fd, MLX5CTL_IOCTL_INFO, &info) == 0, "MLX5CTL_IOCTL_INFO");
	parent_of(strrchr(node, '-') + 1, parent, sizeof(parent));
	printf("ctldev: %s\n", node);
	printf("Parent dev: %s\n", parent);
	printf("UCTX UID: %d\n", info.uctx_uid);
	printf("UCTX CAP: 0x%x\n", info.uctx_cap);
	printf("DEV UCTX CAP: 0x%x\n", info.dev_uctx_cap);
	printf("USER CAP: 0x%x\n", info.ucap);
	CHECK(info.reserved1 == 0, "reserved1 is 0");
	CHECK(info.uctx_uid != 0, "a UID was allocated");
	CHECK(close(fd) == 0, "close");
	return finish();
}
