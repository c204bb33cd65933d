/**
 * Where netlink datagrams come from and go to. NativeNetlinkTransport is a real AF_NETLINK socket
 * on Node's event loop (the addon's Poller), so a request never blocks the loop; tests swap in a
 * transport that plays the kernel. One datagram in, one datagram out: netlink never splits a
 * message across reads.
 */
import { isNativeError, native, type NativePoller } from '../addon';
import { Errno } from '../uapi/errno';
import { NETLINK_GENERIC, NetlinkSockopt } from './constants';
import { NetlinkError } from './errors';

export interface Datagram {
  /** The bytes received (cut short when `length` is larger). */
  data: Buffer;
  /** The datagram's real size. */
  length: number;
  /** The sender's port id: 0 is the kernel. */
  senderPort: number;
  /** Multicast group mask it was sent to; 0 for unicast. */
  groups: number;
}

export interface TransportHandlers {
  onDatagram(datagram: Datagram): void;
  /** A receive error: ENOBUFS means the kernel dropped datagrams (socket buffer overrun). */
  onError(errno: number): void;
}

export interface NetlinkTransport {
  readonly portId: number;
  /** Sends one datagram to the kernel; throws NetlinkError when the kernel refuses it. */
  send(datagram: Buffer): void;
  /** Starts delivering datagrams; `active` says whether the transport should keep Node alive. */
  start(handlers: TransportHandlers): void;
  setActive(active: boolean): void;
  joinGroup(groupId: number): void;
  leaveGroup(groupId: number): void;
  close(): void;
}

/** Big enough for any kernel netlink datagram: dumps are capped at 32 KiB, doit replies smaller. */
export const RECEIVE_BUFFER_SIZE = 64 * 1024;
/** Datagrams handled per wake-up, so one busy socket cannot starve the event loop. */
const READS_PER_WAKEUP = 32;

function errnoOf(error: unknown): number {
  return isNativeError(error) ? Math.abs(error.errno) : Errno.EIO;
}

export class NativeNetlinkTransport implements NetlinkTransport {
  readonly portId: number;
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(RECEIVE_BUFFER_SIZE);
  private poller: NativePoller | undefined;
  private handlers: TransportHandlers | undefined;
  private closed = false;

  constructor(protocol = NETLINK_GENERIC) {
    const { fd, portId } = native.netlinkOpen(protocol);
    this.fd = fd;
    this.portId = portId;
    try {
      // Extended acks carry the kernel's error text; capped acks echo only our header.
      native.netlinkSetOption(fd, NetlinkSockopt.EXT_ACK, 1);
      native.netlinkSetOption(fd, NetlinkSockopt.CAP_ACK, 1);
    } catch (error) {
      native.close(fd);
      throw error;
    }
  }

  send(datagram: Buffer): void {
    if (this.closed) throw new NetlinkError(Errno.EBADF);
    let sent: number | null;
    try {
      sent = native.netlinkSend(this.fd, datagram, datagram.length);
    } catch (error) {
      throw new NetlinkError(errnoOf(error));
    }
    if (sent === null) throw new NetlinkError(Errno.ENOBUFS);
  }

  start(handlers: TransportHandlers): void {
    if (this.closed || this.poller) return;
    this.handlers = handlers;
    this.poller = new native.Poller(this.fd, (errno, readable) => {
      if (errno !== 0) handlers.onError(errno);
      else if (readable) this.drain();
    });
    this.poller.start(true, false);
    this.poller.unref();
  }

  setActive(active: boolean): void {
    if (active) this.poller?.ref();
    else this.poller?.unref();
  }

  joinGroup(groupId: number): void {
    native.netlinkSetOption(this.fd, NetlinkSockopt.ADD_MEMBERSHIP, groupId);
  }

  leaveGroup(groupId: number): void {
    if (!this.closed) native.netlinkSetOption(this.fd, NetlinkSockopt.DROP_MEMBERSHIP, groupId);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.poller?.close();
    this.poller = undefined;
    native.close(this.fd);
  }

  private drain(): void {
    for (let i = 0; i < READS_PER_WAKEUP && !this.closed; i++) {
      let got: ReturnType<typeof native.netlinkRecv>;
      try {
        got = native.netlinkRecv(this.fd, this.buffer);
      } catch (error) {
        this.handlers?.onError(errnoOf(error));
        continue;
      }
      if (got === null) return;
      // Copy: the buffer is reused by the next read, and replies are kept until complete.
      const data = Buffer.from(this.buffer.subarray(0, got.bytes));
      this.handlers?.onDatagram({ data, length: got.length, senderPort: got.portId, groups: got.groups });
    }
  }
}
