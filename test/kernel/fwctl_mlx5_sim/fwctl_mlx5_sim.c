// SPDX-License-Identifier: GPL-2.0
/*
 * fwctl_mlx5_sim: a test-only fwctl driver of device type MLX5 for mlx5ctl's real-kernel lane.
 *
 * It sits on a faux device and gives the kernel's fwctl core what the upstream mlx5 fwctl driver
 * gives it: a firmware user context (UID) per open, fwctl_info_mlx5 {uid, uctx_caps}, and an
 * fw_rpc that applies the mlx5 scope allowlist and stamps the context's UID into the command.
 * There is no hardware behind it: every firmware command is handed to a userspace firmware model
 * (mlx5ctl's simulated ConnectX-7) through the misc device /dev/fwctl_mlx5_sim_fw, which one
 * process in the test VM serves. Without that process, commands fail with ENXIO.
 *
 * Model protocol (host byte order): read() returns a request header {magic, id, in_len, out_len}
 * followed by the inbox; the model answers with one write() of a reply header
 * {magic, id, status, out_len} followed by the outbox. status is 0 or a negative errno.
 *
 * debugfs (/sys/kernel/debug/fwctl_mlx5_sim/): registered (write 0 to unregister the fwctl
 * device as a hot-unplug would, 1 to register a new one), fwctl_device (its class name, or
 * empty), open_contexts (live uctx contexts), model_attached.
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/device/faux.h>
#include <linux/fs.h>
#include <linux/fwctl.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>
#include <linux/wait.h>
#include <uapi/fwctl/mlx5.h>

#define SIM_NAME "fwctl_mlx5_sim"
#define SIM_REQ_MAGIC 0x514d5746 /* "FWMQ" */
#define SIM_REPLY_MAGIC 0x524d5746 /* "FWMR" */
#define SIM_RPC_TIMEOUT (30 * HZ)

/* PRM: the 16-byte command header; opcode, uid and op_mod are big-endian 16-bit fields. */
#define MBOX_HDR_LEN 16
#define MBOX_OPCODE_OFF 0
#define MBOX_UID_OFF 2
#define MBOX_OP_MOD_OFF 6
#define MBOX_STATUS_OFF 0

