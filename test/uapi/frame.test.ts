import { Errno } from '../../src/uapi/errno';
import { encodeFrame, Frame, FrameError, FrameParser, splitBody } from '../../src/uapi/frame';
import { FWCTL_RPC } from '../../src/uapi/fwctl';
import { MLX5CTL_IOCTL_CMDRPC, MLX5CTL_IOCTL_INFO } from '../../src/uapi/mlx5ctl';
import { Bytes, handFrame } from '../helpers/bytes';

const frameA = handFrame(MLX5CTL_IOCTL_INFO, 1, 0, new Bytes().zeros(16).build());
const frameB = handFrame(MLX5CTL_IOCTL_CMDRPC, 2, -22, new Bytes().u64le(1n).u64le(2n).u32le(16).u32le(16).raw([1, 2, 3, 4]).zeros(12).build());

function strip(frames: Frame[]): { cmd: number; seq: number; result: number; body: string }[] {
  return frames.map((f) => ({ cmd: f.cmd, seq: f.seq, result: f.result, body: f.body.toString('hex') }));
}

describe('frame codec', () => {
  it('encodes the header little-endian before the body', () => {
    const body = new Bytes().zeros(16).build();
    expect(encodeFrame(MLX5CTL_IOCTL_INFO, 1, 0, body).equals(frameA)).toBe(true);
    expect(encodeFrame(0x9a01, 7, -90).equals(handFrame(0x9a01, 7, -90, []))).toBe(true);
  });

  it('parses one frame cut at every split point', () => {
    for (let cut = 0; cut <= frameA.length; cut++) {
      const parser = new FrameParser();
      const frames = [...parser.push(frameA.subarray(0, cut)), ...parser.push(frameA.subarray(cut))];
      expect(strip(frames)).toEqual([{ cmd: MLX5CTL_IOCTL_INFO, seq: 1, result: 0, body: '00'.repeat(16) }]);
      expect(parser.buffered).toBe(0);
    }
  });

  it('parses two frames cut at every pair of split points', () => {
    const both = Buffer.concat([frameA, frameB]);
    const expected = strip([
      { cmd: MLX5CTL_IOCTL_INFO, seq: 1, result: 0, length: 0, body: frameA.subarray(16), fds: [] },
      { cmd: MLX5CTL_IOCTL_CMDRPC, seq: 2, result: -22, length: 0, body: frameB.subarray(16), fds: [] },
    ]);
    for (let i = 0; i <= both.length; i++) {
      for (let j = i; j <= both.length; j += 7) {
        const parser = new FrameParser();
        const frames = [...parser.push(both.subarray(0, i)), ...parser.push(both.subarray(i, j)), ...parser.push(both.subarray(j))];
        expect(strip(frames)).toEqual(expected);
      }
    }
  });

  it('parses a byte at a time through a small buffer that has to grow', () => {
    const parser = new FrameParser(1 << 20, 8);
    const frames: Frame[] = [];
    const big = handFrame(MLX5CTL_IOCTL_CMDRPC, 9, 0, Buffer.alloc(5000, 0xab));
    for (const stream of [frameA, big, frameB]) for (const byte of stream) frames.push(...parser.push(Buffer.from([byte])));
    expect(frames.map((f) => f.seq)).toEqual([1, 9, 2]);
    expect(frames[1].body.length).toBe(5000);
  });

  it('gives fds to the frame holding the last byte of the chunk they came with', () => {
    const parser = new FrameParser();
    // A read that returns the tail of frame A and all of frame B, with fd 42 (frame B's).
    const first = parser.push(frameA.subarray(0, 10));
    const rest = parser.push(Buffer.concat([frameA.subarray(10), frameB]), [42]);
    expect(first).toEqual([]);
    expect(rest.map((f) => f.fds)).toEqual([[], [42]]);
    // An fd arriving with a partial frame waits for that frame.
    const p2 = new FrameParser();
    expect(p2.push(frameB.subarray(0, 20), [7])).toEqual([]);
    expect(p2.push(frameB.subarray(20))[0].fds).toEqual([7]);
    expect(p2.drainFds()).toEqual([]);
  });

  it('keeps unclaimed fds for the owner to close', () => {
    const parser = new FrameParser();
    parser.push(frameA.subarray(0, 5), [11, 12]);
    expect(parser.drainFds()).toEqual([11, 12]);
  });

  it('refuses a header shorter than itself and an oversized frame', () => {
    const tooShort = new Bytes().u32le(15).u32le(0).u32le(0).u32le(0).build();
    expect(() => new FrameParser().push(tooShort)).toThrow(FrameError);
    const huge = new Bytes().u32le(0xffffffff).u32le(0).u32le(0).u32le(0).build();
    try {
      new FrameParser(1024).push(huge);
      throw new Error('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(FrameError);
      expect((err as FrameError).errno).toBe(Errno.EMSGSIZE);
    }
  });

  it('splits bodies by the ioctl size, or by the size-prefixed struct for fwctl', () => {
    const body = new Bytes().zeros(24).raw([9, 9]).build();
    const { arg, payload } = splitBody(MLX5CTL_IOCTL_CMDRPC, body);
    expect([arg.length, [...payload]]).toEqual([24, [9, 9]]);
    const rpc = new Bytes().u32le(32).zeros(28).raw([5]).build();
    const split = splitBody(FWCTL_RPC, rpc);
    expect([split.arg.length, split.payload.length]).toEqual([32, 1]);
    expect(() => splitBody(MLX5CTL_IOCTL_CMDRPC, Buffer.alloc(10))).toThrow(/body of 10/);
    expect(() => splitBody(FWCTL_RPC, new Bytes().u32le(100000).build())).toThrow(/over/);
    expect(() => splitBody(FWCTL_RPC, Buffer.alloc(2))).toThrow(/too short/);
  });

  it('parses from a read buffer the caller reuses: many frames in one read, one split across reads', () => {
    const frames = Array.from({ length: 30 }, (_, i) => handFrame(MLX5CTL_IOCTL_CMDRPC, i + 1, 0, Buffer.alloc(16 + i, i + 1)));
    const stream = Buffer.concat(frames);
    const scratch = Buffer.alloc(4096);
    const parser = new FrameParser();
    const got: Frame[] = [];
    // Reads of 700 bytes: each holds many frames and ends inside one.
    for (let at = 0; at < stream.length; at += 700) {
      const n = stream.copy(scratch, 0, at, Math.min(at + 700, stream.length));
      got.push(...parser.pushFrom(scratch, n));
      // The next read overwrites the buffer: what was parsed must not change with it.
      scratch.fill(0xee);
    }
    expect(got.map((f) => f.seq)).toEqual(frames.map((_, i) => i + 1));
    expect(got.every((f, i) => f.body.equals(frames[i].subarray(16)))).toBe(true);
    expect(parser.buffered).toBe(0);
  });
});
