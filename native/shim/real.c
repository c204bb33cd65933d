/*
 * libc's own definitions of everything the shim interposes, looked up once with
 * dlsym(RTLD_NEXT). The shim's internals call these, never the interposed names, so nothing
 * the shim does for itself is ever translated twice.
 */
#define _GNU_SOURCE
#undef _FILE_OFFSET_BITS /* open, stat... must keep their own names, not become open64 */
#include <dlfcn.h>
#include <pthread.h>

#include "shim.h"

static struct shim_real real;
static pthread_once_t real_once = PTHREAD_ONCE_INIT;

/* dlsym returns void *; converting through a union keeps the object→function pointer
 * conversion explicit (POSIX guarantees it works for dlsym results). */
#define LOOKUP(field, name)                                 \
	do {                                                \
		union { void *obj; __typeof__(real.field) fn; } u_; \
		u_.obj = dlsym(RTLD_NEXT, name);            \
		real.field = u_.fn;                         \
	} while (0)

static void resolve(void)
{
	LOOKUP(open, "open");
	LOOKUP(open64, "open64");
	LOOKUP(openat, "openat");
	LOOKUP(openat64, "openat64");
	LOOKUP(open_2, "__open_2");
	LOOKUP(open64_2, "__open64_2");
	LOOKUP(openat_2, "__openat_2");
	LOOKUP(openat64_2, "__openat64_2");
	LOOKUP(fopen, "fopen");
	LOOKUP(fopen64, "fopen64");
	LOOKUP(opendir, "opendir");
	LOOKUP(scandir, "scandir");
	LOOKUP(scandir64, "scandir64");
	LOOKUP(chdir, "chdir");
	LOOKUP(close, "close");
	LOOKUP(close_range, "close_range");
	LOOKUP(dup, "dup");
	LOOKUP(dup2, "dup2");
	LOOKUP(dup3, "dup3");
	LOOKUP(ioctl, "ioctl");
	LOOKUP(access, "access");
	LOOKUP(faccessat, "faccessat");
	LOOKUP(eaccess, "eaccess");
	LOOKUP(stat, "stat");
	LOOKUP(stat64, "stat64");
	LOOKUP(lstat, "lstat");
	LOOKUP(lstat64, "lstat64");
	LOOKUP(fstat, "fstat");
	LOOKUP(fstat64, "fstat64");
	LOOKUP(fstatat, "fstatat");
	LOOKUP(fstatat64, "fstatat64");
	LOOKUP(xstat, "__xstat");
	LOOKUP(xstat64, "__xstat64");
	LOOKUP(lxstat, "__lxstat");
	LOOKUP(lxstat64, "__lxstat64");
	LOOKUP(fxstat, "__fxstat");
	LOOKUP(fxstat64, "__fxstat64");
	LOOKUP(fxstatat, "__fxstatat");
	LOOKUP(fxstatat64, "__fxstatat64");
	LOOKUP(statx, "statx");
	LOOKUP(glob, "glob");
	LOOKUP(glob64, "glob64");
	LOOKUP(realpath, "realpath");
	LOOKUP(realpath_chk, "__realpath_chk");
	LOOKUP(canonicalize_file_name, "canonicalize_file_name");
	LOOKUP(readlink, "readlink");
	LOOKUP(readlinkat, "readlinkat");
	LOOKUP(readlink_chk, "__readlink_chk");
	LOOKUP(readlinkat_chk, "__readlinkat_chk");
	LOOKUP(getxattr, "getxattr");
	LOOKUP(lgetxattr, "lgetxattr");
	LOOKUP(listxattr, "listxattr");
	LOOKUP(llistxattr, "llistxattr");
}

const struct shim_real *shim_real(void)
{
	/* pthread_once is safe to call before and during the program's own initialisation. */
	(void)pthread_once(&real_once, resolve);
	return &real;
}