/* PRM opcodes this driver issues or filters. */
enum {
	OP_QUERY_HCA_CAP = 0x100,
	OP_QUERY_ADAPTER = 0x101,
	OP_QUERY_PAGES = 0x107,
	OP_SET_HCA_CAP = 0x109,
	OP_QUERY_ISSI = 0x10a,
	OP_QUERY_DRIVER_VERSION = 0x10c,
	OP_QUERY_OTHER_HCA_CAP = 0x10e,
	OP_QUERY_SF_PARTITION = 0x111,
	OP_QUERY_VHCA_MIGRATION_STATE = 0x117,
	OP_QUERY_MKEY = 0x201,
	OP_QUERY_SPECIAL_CONTEXTS = 0x203,
	OP_QUERY_EQ = 0x303,
	OP_QUERY_CQ = 0x402,
	OP_QUERY_QP = 0x50b,
	OP_QUERY_RDB = 0x512,
	OP_QUERY_PSV = 0x602,
	OP_QUERY_SRQ = 0x702,
	OP_QUERY_XRC_SRQ = 0x707,
	OP_QUERY_DCT = 0x713,
	OP_QUERY_DC_CNAK_TRACE = 0x716,
	OP_QUERY_XRQ = 0x719,
	OP_QUERY_NVMF_BACKEND_CTRL = 0x722,
	OP_QUERY_XRQ_DC_PARAMS_ENTRY = 0x725,
	OP_QUERY_XRQ_ERROR_PARAMS = 0x727,
	OP_QUERY_NVMF_NAMESPACE_CONTEXT = 0x728,
	OP_QUERY_ADJACENT_FUNCTIONS_ID = 0x730,
	OP_DELEGATE_VHCA_MANAGEMENT = 0x731,
	OP_QUERY_DELEGATED_VHCA = 0x732,
	OP_QUERY_ESW_FUNCTIONS = 0x740,
	OP_QUERY_VPORT_STATE = 0x750,
	OP_QUERY_ESW_VPORT_CONTEXT = 0x752,
	OP_QUERY_NIC_VPORT_CONTEXT = 0x754,
	OP_QUERY_ROCE_ADDRESS = 0x760,
	OP_QUERY_HCA_VPORT_CONTEXT = 0x762,
	OP_QUERY_HCA_VPORT_GID = 0x764,
	OP_QUERY_HCA_VPORT_PKEY = 0x765,
	OP_QUERY_VNIC_ENV = 0x76f,
	OP_QUERY_VPORT_COUNTER = 0x770,
	OP_QUERY_Q_COUNTER = 0x773,
	OP_QUERY_RATE_LIMIT = 0x781,
	OP_QUERY_SCHEDULING_ELEMENT = 0x784,
	OP_ACCESS_REG = 0x805,
	OP_QUERY_MAD_DEMUX = 0x80b,
	OP_NOP = 0x80d,
	OP_QUERY_BURST_SIZE = 0x813,
	OP_QUERY_DIAGNOSTIC_PARAMS = 0x819,
	OP_SET_DIAGNOSTIC_PARAMS = 0x820,
	OP_QUERY_DIAGNOSTIC_COUNTERS = 0x821,
	OP_QUERY_CONG_STATUS = 0x822,
	OP_MODIFY_CONG_STATUS = 0x823,
	OP_QUERY_CONG_PARAMS = 0x824,
	OP_QUERY_CONG_STATISTICS = 0x826,
	OP_QUERY_L2_TABLE_ENTRY = 0x82a,
	OP_QUERY_WOL_ROL = 0x831,
	OP_QUERY_LAG = 0x842,
	OP_QUERY_TIR = 0x903,
	OP_QUERY_SQ = 0x907,
	OP_QUERY_RQ = 0x90b,
	OP_QUERY_RMP = 0x90f,
	OP_QUERY_DELAY_DROP_PARAMS = 0x911,
	OP_QUERY_TIS = 0x915,
	OP_QUERY_RQT = 0x919,
	OP_QUERY_FLOW_TABLE = 0x932,
	OP_QUERY_FLOW_GROUP = 0x935,
	OP_QUERY_FLOW_TABLE_ENTRY = 0x937,
	OP_QUERY_FLOW_COUNTER = 0x93b,
	OP_QUERY_PACKET_REFORMAT_CONTEXT = 0x93f,
	OP_QUERY_MODIFY_HEADER_CONTEXT = 0x942,
	OP_FPGA_QUERY_QP = 0x962,
	OP_FPGA_QUERY_QP_COUNTERS = 0x964,
	OP_QUERY_AFU = 0x971,
	OP_QUERY_CAPI_PEC = 0x981,
	OP_QUERY_GENERAL_OBJECT = 0xa02,
	OP_CREATE_UCTX = 0xa04,
	OP_QUERY_UCTX = 0xa05,
	OP_DESTROY_UCTX = 0xa06,
	OP_QUERY_UMEM = 0xa09,
	OP_QUERY_NVMF_CC_RESPONSE = 0xb02,
	OP_QUERY_EMULATED_FUNCTIONS_INFO = 0xb03,
	OP_QUERY_REGEXP_PARAMS = 0xb05,
	OP_QUERY_REGEXP_REGISTER = 0xb07,
	OP_USER_QUERY_XRQ_DC_PARAMS_ENTRY = 0xb08,
	OP_USER_QUERY_XRQ_ERROR_PARAMS = 0xb0a,
	OP_ACCESS_REGISTER_USER = 0xb0c,
	OP_QUERY_VHCA_STATE = 0xb0d,
	OP_QUERY_EMULATION_DEVICE_EQ_MSIX_MAPPING = 0xb0f,
	OP_QUERY_MATCH_SAMPLE_INFO = 0xb13,
	OP_QUERY_CRYPTO_STATE = 0xb14,
	OP_QUERY_VUID = 0xb22,
	OP_QUERY_DPA_PARTITION = 0xb28,
	OP_QUERY_DPA_PARTITIONS = 0xb2a,
	OP_POSTPONE_CONNECTED_QP_TIMEOUT = 0xb2e,
	OP_QUERY_EMULATED_RESOURCES_INFO = 0xb2f,
	OP_QUERY_RSV_RESOURCES = 0x8000,
	OP_QUERY_MTT = 0x8001,
	OP_QUERY_SCHED_QUEUE = 0x8006,
};

