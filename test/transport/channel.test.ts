import { native } from '../../src/addon';
import { Channel } from '../../src/transport/channel';
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
});
