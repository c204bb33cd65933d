/*
 * The sysfs scans mstflint's device discovery does, against the kernel's sysfs layout: list
 * /sys/bus/pci/devices for Mellanox functions (vendor 0x15b3) and read their ids and class;
 * find the fwctl class device whose "device" link resolves to that function; read its dev
 * attribute and follow /sys/dev/char/MAJ:MIN back to it; stat the node it names under /dev.
 * Prints "key: value" lines.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "check.h"

/* One sysfs attribute, without its newline; "" when unreadable. */
static void attr(const char *dir, const char *name, char *out, size_t cap)
{
	char path[PATH_MAX];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	out[0] = '\0';
	f = fopen(path, "r");
	if (!f) {
		CHECK(0, "fopen %s", path);
		return;
	}
	if (!fgets(out, (int)cap, f))
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	fclose(f);
}

int main(void)
{
	char func[PATH_MAX] = "", dir[PATH_MAX], v[64], resolved[PATH_MAX], fwres[PATH_MAX], devno[32];
	int mellanox = 0, others = 0;
	struct dirent *e;
	struct stat st;
	DIR *d = opendir("/sys/bus/pci/devices");
	if (!d) {
		CHECK(0, "opendir /sys/bus/pci/devices");
		return finish();
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", e->d_name);
		attr(dir, "vendor", v, sizeof(v));
		if (strcmp(v, "0x15b3") != 0) {
			others++;
			continue;
		}
		mellanox++;
		snprintf(func, sizeof(func), "%s", e->d_name);
		printf("function: %s\n", e->d_name);
		attr(dir, "device", v, sizeof(v));
		printf("device: %s\n", v);
		attr(dir, "subsystem_vendor", v, sizeof(v));
		printf("subsystem_vendor: %s\n", v);
		attr(dir, "subsystem_device", v, sizeof(v));
		printf("subsystem_device: %s\n", v);
		attr(dir, "class", v, sizeof(v));
		printf("class: %s\n", v);
		CHECK(realpath(dir, resolved) != NULL, "realpath %s", dir);
		printf("function path: %s\n", resolved);
		snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s/driver", e->d_name);
		CHECK(realpath(dir, v) != NULL, "realpath %s", dir);
		printf("driver: %s\n", strrchr(v, '/') + 1);
	}
	closedir(d);
	printf("mellanox functions: %d\n", mellanox);
	printf("other functions listed: %s\n", others > 0 ? "yes" : "no");

	/* The fwctl class device of that function. */
	d = opendir("/sys/class/fwctl");
	CHECK(d != NULL, "opendir /sys/class/fwctl");
	while (d && (e = readdir(d)) != NULL) {
		char link[PATH_MAX];
		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "/sys/class/fwctl/%s/device", e->d_name);
		if (!realpath(link, fwres) || strcmp(fwres, resolved) != 0)
			continue;
		printf("fwctl: %s\n", e->d_name);
		snprintf(link, sizeof(link), "/sys/class/fwctl/%s", e->d_name);
		attr(link, "dev", devno, sizeof(devno));
		printf("dev: %s\n", devno);
		snprintf(link, sizeof(link), "/sys/dev/char/%s/device", devno);
		CHECK(realpath(link, fwres) != NULL && strcmp(fwres, resolved) == 0, "/sys/dev/char/%s/device is the function", devno);
		snprintf(link, sizeof(link), "/dev/fwctl/%s", e->d_name);
		CHECK(stat(link, &st) == 0 && S_ISCHR(st.st_mode), "stat %s", link);
		snprintf(v, sizeof(v), "%u:%u", major(st.st_rdev), minor(st.st_rdev));
		CHECK(strcmp(v, devno) == 0, "st_rdev %s matches dev %s", v, devno);
	}
	if (d)
		closedir(d);
	return finish();
}
