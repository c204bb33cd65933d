/*
 * ioctl on an emulated device: the kernel driver's checks in the kernel driver's order, then
 * one frame to the broker, then the reply copied into the caller's struct and buffers.
 *   mlx5ctl (V4 misc driver): gone device → ENODEV; unknown cmd → ENOTTY; INFO; CMDRPC with
 *     16 <= inlen/outlen <= 262144 (EINVAL) and the full outbox copied back; UMEM_REG/UNREG.
 *   fwctl: unknown cmd → ENOTTY; size below the struct's last field → EINVAL; non-zero bytes
 *     past the struct → E2BIG; gone → ENODEV; INFO (blob zero-padded to device_data_len);
 *     RPC with in/out over 2 MiB → EMSGSIZE and unknown scope → EOPNOTSUPP.
 * The broker's own errno (policy EBADMSG/EPERM, firmware delivery failures) is passed through.
 */
#define _GNU_SOURCE
#undef _FILE_OFFSET_BITS /* open, stat... must keep their own names, not become open64 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "shim.h"

/* One request/reply; a transport failure kills the session (every later call is ENODEV). */
static int call(struct shim_session *s, int fd, uint32_t cmd, const struct iovec *parts, int n,
		struct shim_reply *reply)
{
	int err = shim_proto_call(s, fd, cmd, parts, n, -1, reply);
	if (err == -ENODEV)
		s->dead = 1;
	if (!err && reply->result < 0) {
		err = reply->result;
		shim_reply_free(reply);
	}
	return err;
}

static int mlx5ctl_info(struct shim_session *s, int fd, uint64_t arg)
{
	struct mlx5ctl_info info = { 0 };
	struct iovec part = { &info, sizeof(info) };
	struct shim_reply reply = { 0 };
	int err = call(s, fd, MLX5CTL_IOCTL_INFO, &part, 1, &reply);
	if (err)
		return err;
	if (reply.body_len >= sizeof(info))
		memcpy(&info, reply.body, sizeof(info));
	else
		err = -EIO;
	shim_reply_free(&reply);
	return err ? err : shim_copy_to_user(arg, &info, sizeof(info));
}

/* The outbox is copied whole, zero-filled past what the firmware wrote, as kvzalloc + copy. */
static int copy_outbox(uint64_t out, uint32_t outlen, const uint8_t *data, size_t len)
{
	int err;
	if (len > outlen)
		len = outlen;
	err = shim_copy_to_user(out, data, len);
	return err ? err : shim_clear_user(out + len, outlen - len);
}

static int mlx5ctl_cmdrpc(struct shim_session *s, int fd, uint64_t arg)
{
	struct mlx5ctl_cmdrpc rpc;
	struct shim_reply reply = { 0 };
	struct iovec parts[2];
	uint8_t *inbox;
	int err = shim_copy_from_user(&rpc, arg, sizeof(rpc));
	if (err)
		return err;
	if (rpc.inlen < MLX5CTL_MIN_RPC_SIZE || rpc.outlen < MLX5CTL_MIN_RPC_SIZE ||
	    rpc.inlen > MLX5CTL_MAX_RPC_SIZE || rpc.outlen > MLX5CTL_MAX_RPC_SIZE)
		return -EINVAL;
	if (!(inbox = malloc(rpc.inlen)))
		return -ENOMEM;
	err = shim_copy_from_user(inbox, rpc.in, rpc.inlen);
	if (err) {
		free(inbox);
		return err;
	}
	parts[0] = (struct iovec){ &rpc, sizeof(rpc) };
	parts[1] = (struct iovec){ inbox, rpc.inlen };
	/* The device may read and write registered memory during the command. */
	shim_umem_to_device(s);
	err = call(s, fd, MLX5CTL_IOCTL_CMDRPC, parts, 2, &reply);
	shim_umem_from_device(s);
	free(inbox);
	if (err)
		return err;
	if (reply.body_len < sizeof(rpc))
		err = -EIO;
	else
		err = copy_outbox(rpc.out, rpc.outlen, reply.body + sizeof(rpc), reply.body_len - sizeof(rpc));
	shim_reply_free(&reply);
	return err;
}

