/**
 * A NetlinkTransport that plays the kernel for tests: each datagram we send is parsed with the
 * real codec and handed to `answer`, whose datagrams (built with the codec the way the kernel
 * lays them out) come back asynchronously, as from a socket. `inject` delivers anything, e.g.
 * corrupt bytes or a forged sender.
 */
import { NlmFlag, NlmsgType, NLMSG_HDRLEN } from '../../src/netlink/constants';
import { encodeMessage, splitMessages, type NetlinkMessage } from '../../src/netlink/message';
import type { Datagram, NetlinkTransport, TransportHandlers } from '../../src/netlink/transport';

export type Answer = (request: NetlinkMessage, kernel: FakeKernel) => Array<Buffer | Partial<Datagram> & { data: Buffer }>;

export class FakeKernel implements NetlinkTransport {
  readonly portId = 4242;
  readonly sent: NetlinkMessage[] = [];
  readonly groups = new Set<number>();
  active = false;
  closed = false;
  private handlers: TransportHandlers | undefined;

  constructor(public answer: Answer = () => []) {}

  send(datagram: Buffer): void {
    for (const message of splitMessages(Buffer.from(datagram))) {
      this.sent.push(message);
      const replies = this.answer(message, this);
      setImmediate(() => {
        for (const reply of replies) this.inject(Buffer.isBuffer(reply) ? { data: reply } : reply);
      });
    }
  }

  start(handlers: TransportHandlers): void {
    this.handlers = handlers;
  }

  setActive(active: boolean): void {
    this.active = active;
  }

  joinGroup(groupId: number): void {
    this.groups.add(groupId);
  }

  leaveGroup(groupId: number): void {
    this.groups.delete(groupId);
  }

  close(): void {
    this.closed = true;
  }

  inject(datagram: Partial<Datagram> & { data: Buffer }): void {
    this.handlers?.onDatagram({ length: datagram.data.length, senderPort: 0, groups: 0, ...datagram });
  }

  error(errno: number): void {
    this.handlers?.onError(errno);
  }

  /** A reply message to `request`, addressed as the kernel addresses it. */
  reply(request: NetlinkMessage, type: number, payload: Uint8Array, flags = 0): Buffer {
    return encodeMessage({ type, flags, seq: request.header.seq, portId: this.portId }, payload);
  }

  /** NLMSG_ERROR: errno 0 is the ACK. TLVs (already encoded) set NLM_F_ACK_TLVS. */
  ack(request: NetlinkMessage, errno = 0, tlvs?: Buffer): Buffer {
    const body = Buffer.alloc(4 + NLMSG_HDRLEN);
    body.writeInt32LE(-errno, 0);
    body.writeUInt32LE(request.header.length, 4);
    body.writeUInt16LE(request.header.type, 8);
    body.writeUInt16LE(request.header.flags, 10);
    body.writeUInt32LE(request.header.seq, 12);
    body.writeUInt32LE(request.header.portId, 16);
    const flags = NlmFlag.CAPPED | (tlvs ? NlmFlag.ACK_TLVS : 0);
    return this.reply(request, NlmsgType.ERROR, tlvs ? Buffer.concat([body, tlvs]) : body, flags);
  }

  done(request: NetlinkMessage, errno = 0, tlvs?: Buffer): Buffer {
    const body = Buffer.alloc(4);
    body.writeInt32LE(-errno, 0);
    return this.reply(request, NlmsgType.DONE, tlvs ? Buffer.concat([body, tlvs]) : body, NlmFlag.MULTI | (tlvs ? NlmFlag.ACK_TLVS : 0));
  }
}
