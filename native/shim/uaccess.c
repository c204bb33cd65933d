/*
 * The caller's memory, read and written the way the kernel's copy_{from,to}_user do: a bad
 * pointer is EFAULT, not a SIGSEGV in the middle of the program's ioctl. process_vm_readv and
 * process_vm_writev on our own pid validate every page; where a seccomp filter or an old kernel
 * refuses them, plain memcpy is the fallback (a bad pointer then faults, as it would in any
 * userspace library).
 */
#define _GNU_SOURCE
#undef _FILE_OFFSET_BITS /* open, stat... must keep their own names, not become open64 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "shim.h"

/* 0 unknown, 1 process_vm_* usable, 2 not usable (memcpy fallback). */
static atomic_int vm_mode;

static int vm_usable(void)
{
	int mode = atomic_load(&vm_mode);
	if (mode == 0) {
		char probe_src = 1, probe_dst = 0;
		struct iovec local = { &probe_dst, 1 }, remote = { &probe_src, 1 };
		mode = process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == 1 ? 1 : 2;
		atomic_store(&vm_mode, mode);
	}
	return mode == 1;
}

/* One direction of a copy, looping over partial transfers (they stop at a bad page). */
static int vm_copy(void *local_buf, uint64_t user, size_t len, int to_user)
{
	size_t done = 0;
	while (done < len) {
		struct iovec local = { (char *)local_buf + done, len - done };
		struct iovec remote = { (void *)(uintptr_t)(user + done), len - done };
		ssize_t n = to_user ? process_vm_writev(getpid(), &local, 1, &remote, 1, 0)
				    : process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EFAULT;
		done += (size_t)n;
	}
	return 0;
}

/* A range that wraps the address space can never be valid user memory. */
static int range_ok(uint64_t user, size_t len)
{
	return len == 0 || (user != 0 && user + len > user);
}

int shim_copy_from_user(void *dst, uint64_t src, size_t len)
{
	if (!range_ok(src, len))
		return -EFAULT;
	if (len == 0)
		return 0;
	if (vm_usable())
		return vm_copy(dst, src, len, 0);
	memcpy(dst, (const void *)(uintptr_t)src, len);
	return 0;
}

int shim_copy_to_user(uint64_t dst, const void *src, size_t len)
{
	if (!range_ok(dst, len))
		return -EFAULT;
	if (len == 0)
		return 0;
	if (vm_usable())
		return vm_copy((void *)src, dst, len, 1);
	memcpy((void *)(uintptr_t)dst, src, len);
	return 0;
}

int shim_clear_user(uint64_t dst, size_t len)
{
	static const char zeros[4096];
	while (len > 0) {
		size_t n = len < sizeof(zeros) ? len : sizeof(zeros);
		int err = shim_copy_to_user(dst, zeros, n);
		if (err)
			return err;
		dst += n;
		len -= n;
	}
	return 0;
}