static int mlx5ctl_umem_reg(struct shim_session *s, int fd, uint64_t arg)
{
	struct mlx5ctl_umem_reg reg;
	int err = shim_copy_from_user(&reg, arg, sizeof(reg));
	if (!err)
		err = shim_umem_reg(s, fd, &reg);
	if (err == -ENODEV)
		s->dead = 1;
	if (!err && shim_copy_to_user(arg, &reg, sizeof(reg)) != 0) {
		/* As the driver: a result the caller cannot receive is undone. */
		struct mlx5ctl_umem_unreg undo = { .umem_id = reg.umem_id };
		(void)shim_umem_unreg(s, fd, &undo);
		err = -EFAULT;
	}
	return err;
}

static int mlx5ctl_umem_unreg(struct shim_session *s, int fd, uint64_t arg)
{
	struct mlx5ctl_umem_unreg unreg;
	int err = shim_copy_from_user(&unreg, arg, sizeof(unreg));
	if (!err)
		err = shim_umem_unreg(s, fd, &unreg);
	if (err == -ENODEV)
		s->dead = 1;
	return err ? err : shim_copy_to_user(arg, &unreg, sizeof(unreg));
}

static int mlx5ctl_dispatch(struct shim_session *s, int fd, unsigned long cmd, uint64_t arg)
{
	/* The misc driver checks for a removed device before it looks at the command. */
	if (s->dead)
		return -ENODEV;
	switch (cmd) {
	case MLX5CTL_IOCTL_INFO:
		return mlx5ctl_info(s, fd, arg);
	case MLX5CTL_IOCTL_CMDRPC:
		return mlx5ctl_cmdrpc(s, fd, arg);
	case MLX5CTL_IOCTL_UMEM_REG:
		return mlx5ctl_umem_reg(s, fd, arg);
	case MLX5CTL_IOCTL_UMEM_UNREG:
		return mlx5ctl_umem_unreg(s, fd, arg);
	default:
		return -ENOTTY;
	}
}

/* copy_struct_from_user: the known part, and E2BIG when the caller's larger struct has
 * non-zero bytes the kernel does not know. */
static int copy_struct(void *dst, size_t ksize, uint64_t arg, uint32_t usize)
{
	uint8_t tail[256];
	int err = shim_copy_from_user(dst, arg, ksize);
	for (uint64_t at = ksize; !err && at < usize;) {
		size_t n = usize - at < sizeof(tail) ? (size_t)(usize - at) : sizeof(tail);
		err = shim_copy_from_user(tail, arg + at, n);
		for (size_t i = 0; !err && i < n; i++)
			if (tail[i])
				err = -E2BIG;
		at += n;
	}
	return err;
}

static int fwctl_info(struct shim_session *s, int fd, uint64_t arg, uint32_t usize)
{
	struct fwctl_info info, answer;
	struct iovec part = { &info, sizeof(info) };
	struct shim_reply reply = { 0 };
	int err = copy_struct(&info, sizeof(info), arg, usize);
	if (err)
		return err;
	if (s->dead)
		return -ENODEV;
	if (info.flags)
		return -EOPNOTSUPP;
	info.size = sizeof(info);
	err = call(s, fd, FWCTL_INFO, &part, 1, &reply);
	if (err)
		return err;
	if (reply.body_len < sizeof(answer)) {
		shim_reply_free(&reply);
		return -EIO;
	}
	memcpy(&answer, reply.body, sizeof(answer));
	/* copy_to_user_zero_pad: the driver's blob, then zeros up to the caller's length. */
	if (info.device_data_len)
		err = copy_outbox(info.out_device_data, info.device_data_len, reply.body + sizeof(answer),
				  reply.body_len - sizeof(answer));
	shim_reply_free(&reply);
	if (err)
		return err;
	info.out_device_type = answer.out_device_type;
	/* The kernel reports the blob's length only when it was asked for the blob. */
	info.device_data_len = info.device_data_len ? answer.device_data_len : 0;
	info.size = usize;
	return shim_copy_to_user(arg, &info, sizeof(info));
}