/* QUERY_HCA_CAP of the current general capabilities, and where uctx_cap sits in its answer. */
#define HCA_CAP_OP_MOD_GENERAL_CUR 1
#define HCA_CAP_OUT_LEN (MBOX_HDR_LEN + 4096)
#define HCA_CAP_UCTX_CAP_OFF (MBOX_HDR_LEN + 0x6a0 / 8)
#define UCTX_CAP_TOOLS_RESOURCES 0x4
/* create_uctx_in: the uctx's cap field starts the command's body; create_uctx_out/destroy_uctx_in: uid. */
#define CREATE_UCTX_IN_LEN 64
#define CREATE_UCTX_CAP_OFF 16
#define UCTX_UID_OFF (0x50 / 8)
/* access_register_in op_mod: 0 writes, 1 reads. */
#define ACCESS_REG_OP_MOD_WRITE 0

struct sim_fw_request_hdr {
	u32 magic;
	u32 id;
	u32 in_len;
	u32 out_len;
};

struct sim_fw_reply_hdr {
	u32 magic;
	u32 id;
	s32 status;
	u32 out_len;
};

/* One firmware command on its way to the model and back. */
struct sim_request {
	struct list_head entry;
	u32 id;
	const void *in;
	size_t in_len;
	void *out;
	size_t out_len;
	bool finished;
	int result;
	struct completion done;
};

struct sim_fwctl {
	struct fwctl_device fwctl; /* first: fwctl_alloc_device() requires it */
};

struct sim_uctx {
	struct fwctl_uctx uctx; /* first: the core allocates uctx_size bytes */
	u32 uid;
	u32 caps;
};

static struct {
	/* The model's side: its requests not yet read, those read and not yet answered. */
	struct mutex lock;
	bool attached;
	struct list_head pending;
	struct list_head inflight;
	wait_queue_head_t wq;
	u32 next_id;
	/* The fwctl side. */
	struct mutex reg_lock;
	struct sim_fwctl *sim;
	struct faux_device *parent;
	atomic_t open_contexts;
	struct dentry *debugfs;
} sim_state;

/* Hands one command to the model and waits for its answer; *out_len becomes the answer's length. */
static int sim_fw_exec(const void *in, size_t in_len, void *out, size_t *out_len)
{
	struct sim_request *req;
	long left;
	int ret;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	req->in = in;
	req->in_len = in_len;
	req->out = out;
	req->out_len = *out_len;
	init_completion(&req->done);

	mutex_lock(&sim_state.lock);
	if (!sim_state.attached) {
		mutex_unlock(&sim_state.lock);
		kfree(req);
		return -ENXIO;
	}
	req->id = ++sim_state.next_id;
	list_add_tail(&req->entry, &sim_state.pending);
	mutex_unlock(&sim_state.lock);
	wake_up_interruptible(&sim_state.wq);

	left = wait_for_completion_killable_timeout(&req->done, SIM_RPC_TIMEOUT);

	mutex_lock(&sim_state.lock);
	if (req->finished) {
		ret = req->result;
		if (!ret)
			*out_len = req->out_len;
	} else {
		/* Timed out or killed: the model's late answer finds no request and is dropped. */
		list_del(&req->entry);
		ret = left == 0 ? -ETIMEDOUT : -EINTR;
	}
	mutex_unlock(&sim_state.lock);
	kfree(req);
	return ret;
}

