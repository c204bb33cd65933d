/**
 * NetlinkSocket against a transport that plays the kernel: how requests end (ACK, error with
 * extack, dump DONE, multipart doit then ACK), what is dropped (foreign senders, stale or
 * misaddressed replies), multicast delivery, and the bounds.
 */
import { AttrWriter } from '../../src/netlink/attributes';
import { NlmFlag, NlmsgType, NlmsgerrAttr } from '../../src/netlink/constants';
import { NetlinkError, NetlinkParseError } from '../../src/netlink/errors';
import { encodeMessage, type NetlinkMessage } from '../../src/netlink/message';
import { MAX_PENDING, NetlinkSocket } from '../../src/netlink/socket';
import { Errno } from '../../src/uapi/errno';
import { FakeKernel } from './fake_transport';
import { rejection } from './fixtures';

const FAMILY = 0x1c;

function data(kernel: FakeKernel, request: NetlinkMessage, value: number, flags = 0): Buffer {
  return kernel.reply(request, FAMILY, new AttrWriter().u32(1, value).bytes(), flags);
}

const valueOf = (message: NetlinkMessage): number => message.payload.readUInt32LE(4);

function setup(answer: ConstructorParameters<typeof FakeKernel>[0]) {
  const kernel = new FakeKernel(answer);
  const drops: string[] = [];
  const socket = new NetlinkSocket(kernel, { onDrop: (reason) => drops.push(reason) });
  return { kernel, socket, drops };
}