static int fwctl_rpc(struct shim_session *s, int fd, uint64_t arg, uint32_t usize)
{
	struct fwctl_rpc rpc, answer;
	struct shim_reply reply = { 0 };
	struct iovec parts[2];
	uint8_t *inbox;
	int err = copy_struct(&rpc, sizeof(rpc), arg, usize);
	if (err)
		return err;
	if (s->dead)
		return -ENODEV;
	if (rpc.in_len > FWCTL_MAX_RPC_LEN || rpc.out_len > FWCTL_MAX_RPC_LEN)
		return -EMSGSIZE;
	if (rpc.scope > FWCTL_RPC_SCOPE_MAX)
		return -EOPNOTSUPP;
	if (!(inbox = malloc(rpc.in_len ? rpc.in_len : 1)))
		return -ENOMEM;
	err = shim_copy_from_user(inbox, rpc.in, rpc.in_len);
	if (err) {
		free(inbox);
		return err;
	}
	rpc.size = sizeof(rpc);
	parts[0] = (struct iovec){ &rpc, sizeof(rpc) };
	parts[1] = (struct iovec){ inbox, rpc.in_len };
	err = call(s, fd, FWCTL_RPC, parts, 2, &reply);
	free(inbox);
	if (err)
		return err;
	if (reply.body_len < sizeof(answer)) {
		shim_reply_free(&reply);
		return -EIO;
	}
	memcpy(&answer, reply.body, sizeof(answer));
	size_t produced = reply.body_len - sizeof(answer);
	if (produced > answer.out_len)
		produced = answer.out_len;
	/* min(caller's out_len, driver's out_len) bytes, then the driver's length. */
	err = shim_copy_to_user(rpc.out, reply.body + sizeof(answer), produced < rpc.out_len ? produced : rpc.out_len);
	shim_reply_free(&reply);
	if (err)
		return err;
	rpc.out_len = answer.out_len;
	rpc.size = usize;
	return shim_copy_to_user(arg, &rpc, sizeof(rpc));
}

static int fwctl_dispatch(struct shim_session *s, int fd, unsigned long cmd, uint64_t arg)
{
	uint32_t usize;
	int err;
	if (cmd != FWCTL_INFO && cmd != FWCTL_RPC)
		return -ENOTTY;
	err = shim_copy_from_user(&usize, arg, sizeof(usize));
	if (err)
		return err;
	if (cmd == FWCTL_INFO)
		return usize < sizeof(struct fwctl_info) ? -EINVAL : fwctl_info(s, fd, arg, usize);
	return usize < sizeof(struct fwctl_rpc) ? -EINVAL : fwctl_rpc(s, fd, arg, usize);
}

/* Requests the VFS answers itself for any file, before a driver sees them. */
static int vfs_generic(unsigned long cmd)
{
	return cmd == FIOCLEX || cmd == FIONCLEX || cmd == FIONBIO || cmd == FIOASYNC;
}

SHIM_EXPORT int ioctl(int fd, unsigned long request, ...)
{
	const struct shim_real *r = shim_real();
	unsigned int type = _IOC_TYPE(request);
	struct shim_session *s;
	va_list ap;
	void *arg;
	int err;
	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	/* Only the two device families can reveal an fd the shim has not seen (an F_DUPFD copy). */
	s = shim_session_get(fd, type == MLX5CTL_IOCTL_MAGIC || type == FWCTL_TYPE);
	if (!s || vfs_generic(request)) {
		shim_session_put(s);
		if (!r->ioctl) {
			errno = ENOSYS;
			return -1;
		}
		return r->ioctl(fd, request, arg);
	}
	if (pthread_mutex_lock(&s->lock) != 0) {
		shim_session_put(s);
		errno = EIO;
		return -1;
	}
	if (s->kind == SHIM_DEV_MISC)
		err = mlx5ctl_dispatch(s, fd, request, (uint64_t)(uintptr_t)arg);
	else
		err = fwctl_dispatch(s, fd, request, (uint64_t)(uintptr_t)arg);
	(void)pthread_mutex_unlock(&s->lock);
	shim_session_put(s);
	if (err) {
		errno = -err;
		return -1;
	}
	return 0;
}
