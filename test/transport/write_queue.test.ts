import { MAX_PARTS_PER_SEND, SendParts, WriteQueue } from '../../src/transport/write_queue';

interface Call {
  bytes: Buffer;
  fds: readonly number[] | undefined;
  parts: number;
}

/** A socket stand-in: takes up to `takes()` bytes per call (null = full), records every call. */
function fakeSocket(takes: () => number | null): { send: SendParts; calls: Call[]; written: () => Buffer } {
  const calls: Call[] = [];
  const send: SendParts = (parts, start, end, offset, fds) => {
    const limit = takes();
    if (limit === null) return null;
    const offered = Buffer.concat(parts.slice(start, end).map((p, i) => (i === 0 ? p.subarray(offset) : p)));
    const taken = offered.subarray(0, Math.min(limit, offered.length));
    calls.push({ bytes: Buffer.from(taken), fds, parts: end - start });
    return taken.length;
  };
  return { send, calls, written: () => Buffer.concat(calls.map((c) => c.bytes)) };
}

const frame = (seq: number, length: number): Buffer => Buffer.alloc(length, seq);

describe('WriteQueue', () => {
  it('writes every queued frame in one call, in order, parts uncopied until then', () => {
    const q = new WriteQueue();
    const frames = [frame(1, 16), frame(2, 40), frame(3, 4112)];
    q.push([frames[0].subarray(0, 8), frames[0].subarray(8)]);
    q.pushOne(frames[1]);
    q.push([frames[2]]);
    expect(q.bytes).toBe(16 + 40 + 4112);
    const socket = fakeSocket(() => 1 << 20);
    expect(q.writeTo(socket.send)).toBe(true);
    expect(socket.calls).toHaveLength(1);
    expect(socket.calls[0].fds).toBeUndefined();
    expect(socket.written().equals(Buffer.concat(frames))).toBe(true);
    expect(q.bytes).toBe(0);
    expect(q.isEmpty).toBe(true);
  });

  it('resumes exactly where a partial write stopped, across full sockets, for every write size', () => {
    const frames = Array.from({ length: 9 }, (_, i) => frame(i + 1, 16 + i * 37));
    const all = Buffer.concat(frames);
    for (let step = 1; step <= 97; step += 6) {
      const q = new WriteQueue();
      frames.forEach((f, i) => (i % 2 === 0 ? q.pushOne(f) : q.push([f.subarray(0, 16), f.subarray(16)])));
      let call = 0;
      // Every third call finds the socket full.
      const socket = fakeSocket(() => (++call % 3 === 0 ? null : step));
      let blockedTimes = 0;
      while (!q.writeTo(socket.send)) {
        blockedTimes++;
        expect(q.bytes).toBe(all.length - socket.written().length);
      }
      expect(blockedTimes).toBeGreaterThan(0);
      expect(socket.written().equals(all)).toBe(true);
      expect(q.bytes).toBe(0);
    }
  });

  it('sends a frame with fds in a call of its own, the fds only on its first bytes', () => {
    const q = new WriteQueue();
    q.pushOne(frame(1, 20));
    q.pushOne(frame(2, 24));
    q.push([frame(3, 16), frame(3, 30)], [7, 8]);
    q.pushOne(frame(4, 20));
    const socket = fakeSocket(() => 1 << 20);
    expect(q.writeTo(socket.send)).toBe(true);
    expect(socket.calls.map((c) => [c.bytes.length, c.fds])).toEqual([
      [44, undefined],
      [46, [7, 8]],
      [20, undefined],
    ]);
  });

  it('does not send the fds again when their frame took several calls', () => {
    const q = new WriteQueue();
    q.pushOne(frame(5, 100), [9]);
    q.pushOne(frame(6, 10));
    let call = 0;
    const socket = fakeSocket(() => (++call === 2 ? null : 30));
    while (!q.writeTo(socket.send));
    expect(socket.calls.map((c) => c.fds)).toEqual([[9], undefined, undefined, undefined]);
    // Only the call with the fds must end inside their frame; the rest goes out with what follows.
    expect(socket.calls.map((c) => c.bytes.length)).toEqual([30, 30, 30, 20]);
  });

  it('hands at most MAX_PARTS_PER_SEND parts to one call', () => {
    const q = new WriteQueue();
    const count = MAX_PARTS_PER_SEND * 2 + 5;
    for (let i = 0; i < count; i++) q.pushOne(frame(i & 0xff, 16));
    const socket = fakeSocket(() => 1 << 20);
    expect(q.writeTo(socket.send)).toBe(true);
    expect(socket.calls.map((c) => c.parts)).toEqual([MAX_PARTS_PER_SEND, MAX_PARTS_PER_SEND, 5]);
    expect(socket.written().length).toBe(count * 16);
  });

  it('keeps its place through a long run of frames that never fully drains', () => {
    const q = new WriteQueue();
    const expected: Buffer[] = [];
    // The socket takes two 20-byte writes per round (less than a round queues), then is full.
    let callsThisRound = 0;
    const socket = fakeSocket(() => (callsThisRound++ < 2 ? 20 : null));
    for (let i = 0; i < 5000; i++) {
      const f = frame(i & 0xff, 16 + (i % 5));
      expected.push(f);
      q.pushOne(f, i % 701 === 0 ? [i] : undefined);
      if (i % 3 === 0) {
        callsThisRound = 0;
        q.writeTo(socket.send);
      }
    }
    expect(q.bytes).toBeGreaterThan(0);
    let rounds = 0;
    do {
      callsThisRound = 0;
      rounds++;
    } while (!q.writeTo(socket.send));
    expect(rounds).toBeGreaterThan(1);
    expect(socket.written().equals(Buffer.concat(expected))).toBe(true);
    expect(socket.calls.filter((c) => c.fds !== undefined).map((c) => c.fds)).toEqual([0, 701, 1402, 2103, 2804, 3505, 4206, 4907].map((n) => [n]));
  });

  it('leaves the queue as it was when the send throws', () => {
    const q = new WriteQueue();
    q.pushOne(frame(1, 32));
    expect(() =>
      q.writeTo(() => {
        throw new Error('EPIPE');
      }),
    ).toThrow('EPIPE');
    expect(q.bytes).toBe(32);
    const socket = fakeSocket(() => 1 << 20);
    expect(q.writeTo(socket.send)).toBe(true);
    expect(socket.written().equals(frame(1, 32))).toBe(true);
  });

  it('refuses fds on a frame with no bytes to carry them', () => {
    const q = new WriteQueue();
    expect(() => q.push([Buffer.alloc(0)], [3])).toThrow(RangeError);
  });
});
