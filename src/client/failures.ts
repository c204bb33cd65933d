/**
 * Failures as classes a caller can tell apart: the name matches no published device (the broker
 * may well be running), the socket is there but nothing answers on it, or the broker refused a
 * request and said why.
 */
import { DeviceDescriptor } from '../config/descriptor';
import { Errno, ErrnoError, strerror } from '../uapi/errno';

export class DeviceNotFoundError extends ErrnoError {
  constructor(readonly requested: string, readonly rundir: string, readonly available: readonly DeviceDescriptor[]) {
    super(Errno.ENODEV, `no mlx5ctl device "${requested}" in ${rundir}`);
    this.name = 'DeviceNotFoundError';
  }
}

/** connect(2) failed: `connectCode` is its error (ECONNREFUSED: a stale socket; ENOENT: none). */
export class BrokerUnreachableError extends ErrnoError {
  constructor(readonly socket: string, readonly connectCode: string, errno: number, detail: string) {
    super(errno, `cannot connect to ${socket}: ${detail}`);
    this.name = 'BrokerUnreachableError';
  }

  /** A socket file with no listener: the broker that made it is gone. */
  get stale(): boolean {
    return this.connectCode === 'ECONNREFUSED';
  }
}

/**
 * The broker refused a request and said why (the text it sends with an error reply): the errno
 * is the kernel's, unchanged; `detail` names the cause (the opcode and the scopes, the quota).
 */
export class BrokerRefusalError extends ErrnoError {
  constructor(errno: number, readonly detail: string) {
    super(errno, `${strerror(errno)} (${detail})`);
    this.name = 'BrokerRefusalError';
  }
}