/* A command the driver itself issues (as uid 0, like the kernel's mlx5 driver): 0 or -errno. */
static int sim_kernel_cmd(void *in, size_t in_len, void *out, size_t out_len)
{
	size_t len = out_len;
	int ret = sim_fw_exec(in, in_len, out, &len);

	if (ret)
		return ret;
	if (len < MBOX_HDR_LEN)
		return -EIO;
	return *(u8 *)(out + MBOX_STATUS_OFF) ? -EREMOTEIO : 0;
}

static void mbox_set_opcode(void *in, u16 opcode, u16 op_mod)
{
	put_unaligned_be16(opcode, in + MBOX_OPCODE_OFF);
	put_unaligned_be16(op_mod, in + MBOX_OP_MOD_OFF);
}

/* TOOLS_RESOURCES if the device offers it, otherwise nothing beyond a plain user context. */
static int sim_query_uctx_caps(u32 *caps)
{
	u8 in[MBOX_HDR_LEN] = {};
	u8 *out;
	int ret;

	out = kzalloc(HCA_CAP_OUT_LEN, GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	mbox_set_opcode(in, OP_QUERY_HCA_CAP, HCA_CAP_OP_MOD_GENERAL_CUR);
	ret = sim_kernel_cmd(in, sizeof(in), out, HCA_CAP_OUT_LEN);
	if (!ret)
		*caps = get_unaligned_be32(out + HCA_CAP_UCTX_CAP_OFF) & UCTX_CAP_TOOLS_RESOURCES;
	kfree(out);
	return ret;
}

static int sim_open_uctx(struct fwctl_uctx *uctx)
{
	struct sim_uctx *su = container_of(uctx, struct sim_uctx, uctx);
	u8 in[CREATE_UCTX_IN_LEN] = {};
	u8 out[MBOX_HDR_LEN] = {};
	u32 caps = 0;
	int ret;

	ret = sim_query_uctx_caps(&caps);
	if (ret)
		return ret;
	mbox_set_opcode(in, OP_CREATE_UCTX, 0);
	put_unaligned_be32(caps, in + CREATE_UCTX_CAP_OFF);
	ret = sim_kernel_cmd(in, sizeof(in), out, sizeof(out));
	if (ret)
		return ret;
	su->uid = get_unaligned_be16(out + UCTX_UID_OFF);
	su->caps = caps;
	atomic_inc(&sim_state.open_contexts);
	return 0;
}

static void sim_close_uctx(struct fwctl_uctx *uctx)
{
	struct sim_uctx *su = container_of(uctx, struct sim_uctx, uctx);
	u8 in[MBOX_HDR_LEN] = {};
	u8 out[MBOX_HDR_LEN] = {};
	int ret;

	mbox_set_opcode(in, OP_DESTROY_UCTX, 0);
	put_unaligned_be16(su->uid, in + UCTX_UID_OFF);
	/* The context is gone for the kernel whatever the model says; a failure is only logged. */
	ret = sim_kernel_cmd(in, sizeof(in), out, sizeof(out));
	if (ret)
		pr_warn(SIM_NAME ": DESTROY_UCTX of uid %u failed: %d\n", su->uid, ret);
	atomic_dec(&sim_state.open_contexts);
}

static void *sim_info(struct fwctl_uctx *uctx, size_t *length)
{
	struct sim_uctx *su = container_of(uctx, struct sim_uctx, uctx);
	struct fwctl_info_mlx5 *info;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return ERR_PTR(-ENOMEM);
	info->uid = su->uid;
	info->uctx_caps = su->caps;
	*length = sizeof(*info);
	return info;
}

/*
 * The mlx5 fwctl allowlist: queries and set commands that allocate no firmware object (nothing
 * would free it when the file is closed), each at its minimum scope.
 */
static bool sim_rpc_allowed(enum fwctl_rpc_scope scope, u16 opcode, u16 op_mod)
{
	switch (opcode) {
	case OP_POSTPONE_CONNECTED_QP_TIMEOUT:
	case OP_QUERY_ADAPTER:
	case OP_QUERY_ESW_FUNCTIONS:
	case OP_QUERY_HCA_CAP:
	case OP_QUERY_HCA_VPORT_CONTEXT:
	case OP_QUERY_OTHER_HCA_CAP:
	case OP_QUERY_ROCE_ADDRESS:
	case OP_QUERY_VUID:
	case OP_DELEGATE_VHCA_MANAGEMENT:
	case OP_MODIFY_CONG_STATUS:
	/* Firmware limits SET_HCA_CAP on the tools UID to the other-function mode. */
	case OP_SET_HCA_CAP:
		return true;

	case OP_ACCESS_REG:
	case OP_ACCESS_REGISTER_USER:
		return op_mod == ACCESS_REG_OP_MOD_WRITE || scope >= FWCTL_RPC_DEBUG_READ_ONLY;

	case OP_SET_DIAGNOSTIC_PARAMS:
		return scope >= FWCTL_RPC_DEBUG_WRITE;

	case OP_FPGA_QUERY_QP:
	case OP_FPGA_QUERY_QP_COUNTERS:
	case OP_NOP:
	case OP_QUERY_ADJACENT_FUNCTIONS_ID:
	case OP_QUERY_AFU:
	case OP_QUERY_BURST_SIZE:
	case OP_QUERY_CAPI_PEC:
	case OP_QUERY_CONG_PARAMS:
	case OP_QUERY_CONG_STATISTICS:
	case OP_QUERY_CONG_STATUS:
	case OP_QUERY_CQ:
	case OP_QUERY_CRYPTO_STATE:
	case OP_QUERY_DC_CNAK_TRACE:
	case OP_QUERY_DCT:
	case OP_QUERY_DELAY_DROP_PARAMS:
	case OP_QUERY_DELEGATED_VHCA:
	case OP_QUERY_DIAGNOSTIC_COUNTERS:
	case OP_QUERY_DIAGNOSTIC_PARAMS:
	case OP_QUERY_DPA_PARTITION:
	case OP_QUERY_DPA_PARTITIONS:
	case OP_QUERY_DRIVER_VERSION:
	case OP_QUERY_EMULATED_FUNCTIONS_INFO:
	case OP_QUERY_EMULATED_RESOURCES_INFO:
	case OP_QUERY_EMULATION_DEVICE_EQ_MSIX_MAPPING:
	case OP_QUERY_EQ:
	case OP_QUERY_ESW_VPORT_CONTEXT:
	case OP_QUERY_FLOW_COUNTER:
	case OP_QUERY_FLOW_GROUP:
	case OP_QUERY_FLOW_TABLE:
	case OP_QUERY_FLOW_TABLE_ENTRY:
	case OP_QUERY_GENERAL_OBJECT:
	case OP_QUERY_HCA_VPORT_GID:
	case OP_QUERY_HCA_VPORT_PKEY:
	case OP_QUERY_ISSI:
	case OP_QUERY_L2_TABLE_ENTRY:
	case OP_QUERY_LAG:
	case OP_QUERY_MAD_DEMUX:
	case OP_QUERY_MATCH_SAMPLE_INFO:
	case OP_QUERY_MKEY:
	case OP_QUERY_MODIFY_HEADER_CONTEXT:
	case OP_QUERY_MTT:
	case OP_QUERY_NIC_VPORT_CONTEXT:
	case OP_QUERY_NVMF_BACKEND_CTRL:
	case OP_QUERY_NVMF_CC_RESPONSE:
	case OP_QUERY_NVMF_NAMESPACE_CONTEXT:
	case OP_QUERY_PACKET_REFORMAT_CONTEXT:
	case OP_QUERY_PAGES:
	case OP_QUERY_PSV:
	case OP_QUERY_Q_COUNTER:
	case OP_QUERY_QP:
	case OP_QUERY_RATE_LIMIT:
	case OP_QUERY_RDB:
	case OP_QUERY_REGEXP_PARAMS:
	case OP_QUERY_REGEXP_REGISTER:
	case OP_QUERY_RMP:
	case OP_QUERY_RQ:
	case OP_QUERY_RQT:
	case OP_QUERY_RSV_RESOURCES:
	case OP_QUERY_SCHED_QUEUE:
	case OP_QUERY_SCHEDULING_ELEMENT:
	case OP_QUERY_SF_PARTITION:
	case OP_QUERY_SPECIAL_CONTEXTS:
	case OP_QUERY_SQ:
	case OP_QUERY_SRQ:
	case OP_QUERY_TIR:
	case OP_QUERY_TIS:
	case OP_QUERY_UCTX:
	case OP_QUERY_UMEM:
	case OP_QUERY_VHCA_MIGRATION_STATE:
	case OP_QUERY_VHCA_STATE:
	case OP_QUERY_VNIC_ENV:
	case OP_QUERY_VPORT_COUNTER:
	case OP_QUERY_VPORT_STATE:
	case OP_QUERY_WOL_ROL:
	case OP_QUERY_XRC_SRQ:
	case OP_QUERY_XRQ:
	case OP_QUERY_XRQ_DC_PARAMS_ENTRY:
	case OP_QUERY_XRQ_ERROR_PARAMS:
	case OP_USER_QUERY_XRQ_DC_PARAMS_ENTRY:
	case OP_USER_QUERY_XRQ_ERROR_PARAMS:
		return scope >= FWCTL_RPC_DEBUG_READ_ONLY;

	default:
		return false;
	}
}

static void *sim_fw_rpc(struct fwctl_uctx *uctx, enum fwctl_rpc_scope scope, void *rpc_in,
			size_t in_len, size_t *out_len)
{
	struct sim_uctx *su = container_of(uctx, struct sim_uctx, uctx);
	void *out;
	int ret;

	if (in_len < MBOX_HDR_LEN || *out_len < MBOX_HDR_LEN)
		return ERR_PTR(-EMSGSIZE);
	if (!sim_rpc_allowed(scope, get_unaligned_be16(rpc_in + MBOX_OPCODE_OFF),
			     get_unaligned_be16(rpc_in + MBOX_OP_MOD_OFF)))
		return ERR_PTR(-EBADMSG);
	/* Every command runs as the opener's context, whatever uid the caller wrote. */
	put_unaligned_be16(su->uid, rpc_in + MBOX_UID_OFF);

	out = kvzalloc(*out_len, GFP_KERNEL);
	if (!out)
		return ERR_PTR(-ENOMEM);
	/* Firmware status travels in the outbox; an errno means the command never ran. */
	ret = sim_fw_exec(rpc_in, in_len, out, out_len);
	if (ret) {
		kvfree(out);
		return ERR_PTR(ret);
	}
	return out;
}

static const struct fwctl_ops sim_fwctl_ops = {
	.device_type = FWCTL_DEVICE_TYPE_MLX5,
	.uctx_size = sizeof(struct sim_uctx),
	.open_uctx = sim_open_uctx,
	.close_uctx = sim_close_uctx,
	.info = sim_info,
	.fw_rpc = sim_fw_rpc,
};

static int sim_register(void)
{
	struct sim_fwctl *sim;
	int ret;

	lockdep_assert_held(&sim_state.reg_lock);
	if (sim_state.sim)
		return 0;
	sim = fwctl_alloc_device(&sim_state.parent->dev, &sim_fwctl_ops, struct sim_fwctl, fwctl);
	if (!sim)
		return -ENOMEM;
	ret = fwctl_register(&sim->fwctl);
	if (ret) {
		fwctl_put(&sim->fwctl);
		return ret;
	}
	sim_state.sim = sim;
	return 0;
}

/* As a remove() would: the core closes every open context, later calls on its files get ENODEV. */
static void sim_unregister(void)
{
	lockdep_assert_held(&sim_state.reg_lock);
	if (!sim_state.sim)
		return;
	fwctl_unregister(&sim_state.sim->fwctl);
	fwctl_put(&sim_state.sim->fwctl);
	sim_state.sim = NULL;
}

/* The model's character device. */

static int sim_model_open(struct inode *inode, struct file *file)
{
	int ret = 0;

	mutex_lock(&sim_state.lock);
	if (sim_state.attached)
		ret = -EBUSY;
	else
		sim_state.attached = true;
	mutex_unlock(&sim_state.lock);
	return ret;
}

static void sim_fail_all(struct list_head *list, int err)
{
	struct sim_request *req, *next;

	list_for_each_entry_safe(req, next, list, entry) {
		list_del(&req->entry);
		req->finished = true;
		req->result = err;
		complete(&req->done);
	}
}

static int sim_model_release(struct inode *inode, struct file *file)
{
	mutex_lock(&sim_state.lock);
	sim_state.attached = false;
	sim_fail_all(&sim_state.pending, -ENXIO);
	sim_fail_all(&sim_state.inflight, -ENXIO);
	mutex_unlock(&sim_state.lock);
	return 0;
}

static ssize_t sim_model_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	struct sim_fw_request_hdr hdr = { .magic = SIM_REQ_MAGIC };
	struct sim_request *req;
	ssize_t ret;

	mutex_lock(&sim_state.lock);
	while (list_empty(&sim_state.pending)) {
		mutex_unlock(&sim_state.lock);
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(sim_state.wq, !list_empty(&sim_state.pending)))
			return -ERESTARTSYS;
		mutex_lock(&sim_state.lock);
	}
	req = list_first_entry(&sim_state.pending, struct sim_request, entry);
	if (count < sizeof(hdr) + req->in_len) {
		ret = -EMSGSIZE;
		goto out;
	}
	hdr.id = req->id;
	hdr.in_len = req->in_len;
	hdr.out_len = req->out_len;
	if (copy_to_user(buf, &hdr, sizeof(hdr)) ||
	    copy_to_user(buf + sizeof(hdr), req->in, req->in_len)) {
		ret = -EFAULT;
		goto out;
	}
	list_move_tail(&req->entry, &sim_state.inflight);
	ret = sizeof(hdr) + req->in_len;
