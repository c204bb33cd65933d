/**
 * One open of the simulated device, as the kernel driver's open_uctx/close_uctx: CREATE_UCTX runs
 * as the kernel (uid 0) with the capability bits the opener may have and the device supports,
 * DESTROY_UCTX on close. Commands run with the context's UID stamped into the inbox.
 */
import type { DeviceContext, OpenOptions } from '../device';
import { newInbox, outboxStatus, outboxSyndrome, setInboxUid } from '../mailbox';
import { Opcode } from '../opcodes';
import { fwStatusErrno, fwStatusName } from '../status';
import { getBits, setBits } from '../../uapi/ifc/bits';
import { Errno, ErrnoError } from '../../uapi/errno';

/** The kernel's side of the simulated device: commands that run as uid 0. */
export interface SimKernelPath {
  readonly uctxCap: number;
  executeSync(inbox: Buffer, outlen: number): Buffer;
}

export class SimContext implements DeviceContext {
  private closed = false;

  private constructor(private readonly device: SimKernelPath, readonly uid: number, readonly uctxCaps: number) {}

  static open(device: SimKernelPath, options: OpenOptions): SimContext {
    const caps = options.allowedUctxCaps & device.uctxCap;
    const inbox = newInbox(Opcode.CREATE_UCTX, 64);
    setBits(inbox, 0x80, 32, caps);
    const out = device.executeSync(inbox, 16);
    const status = outboxStatus(out);
    if (status !== 0) {
      throw new ErrnoError(fwStatusErrno(status), `CREATE_UCTX failed: ${fwStatusName(status)} syndrome 0x${outboxSyndrome(out).toString(16)}`);
    }
    return new SimContext(device, getBits(out, 0x50, 16), caps);
  }

  async execute(inbox: Buffer, outlen: number): Promise<Buffer> {
    if (this.closed) throw new ErrnoError(Errno.EBADF, `context of uid ${this.uid} is closed`);
    // The kernel driver stamps the uid into every command header; so does the context.
    setInboxUid(inbox, this.uid);
    return this.device.executeSync(inbox, outlen);
  }

  /** As the kernel driver's close_uctx: a failed DESTROY_UCTX is reported, the close completes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const inbox = newInbox(Opcode.DESTROY_UCTX, 16);
    setBits(inbox, 0x50, 16, this.uid);
    const out = this.device.executeSync(inbox, 16);
    const status = outboxStatus(out);
    if (status !== 0) throw new ErrnoError(fwStatusErrno(status), `DESTROY_UCTX ${this.uid} failed: ${fwStatusName(status)} syndrome 0x${outboxSyndrome(out).toString(16)}`);
  }
}
