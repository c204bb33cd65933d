/**
 * One open file of /dev/fwctl/fwctlN: the kernel allocated its firmware UID at open (the mlx5
 * driver's CREATE_UCTX) and frees it when the file is closed, however the client ended. RPCs run
 * on a worker thread (the addon); close waits for the ones in flight so no ioctl ever runs on a
 * closed or reused fd.
 */
import type { FileHandle } from 'fs/promises';
import { isNativeError, native } from '../../addon';
import { Errno, ErrnoError } from '../../uapi/errno';
import { ScopeValue } from '../../uapi/fwctl';
import type { DeviceContext } from '../device';

export class FwctlContext implements DeviceContext {
  private closing: Promise<void> | undefined;
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly file: FileHandle,
    readonly uid: number,
    readonly uctxCaps: number,
    /** Told when the kernel answers ENODEV: the device was unregistered under us. */
    private readonly onGone: () => void,
  ) {}

  async execute(inbox: Buffer, outlen: number, scope: ScopeValue): Promise<Buffer> {
    if (this.closing) throw new ErrnoError(Errno.EBADF, 'context closed');
    const rpc = native.fwctlRpc(this.file.fd, scope, inbox, outlen);
    this.inflight.add(rpc);
    try {
      const outbox = await rpc;
      // The kernel reports how much the driver wrote; callers read a whole outbox of outlen.
      if (outbox.length >= outlen) return outbox;
      const whole = Buffer.alloc(outlen);
      outbox.copy(whole);
      return whole;
    } catch (err) {
      throw this.asErrnoError(err);
    } finally {
      this.inflight.delete(rpc);
    }
  }

  close(): Promise<void> {
    if (!this.closing) this.closing = this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
    await this.file.close();
  }

  /** The kernel's errno, unchanged (EBADMSG, EMSGSIZE, EOPNOTSUPP, EPERM, ENODEV, ...). */
  private asErrnoError(err: unknown): ErrnoError {
    if (!isNativeError(err)) return new ErrnoError(Errno.EIO, `FWCTL_RPC: ${String(err)}`);
    const errno = -err.errno;
    if (errno === Errno.ENODEV) this.onGone();
    return new ErrnoError(errno, `FWCTL_RPC: ${err.message}`);
  }
}