describe('NetlinkSocket', () => {
  it('sends REQUEST|ACK with a fresh seq and resolves a doit on its ACK', async () => {
    const { kernel, socket } = setup((req, k) => [data(k, req, 5), k.ack(req)]);
    const reply = await socket.request(FAMILY, Buffer.alloc(4));
    expect(reply.messages.map(valueOf)).toEqual([5]);
    expect(reply.warning).toBeUndefined();
    await socket.request(FAMILY, Buffer.alloc(4));
    const [first, second] = kernel.sent;
    expect(first?.header.flags).toBe(NlmFlag.REQUEST | NlmFlag.ACK);
    expect(first?.header.portId).toBe(0);
    expect(second && first && second.header.seq - first.header.seq).toBe(1);
    expect(kernel.active).toBe(false); // idle sockets do not keep Node alive
  });

  it('rejects with the errno and the extack message and offset', async () => {
    const tlvs = new AttrWriter().string(NlmsgerrAttr.MSG, 'Requested snapshot does not exist').u32(NlmsgerrAttr.OFFS, 36).bytes();
    const { socket } = setup((req, k) => [k.ack(req, Errno.EINVAL, tlvs)]);
    const error = await rejection(socket.request(FAMILY, Buffer.alloc(4)));
    expect(error.errno).toBe(Errno.EINVAL);
    expect(error.extack).toEqual({ message: 'Requested snapshot does not exist', offset: 36 });
    expect(error.message).toBe('Requested snapshot does not exist');
  });

  it('keeps an ACK warning', async () => {
    const { socket } = setup((req, k) => [k.ack(req, 0, new AttrWriter().string(NlmsgerrAttr.MSG, 'careful').bytes())]);
    expect(await socket.request(FAMILY, Buffer.alloc(4))).toEqual({ messages: [], warning: 'careful' });
  });

  it('collects a dump across datagrams until NLMSG_DONE (several messages per datagram)', async () => {
    const { kernel, socket } = setup((req, k) => [
      Buffer.concat([data(k, req, 1, NlmFlag.MULTI), data(k, req, 2, NlmFlag.MULTI)]),
      Buffer.concat([data(k, req, 3, NlmFlag.MULTI), k.done(req)]),
    ]);
    const reply = await socket.request(FAMILY, Buffer.alloc(4), { dump: true });
    expect(reply.messages.map(valueOf)).toEqual([1, 2, 3]);
    expect(kernel.sent[0]?.header.flags).toBe(NlmFlag.REQUEST | NlmFlag.ACK | NlmFlag.DUMP);
  });

  it('fails a dump whose DONE carries an error, with its extack, after the parts that came', async () => {
    const tlvs = new AttrWriter().string(NlmsgerrAttr.MSG, 'Dump trampled, please retry').bytes();
    const { socket } = setup((req, k) => [data(k, req, 1, NlmFlag.MULTI), k.done(req, Errno.EAGAIN, tlvs)]);
    const error = await rejection(socket.request(FAMILY, Buffer.alloc(4), { dump: true }));
    expect([error.errno, error.extack.message]).toEqual([Errno.EAGAIN, 'Dump trampled, please retry']);
  });

  it('fails a dump that cannot start (NLMSG_ERROR instead of DONE)', async () => {
    const { socket } = setup((req, k) => [k.ack(req, Errno.ENODEV)]);
    expect((await rejection(socket.request(FAMILY, Buffer.alloc(4), { dump: true }))).errno).toBe(Errno.ENODEV);
  });

  it('fails a dump whose parts say it changed underneath (NLM_F_DUMP_INTR) with EINTR, as libmnl does', async () => {
    const { socket } = setup((req, k) => [data(k, req, 1, NlmFlag.MULTI | NlmFlag.DUMP_INTR), k.done(req)]);
    expect((await rejection(socket.request(FAMILY, Buffer.alloc(4), { dump: true }))).errno).toBe(Errno.EINTR);
  });

  it('a multipart doit (health diagnose) ends at the ACK after its NLMSG_DONE', async () => {
    const { socket, drops } = setup((req, k) => [data(k, req, 1, NlmFlag.MULTI), data(k, req, 2, NlmFlag.MULTI), k.done(req), k.ack(req)]);
    expect((await socket.request(FAMILY, Buffer.alloc(4))).messages.map(valueOf)).toEqual([1, 2]);
    expect(drops).toEqual([]);
  });

  it('a multipart doit that fails after some parts reports the ACK error', async () => {
    const { socket } = setup((req, k) => [data(k, req, 1, NlmFlag.MULTI), k.ack(req, Errno.EMSGSIZE)]);
    expect((await rejection(socket.request(FAMILY, Buffer.alloc(4)))).errno).toBe(Errno.EMSGSIZE);
  });

  it('matches concurrent requests by seq whatever order the answers come in', async () => {
    const held: Array<() => void> = [];
    const { kernel, socket } = setup((req, k) => {
      held.push(() => k.inject({ data: Buffer.concat([data(k, req, req.header.seq, 0), k.ack(req)]) }));
      return [];
    });
    const promises = [0, 1, 2].map(() => socket.request(FAMILY, Buffer.alloc(4)));
    held.reverse().forEach((answer) => answer());
    const replies = await Promise.all(promises);
    expect(replies.map((r) => r.messages.map(valueOf)[0])).toEqual(kernel.sent.map((m) => m.header.seq));
  });

  it('drops datagrams from other processes, replies to another port, and stale replies', async () => {
    let request: NetlinkMessage | undefined;
    const { kernel, socket, drops } = setup((req) => {
      request = req;
      return [];
    });
    const promise = socket.request(FAMILY, Buffer.alloc(4));
    await new Promise((resolve) => setImmediate(resolve));
    if (!request) throw new Error('no request');
    // A forged ACK from a user-space sender: ignored, the request is still pending.
    kernel.inject({ data: kernel.ack(request, Errno.EPERM), senderPort: 999 });
    // An ACK for the right seq but addressed to another port id: not ours.
    kernel.inject({ data: encodeMessage({ ...request.header, type: NlmsgType.ERROR, portId: 1 }, kernel.ack(request).subarray(16)) });
    // A reply for a seq nobody waits for.
    kernel.inject({ data: encodeMessage({ type: FAMILY, flags: 0, seq: request.header.seq + 100, portId: kernel.portId }, Buffer.alloc(4)) });
    expect(socket.pendingCount).toBe(1);
    kernel.inject({ data: kernel.ack(request) });
    await expect(promise).resolves.toEqual({ messages: [] });
    expect(drops).toEqual([
      'datagram from port 999, not the kernel',
      `message type 2 seq ${request.header.seq} port 1 answers no request`,
      `message type ${FAMILY} seq ${request.header.seq + 100} port ${kernel.portId} answers no request`,
    ]);
  });

  it('fails the request a corrupt datagram answers, and keeps working', async () => {
    let corrupt = true;
    const { socket, drops } = setup((req, k) => {
      const reply = Buffer.concat([data(k, req, 1), k.ack(req)]);
      if (corrupt) reply.writeUInt32LE(0xffff, 0); // nlmsg_len beyond the datagram
      corrupt = false;
      return [reply];
    });
    const error = await socket.request(FAMILY, Buffer.alloc(4)).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(NetlinkParseError);
    expect(error instanceof NetlinkParseError && error.errno).toBe(Errno.EBADMSG);
    expect(drops[0]).toMatch(/^corrupt datagram: message at offset 0 has nlmsg_len 65535/);
    expect((await socket.request(FAMILY, Buffer.alloc(4))).messages.map(valueOf)).toEqual([1]);
  });

  it('fails a request whose reply was cut by the receive buffer (MSG_TRUNC) with EMSGSIZE', async () => {
    const { socket } = setup((req, k) => [{ data: k.ack(req), length: 70000 }]);
    const error = await rejection(socket.request(FAMILY, Buffer.alloc(4)));
    expect([error.errno, error.extack.message]).toEqual([Errno.EMSGSIZE, 'A 70000-byte reply did not fit the receive buffer']);
  });

  it('bounds the bytes collected for one reply and reads the rest to its end', async () => {
    const kernel = new FakeKernel((req, k) => [
      ...Array.from({ length: 10 }, (_, i) => data(k, req, i, NlmFlag.MULTI)),
      k.done(req),
    ]);
    const socket = new NetlinkSocket(kernel, { maxReplyBytes: 100 });
    const error = await rejection(socket.request(FAMILY, Buffer.alloc(4), { dump: true }));
    expect([error.errno, error.extack.message]).toEqual([Errno.ENOBUFS, 'The reply is larger than 100 bytes']);
    expect(socket.pendingCount).toBe(0);
  });

  it('times out a request the kernel never answers', async () => {
    const { socket } = setup(() => []);
    const error = await rejection(socket.request(FAMILY, Buffer.alloc(4), { timeoutMs: 20 }));
    expect(error.errno).toBe(Errno.ETIMEDOUT);
    expect(socket.pendingCount).toBe(0);
  });

  it(`refuses more than ${MAX_PENDING} requests in flight with EBUSY`, async () => {
    const { socket } = setup(() => []);
    const inflight = Array.from({ length: MAX_PENDING }, () => socket.request(FAMILY, Buffer.alloc(4)).catch((e: unknown) => e));
    expect((await rejection(socket.request(FAMILY, Buffer.alloc(4)))).errno).toBe(Errno.EBUSY);
    socket.close();
    const settled = await Promise.all(inflight);
    expect(settled.every((e) => e instanceof NetlinkError && e.errno === Errno.EBADF)).toBe(true);
  });

  it('a receive overrun (ENOBUFS) fails every pending request and tells listeners', async () => {
    const { kernel, socket } = setup(() => []);
    let overruns = 0;
    socket.subscribe(3, { onMessage: () => undefined, onOverrun: () => overruns++ });
    const pending = socket.request(FAMILY, Buffer.alloc(4));
    kernel.error(Errno.ENOBUFS);
    expect((await rejection(pending)).errno).toBe(Errno.ENOBUFS);
    expect(overruns).toBe(1);
  });

  it('delivers multicast messages to listeners, joins the group once and leaves it with the last', () => {
    const { kernel, socket, drops } = setup(() => []);
    const seen: number[][] = [[], []];
    const off0 = socket.subscribe(7, { onMessage: (m) => seen[0]?.push(valueOf(m)) });
    const off1 = socket.subscribe(7, {
      onMessage: (m) => {
        seen[1]?.push(valueOf(m));
        throw new Error('listener bug');
      },
    });
    expect([...kernel.groups]).toEqual([7]);
    expect(kernel.active).toBe(true);
    const notification = (value: number): Buffer => encodeMessage({ type: FAMILY, flags: 0, seq: 0, portId: 0 }, new AttrWriter().u32(1, value).bytes());
    kernel.inject({ data: Buffer.concat([notification(1), notification(2)]), groups: 1 << 6 });
    off1();
    kernel.inject({ data: notification(3), groups: 1 << 6 });
    expect(seen).toEqual([[1, 2, 3], [1, 2]]);
    expect(drops).toEqual(['multicast listener failed: listener bug', 'multicast listener failed: listener bug']);
    off0();
    expect([...kernel.groups]).toEqual([]);
    expect(kernel.active).toBe(false);
  });

  it('close() rejects what is pending with EBADF and closes the transport', async () => {
    const { kernel, socket } = setup(() => []);
    const pending = socket.request(FAMILY, Buffer.alloc(4));
    socket.close();
    expect((await rejection(pending)).errno).toBe(Errno.EBADF);
    expect(kernel.closed).toBe(true);
    expect((await rejection(socket.request(FAMILY, Buffer.alloc(4)))).errno).toBe(Errno.EBADF);
  });
});