out:
	mutex_unlock(&sim_state.lock);
	return ret;
}

static ssize_t sim_model_write(struct file *file, const char __user *buf, size_t count,
			       loff_t *ppos)
{
	struct sim_fw_reply_hdr hdr;
	struct sim_request *req, *found = NULL;
	ssize_t ret = count;

	if (count < sizeof(hdr))
		return -EINVAL;
	if (copy_from_user(&hdr, buf, sizeof(hdr)))
		return -EFAULT;
	if (hdr.magic != SIM_REPLY_MAGIC || count != sizeof(hdr) + hdr.out_len)
		return -EINVAL;

	mutex_lock(&sim_state.lock);
	list_for_each_entry(req, &sim_state.inflight, entry) {
		if (req->id == hdr.id) {
			found = req;
			break;
		}
	}
	if (!found) {
		/* Its caller gave up (timeout or signal). */
		ret = -ENOENT;
		goto out;
	}
	if (hdr.status > 0 || hdr.status < -MAX_ERRNO || hdr.out_len > found->out_len) {
		found->result = -EIO;
		ret = -EINVAL;
	} else if (copy_from_user(found->out, buf + sizeof(hdr), hdr.out_len)) {
		found->result = -EIO;
		ret = -EFAULT;
	} else {
		found->result = hdr.status;
		found->out_len = hdr.out_len;
	}
	list_del(&found->entry);
	found->finished = true;
	complete(&found->done);
out:
	mutex_unlock(&sim_state.lock);
	return ret;
}

