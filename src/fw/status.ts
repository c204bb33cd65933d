/**
 * Firmware command status codes (outbox byte 0) with their names and the errno mlx5_cmd_exec
 * maps them to. mlx5ctl/fwctl never return those errnos for a status: status≠0 is -EREMOTEIO
 * inside the driver and the outbox goes back to the caller with result 0. The table is kept for
 * diagnostics (logs, the CLI's error lines).
 */
import { Errno } from '../uapi/errno';

export const FwStatus = {
  OK: 0x0,
  INT_ERR: 0x1,
  BAD_OP: 0x2,
  BAD_PARAM: 0x3,
  BAD_SYS_STATE: 0x4,
  BAD_RES: 0x5,
  RES_BUSY: 0x6,
  NOT_READY: 0x7,
  LIM_ERR: 0x8,
  BAD_RES_STATE: 0x9,
  IX_ERR: 0xa,
  NO_RES: 0xf,
  BAD_QP_STATE: 0x10,
  BAD_PKT: 0x30,
  BAD_SIZE_OUTS_CQES: 0x40,
  BAD_INP_LEN: 0x50,
  BAD_OUTP_LEN: 0x51,
} as const;
export type FwStatusValue = (typeof FwStatus)[keyof typeof FwStatus];

const statusErrno: Record<number, number> = {
  0x0: 0,
  0x1: Errno.EIO,
  0x2: Errno.EINVAL,
  0x3: Errno.EINVAL,
  0x4: Errno.EIO,
  0x5: Errno.EINVAL,
  0x6: Errno.EBUSY,
  0x7: Errno.EAGAIN,
  0x8: Errno.ENOMEM,
  0x9: Errno.EINVAL,
  0xa: Errno.EINVAL,
  0xf: Errno.EAGAIN,
  0x10: Errno.EINVAL,
  0x30: Errno.EINVAL,
  0x40: Errno.EINVAL,
  0x50: Errno.EIO,
  0x51: Errno.EIO,
};

const statusNames = new Map<number, string>(Object.entries(FwStatus).map(([name, value]) => [value, name]));

export function fwStatusName(status: number): string {
  return statusNames.get(status) ?? `UNKNOWN(0x${status.toString(16)})`;
}

/** The errno the kernel's mlx5_cmd_exec would report for this status (EIO for unknown ones). */
export function fwStatusErrno(status: number): number {
  return statusErrno[status] ?? Errno.EIO;
}
