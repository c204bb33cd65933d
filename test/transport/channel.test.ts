import { native } from '../../src/addon';
import { Channel } from '../../src/transport/channel';
import { closeQuietly } from '../../src/transport/fds';
import { encodeFrame, Frame } from '../../src/uapi/frame';
import { socketPair } from '../helpers/sockets';

const CMD = 0x80105c00;

interface Observed {
  frames: Frame[];
  closed: boolean;
  closeError: (Error & { code?: string }) | undefined;
  drains: number;
}

function observe(fd: number): { channel: Channel; seen: Observed } {
  const seen: Observed = { frames: [], closed: false, closeError: undefined, drains: 0 };
  const channel = new Channel(fd, {
    onFrame: (f) => seen.frames.push(f),
    onProtocolError: () => undefined,
    onClose: (err) => {
      seen.closed = true;
      seen.closeError = err;
    },
    onDrain: () => seen.drains++,
  });
  return { channel, seen };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Channel', () => {
  it('delivers frames both ways in order, with the fds on their frame', async () => {
    const pair = await socketPair();
    const a = observe(pair.client);
    const b = observe(pair.server);
    const memfd = native.memfdCreate('channel-test', true);
    for (let seq = 1; seq <= 50; seq++) a.channel.send(encodeFrame(CMD, seq, 0, Buffer.alloc(16, seq)), seq === 7 ? [memfd] : undefined);
    await until(() => b.seen.frames.length === 50, '50 frames');
    expect(b.seen.frames.map((f) => f.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(b.seen.frames.filter((f) => f.fds.length > 0).map((f) => f.seq)).toEqual([7]);
    expect(native.fdType(b.seen.frames[6].fds[0])).toBe(native.fdType(memfd));
    native.close(b.seen.frames[6].fds[0]);
    native.close(memfd);
    a.channel.destroy();
    await until(() => b.seen.closed, 'end of stream');
    expect(b.seen.closeError).toBeUndefined();
  });

  it('names a peer that closed with our replies unread a reset (ECONNRESET), not a poll error', async () => {
    const pair = await socketPair();
    const b = observe(pair.server);
    b.channel.send(encodeFrame(CMD, 1, 0, Buffer.alloc(64)));
    await new Promise((r) => setTimeout(r, 20));
    // The peer exits without reading what we sent: the kernel resets the connection.
    native.close(pair.client);
    await until(() => b.seen.closed, 'the reset');
    expect(b.seen.closeError?.message).toMatch(/ECONNRESET: Connection reset by peer/);
    expect(b.seen.closeError?.code).toBe('ECONNRESET');
  });

  it('queues what the socket does not take and reports the drain', async () => {
    const pair = await socketPair();
    const a = observe(pair.client);
    const b = observe(pair.server);
    b.channel.pause();
    const big = encodeFrame(CMD, 1, 0, Buffer.alloc(1024 * 1024, 0xa5));
    a.channel.send(big);
    expect(a.channel.pendingBytes).toBeGreaterThan(0);
    b.channel.resume();
    await until(() => b.seen.frames.length === 1, 'the 1 MiB frame');
    expect(a.channel.pendingBytes).toBe(0);
    expect(a.seen.drains).toBe(1);
    expect(b.seen.frames[0].body.equals(big.subarray(16))).toBe(true);
    a.channel.destroy();
    b.channel.destroy();
  });

  it('still delivers what the peer sent before it hung up when a write finds it gone', async () => {
    const pair = await socketPair();
    // The peer answers, then closes without reading what we sent.
    native.sendMsg(pair.server, encodeFrame(CMD, 9, -24), 0, 16);
    native.close(pair.server);
    const a = observe(pair.client);
    a.channel.send(encodeFrame(CMD, 1, 0)); // EPIPE: the peer is gone
    a.channel.send(encodeFrame(CMD, 2, 0)); // dropped quietly
    await until(() => a.seen.closed, 'close');
    expect(a.seen.frames.map((f) => [f.seq, f.result])).toEqual([[9, -24]]);
    expect(a.seen.closeError?.code).toBe('EPIPE');
  });

  it('end() flushes what is queued before closing', async () => {
    const pair = await socketPair();
    const a = observe(pair.client);
    const b = observe(pair.server);
    for (let seq = 1; seq <= 3; seq++) a.channel.send(encodeFrame(CMD, seq, 0, Buffer.alloc(512 * 1024)));
    a.channel.end();
    await until(() => b.seen.closed, 'peer close');
    expect(b.seen.frames.map((f) => f.seq)).toEqual([1, 2, 3]);
    expect(a.seen.closed).toBe(true);
    expect(a.seen.closeError).toBeUndefined();
  });

  it('holds what one turn sends until the turn ends, then it arrives in order with the fds read with their own frame', async () => {
    const pair = await socketPair();
    const a = observe(pair.client);
    const memfd = native.memfdCreate('channel-batch', true);
    const sent: Buffer[] = [];
    for (let seq = 1; seq <= 20; seq++) {
      const body = Buffer.alloc(24 + seq, seq);
      sent.push(encodeFrame(CMD, seq, -seq, body));
      if (seq === 8) a.channel.send(encodeFrame(CMD, seq, -seq, body), [memfd]);
      else a.channel.sendFrame(CMD, seq, -seq, [body.subarray(0, 10), body.subarray(10)]);
    }
    // Nothing is written before the turn ends: the frames go out together.
    expect(a.channel.pendingBytes).toBe(sent.reduce((n, f) => n + f.length, 0));
    await new Promise((r) => setImmediate(r));
    expect(a.channel.pendingBytes).toBe(0);
    // A read stops right after the fds' buffer: it must end exactly at the end of frame 8.
    const buf = Buffer.alloc(64 * 1024);
    const first = native.recvMsg(pair.server, buf);
    expect(first?.bytes).toBe(sent.slice(0, 8).reduce((n, f) => n + f.length, 0));
    expect(first?.fds).toHaveLength(1);
    expect(buf.subarray(0, first?.bytes).equals(Buffer.concat(sent.slice(0, 8)))).toBe(true);
    const rest = native.recvMsg(pair.server, buf);
    expect(rest?.fds).toEqual([]);
    expect(buf.subarray(0, rest?.bytes).equals(Buffer.concat(sent.slice(8)))).toBe(true);
    closeQuietly([...(first?.fds ?? []), memfd, pair.server]);
    a.channel.destroy();
  });

  it('resumes writes the full socket refused once it is writable, in order, each fd on its frame', async () => {
    const pair = await socketPair();
    const a = observe(pair.client);
    const b = observe(pair.server);
    b.channel.pause();
    const memfds = [native.memfdCreate('channel-full-1', true), native.memfdCreate('channel-full-2', true)];
    const bodies = Array.from({ length: 40 }, (_, i) => Buffer.alloc(64 * 1024 + i, i + 1));
    bodies.forEach((body, i) => {
      if (i === 17) a.channel.send(encodeFrame(CMD, i + 1, 0, body), [memfds[0]]);
      else if (i === 33) a.channel.send(encodeFrame(CMD, i + 1, 0, body), [memfds[1]]);
      else a.channel.sendFrame(CMD, i + 1, 0, [body]);
    });
    await new Promise((r) => setImmediate(r));
    // 2.5 MiB does not fit in the socket: the rest waits for writability.
    expect(a.channel.pendingBytes).toBeGreaterThan(0);
    b.channel.resume();
    await until(() => b.seen.frames.length === 40, '40 frames');
    expect(a.channel.pendingBytes).toBe(0);
    expect(b.seen.frames.map((f) => f.seq)).toEqual(bodies.map((_, i) => i + 1));
    expect(b.seen.frames.every((f, i) => f.body.equals(bodies[i]))).toBe(true);
    expect(b.seen.frames.flatMap((f) => (f.fds.length > 0 ? [[f.seq, f.fds.length]] : []))).toEqual([
      [18, 1],
      [34, 1],
    ]);
    closeQuietly([...b.seen.frames.flatMap((f) => f.fds), ...memfds]);
    a.channel.destroy();
    b.channel.destroy();
  });
});