static __poll_t sim_model_poll(struct file *file, struct poll_table_struct *wait)
{
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &sim_state.wq, wait);
	mutex_lock(&sim_state.lock);
	if (!list_empty(&sim_state.pending))
		mask |= EPOLLIN | EPOLLRDNORM;
	mutex_unlock(&sim_state.lock);
	return mask;
}

static const struct file_operations sim_model_fops = {
	.owner = THIS_MODULE,
	.open = sim_model_open,
	.release = sim_model_release,
	.read = sim_model_read,
	.write = sim_model_write,
	.poll = sim_model_poll,
	.llseek = noop_llseek,
};

static struct miscdevice sim_model_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = SIM_NAME "_fw",
	.fops = &sim_model_fops,
	.mode = 0600,
};

/* debugfs */

static int registered_get(void *data, u64 *val)
{
	mutex_lock(&sim_state.reg_lock);
	*val = sim_state.sim != NULL;
	mutex_unlock(&sim_state.reg_lock);
	return 0;
}

static int registered_set(void *data, u64 val)
{
	int ret = 0;

	mutex_lock(&sim_state.reg_lock);
	if (val)
		ret = sim_register();
	else
		sim_unregister();
	mutex_unlock(&sim_state.reg_lock);
	return ret;
}
DEFINE_DEBUGFS_ATTRIBUTE(registered_fops, registered_get, registered_set, "%llu\n");

