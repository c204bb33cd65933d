/** How a simulated command fails: a firmware status plus a syndrome, written into the outbox. */
import { FwStatus } from '../status';

export class FwError extends Error {
  constructor(readonly status: number, readonly syndrome: number, message: string) {
    super(message);
    this.name = 'FwError';
  }
}

/**
 * Syndromes: 32-bit values that identify the exact check that failed, as real firmware's do.
 * They are stable so tools and tests can match on them.
 */
export const Syndrome = {
  UNKNOWN_OPCODE: 0x0a6d3b47,
  INBOX_TOO_SHORT: 0x1f0c52a1,
  OUTBOX_TOO_SHORT: 0x1f0c52a2,
  BAD_OP_MOD: 0x2c94e81d,
  RESERVED_NOT_ZERO: 0x33b01e5c,
  UID_NOT_PRIVILEGED: 0x4d1a0c07,
  UID_UNKNOWN: 0x4d1a0c08,
  UID_EXHAUSTED: 0x4d1a0c09,
  UID_HAS_OBJECTS: 0x4d1a0c0a,
  UCTX_CAP_NOT_SUPPORTED: 0x4d1a0c0b,
  CAP_TYPE_UNSUPPORTED: 0x5e27a911,
  OTHER_FUNCTION_DENIED: 0x5e27a912,
} as const;

export const badOp = (opcode: number): FwError =>
  new FwError(FwStatus.BAD_OP, Syndrome.UNKNOWN_OPCODE, `unknown opcode 0x${opcode.toString(16)}`);

export const badParam = (syndrome: number, message: string): FwError =>
  new FwError(FwStatus.BAD_PARAM, syndrome, message);
