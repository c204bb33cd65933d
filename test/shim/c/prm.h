/*
 * Just enough of the ConnectX PRM (mlx5_ifc.h) for the test programs: big-endian bit-field
 * access in MLX5_SET/MLX5_GET style (bit 0 is the MSB of byte 0) and the opcodes they issue.
 */
#ifndef TEST_PRM_H
#define TEST_PRM_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#define MLX5_CMD_OP_QUERY_HCA_CAP 0x100
#define MLX5_CMD_OP_CREATE_MKEY 0x200
#define MLX5_CMD_OP_DESTROY_MKEY 0x202
#define MLX5_CMD_OP_ALLOC_PD 0x800
#define MLX5_CMD_OP_DEALLOC_PD 0x801
#define MLX5_CMD_OP_ACCESS_REG 0x805
#define MLX5_REG_CORE_DUMP 0x402e
#define MLX5_CORE_DUMP_CR_DUMP_TO_MEM 2

/* Sets `width` bits at big-endian bit offset `off` (memcpy: buffers are plain bytes). */
static inline void prm_set(void *buf, unsigned off, unsigned width, uint32_t value)
{
	uint8_t *at = (uint8_t *)buf + off / 32 * 4;
	unsigned shift = 32 - width - off % 32;
	uint32_t mask = width == 32 ? 0xffffffffu : ((1u << width) - 1) << shift;
	uint32_t v;
	memcpy(&v, at, 4);
	v = ntohl(v);
	v = (v & ~mask) | ((value << shift) & mask);
	v = htonl(v);
	memcpy(at, &v, 4);
}

static inline uint32_t prm_get(const void *buf, unsigned off, unsigned width)
{
	uint32_t v;
	unsigned shift = 32 - width - off % 32;
	memcpy(&v, (const uint8_t *)buf + off / 32 * 4, 4);
	v = ntohl(v);
	return width == 32 ? v : (v >> shift) & ((1u << width) - 1);
}

static inline void prm_set64(void *buf, unsigned off, uint64_t value)
{
	prm_set(buf, off, 32, (uint32_t)(value >> 32));
	prm_set(buf, off + 32, 32, (uint32_t)value);
}

static inline uint64_t prm_get64(const void *buf, unsigned off)
{
	return ((uint64_t)prm_get(buf, off, 32) << 32) | prm_get(buf, off + 32, 32);
}

/* Mailbox headers: opcode@0/16, op_mod@0x30/16 in; status@0/8, syndrome@0x20/32 out. */
static inline void prm_cmd(void *in, uint16_t opcode, uint16_t op_mod)
{
	prm_set(in, 0, 16, opcode);
	prm_set(in, 0x30, 16, op_mod);
}

#endif