static int open_contexts_get(void *data, u64 *val)
{
	*val = atomic_read(&sim_state.open_contexts);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(open_contexts_fops, open_contexts_get, NULL, "%llu\n");

static int model_attached_get(void *data, u64 *val)
{
	mutex_lock(&sim_state.lock);
	*val = sim_state.attached;
	mutex_unlock(&sim_state.lock);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(model_attached_fops, model_attached_get, NULL, "%llu\n");

static ssize_t fwctl_device_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	char name[32] = "";
	int len;

	mutex_lock(&sim_state.reg_lock);
	if (sim_state.sim)
		strscpy(name, dev_name(&sim_state.sim->fwctl.dev), sizeof(name));
	mutex_unlock(&sim_state.reg_lock);
	len = strlen(name);
	name[len++] = '\n';
	return simple_read_from_buffer(buf, count, ppos, name, len);
}

static const struct file_operations fwctl_device_fops = {
	.owner = THIS_MODULE,
	.read = fwctl_device_read,
	.llseek = default_llseek,
};

static int __init sim_init(void)
{
	int ret;

	mutex_init(&sim_state.lock);
	mutex_init(&sim_state.reg_lock);
	INIT_LIST_HEAD(&sim_state.pending);
	INIT_LIST_HEAD(&sim_state.inflight);
	init_waitqueue_head(&sim_state.wq);

	ret = misc_register(&sim_model_misc);
	if (ret)
		return ret;
	sim_state.parent = faux_device_create(SIM_NAME, NULL, NULL);
	if (!sim_state.parent) {
		ret = -ENODEV;
		goto err_misc;
	}
	mutex_lock(&sim_state.reg_lock);
	ret = sim_register();
	mutex_unlock(&sim_state.reg_lock);
	if (ret)
		goto err_faux;

	sim_state.debugfs = debugfs_create_dir(SIM_NAME, NULL);
	debugfs_create_file("registered", 0600, sim_state.debugfs, NULL, &registered_fops);
	debugfs_create_file("fwctl_device", 0400, sim_state.debugfs, NULL, &fwctl_device_fops);
	debugfs_create_file("open_contexts", 0400, sim_state.debugfs, NULL, &open_contexts_fops);
	debugfs_create_file("model_attached", 0400, sim_state.debugfs, NULL, &model_attached_fops);
	return 0;

err_faux:
	faux_device_destroy(sim_state.parent);
err_misc:
	misc_deregister(&sim_model_misc);
	return ret;
}

static void __exit sim_exit(void)
{
	debugfs_remove_recursive(sim_state.debugfs);
	mutex_lock(&sim_state.reg_lock);
	sim_unregister();
	mutex_unlock(&sim_state.reg_lock);
	faux_device_destroy(sim_state.parent);
	misc_deregister(&sim_model_misc);
}

module_init(sim_init);
module_exit(sim_exit);

MODULE_IMPORT_NS("FWCTL");
MODULE_DESCRIPTION("Test fwctl driver of type mlx5 whose firmware is a userspace model (mlx5ctl's kernel lane)");
MODULE_LICENSE("GPL");
