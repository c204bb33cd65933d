/**
 * FrameParser fuzzing, in process: random streams of valid and corrupt frames, cut at random
 * points, with (fake) fds riding on random chunks. An independent model says, for every push,
 * which frames must come out, which fds they carry, and whether the push must fail and how.
 * Invariants: nothing but FrameError is ever thrown; every fd pushed comes back exactly once,
 * in a frame or from drainFds() (the broker closes the latter), so no chunking can leak one.
 *
 * MLX5CTL_FUZZ_CASES scales the case count (default 100k); MLX5CTL_FUZZ_SEED replays a run.
 */
import { Errno } from '../../src/uapi/errno';
import { FRAME_HEADER_SIZE, FrameError, FrameParser, MAX_PENDING_FDS } from '../../src/uapi/frame';
import { envCount, fuzzSeed, Rng } from './prng';

interface ModelFrame {
  start: number;
  length: number;
}

interface Case {
  stream: Buffer;
  /** Chunk end offsets (exclusive), ascending, last = stream.length. */
  cuts: number[];
  fdsPerChunk: number[][];
  maxFrame: number;
}

/** Little-endian header written byte by byte: independent of encodeFrame. */
function header(length: number, cmd: number, seq: number): Buffer {
  const b = Buffer.alloc(FRAME_HEADER_SIZE);
  for (let i = 0; i < 4; i++) {
    b[i] = (length >>> (8 * i)) & 0xff;
    b[4 + i] = (cmd >>> (8 * i)) & 0xff;
    b[8 + i] = (seq >>> (8 * i)) & 0xff;
  }
  return b;
}

function makeCase(rng: Rng, nextFd: { n: number }): Case {
  const maxFrame = rng.chance(0.5) ? 4096 : 64 * 1024 + rng.int(1024);
  const parts: Buffer[] = [];
  const frames = rng.range(1, 6);
  for (let i = 0; i < frames; i++) {
    const roll = rng.int(100);
    if (roll < 3) {
      parts.push(header(rng.int(FRAME_HEADER_SIZE), rng.u32(), i)); // shorter than its header
    } else if (roll < 6) {
      parts.push(header(maxFrame + 1 + rng.int(1 << 20), rng.u32(), i)); // over the limit
    } else if (roll < 8) {
      parts.push(rng.bytes(rng.range(1, 40))); // garbage: whatever its first 4 bytes say
    } else {
      // Now and then a frame near the limit (buffer growth); its bytes need not be random.
      const big = rng.chance(0.01);
      const bodyLen = big ? rng.int(maxFrame - FRAME_HEADER_SIZE + 1) : rng.int(300);
      parts.push(header(FRAME_HEADER_SIZE + bodyLen, rng.u32(), i), big ? Buffer.alloc(bodyLen, rng.u32() & 0xff) : rng.bytes(bodyLen));
    }
  }
  if (rng.chance(0.2)) parts.push(rng.bytes(rng.int(FRAME_HEADER_SIZE + 8))); // a trailing partial frame
  const stream = Buffer.concat(parts);
  const cuts: number[] = [];
  let at = 0;
  while (at < stream.length) {
    const step = rng.chance(0.1) ? 1 : rng.range(1, Math.max(1, Math.min(stream.length - at, rng.pick([8, 64, 512, 70000]))));
    at = Math.min(stream.length, at + step);
    cuts.push(at);
  }
  // Most chunks carry no fd; a few carry up to 16 (the native recvmsg limit), so the pending-fd
  // cap is crossed now and then.
  const fdsPerChunk = cuts.map(() => {
    const n = rng.chance(0.85) ? 0 : rng.chance(0.9) ? rng.range(1, 3) : 16;
    return Array.from({ length: n }, () => nextFd.n++);
  });
  return { stream, cuts, fdsPerChunk, maxFrame };
}

/** Runs one case against the parser and the model; returns a description of the first mismatch. */
function runCase(c: Case): string | undefined {
  const parser = new FrameParser(c.maxFrame, 256);
  const pushedFds = new Set<number>();
  const returnedFds: number[] = [];
  // Model state.
  let pos = 0; // start of the next frame in the stream
  let pending: { offset: number; fd: number }[] = [];
  let prev = 0;
  for (let k = 0; k < c.cuts.length; k++) {
    const end = c.cuts[k];
    const fds = c.fdsPerChunk[k];
    for (const fd of fds) {
      pushedFds.add(fd);
      pending.push({ offset: end - 1, fd });
    }
    // Model: fd cap first, then frames complete in [0, end).
    let expectErrno: number | undefined;
    const expected: { frame: ModelFrame; fds: number[] }[] = [];
    if (pending.length > MAX_PENDING_FDS) expectErrno = Errno.EMFILE;
    while (expectErrno === undefined && end - pos >= FRAME_HEADER_SIZE) {
      const length = c.stream.readUInt32LE(pos);
      if (length < FRAME_HEADER_SIZE) expectErrno = Errno.EINVAL;
      else if (length > c.maxFrame) expectErrno = Errno.EMSGSIZE;
      else if (end - pos < length) break;
      else {
        const mine = pending.filter((p) => p.offset < pos + length).map((p) => p.fd);
        pending = pending.filter((p) => p.offset >= pos + length);
        expected.push({ frame: { start: pos, length }, fds: mine });
        pos += length;
      }
    }
    let got;
    try {
      got = parser.push(c.stream.subarray(prev, end), fds);
    } catch (err) {
      if (!(err instanceof FrameError)) return `push ${k} threw a non-FrameError: ${String(err)}`;
      if (expectErrno === undefined) return `push ${k} threw ${err.message}, model expected frames`;
      if (err.errno !== expectErrno) return `push ${k} threw errno ${err.errno}, model expected ${expectErrno}`;
      returnedFds.push(...parser.drainFds());
      // A dead parser stays dead.
      try {
        parser.push(Buffer.alloc(1));
        return 'a failed parser accepted more bytes';
      } catch (again) {
        if (!(again instanceof FrameError)) return `a failed parser threw ${String(again)}`;
      }
      return checkFds(pushedFds, returnedFds);
    }
    if (expectErrno !== undefined) return `push ${k} returned, model expected errno ${expectErrno}`;
    if (got.length !== expected.length) return `push ${k}: ${got.length} frames, model ${expected.length}`;
    for (let i = 0; i < got.length; i++) {
      const f = got[i];
      const m = expected[i];
      const bytes = c.stream.subarray(m.frame.start, m.frame.start + m.frame.length);
      if (f.length !== m.frame.length || f.cmd !== bytes.readUInt32LE(4) || f.seq !== bytes.readUInt32LE(8) || f.result !== bytes.readInt32LE(12)) {
        return `push ${k} frame ${i}: header differs`;
      }
      if (!f.body.equals(bytes.subarray(FRAME_HEADER_SIZE))) return `push ${k} frame ${i}: body differs`;
      if (f.fds.join(',') !== m.fds.join(',')) return `push ${k} frame ${i}: fds [${f.fds}] vs model [${m.fds}]`;
      returnedFds.push(...f.fds);
    }
    if (parser.buffered !== end - pos) return `push ${k}: buffered ${parser.buffered}, model ${end - pos}`;
    prev = end;
  }
  returnedFds.push(...parser.drainFds());
  return checkFds(pushedFds, returnedFds);
}

function checkFds(pushed: Set<number>, returned: number[]): string | undefined {
  if (returned.length !== pushed.size || new Set(returned).size !== returned.length || returned.some((fd) => !pushed.has(fd))) {
    return `fds: pushed ${pushed.size}, returned ${returned.length} (${new Set(returned).size} distinct): an fd was lost or duplicated`;
  }
  return undefined;
}

describe('FrameParser fuzzing', () => {
  const cases = envCount('MLX5CTL_FUZZ_CASES', 100_000);
  const seed = fuzzSeed(0x5eed0001);

  it(`${cases} random streams match the model and lose no fd (seed ${seed})`, () => {
    const rng = new Rng(seed);
    const nextFd = { n: 1000 };
    const started = Date.now();
    for (let i = 0; i < cases; i++) {
      const c = makeCase(rng, nextFd);
      const failure = runCase(c);
      if (failure) throw new Error(`case ${i} (MLX5CTL_FUZZ_SEED=${seed}): ${failure}`);
    }
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`parser fuzz: ${cases} cases in ${seconds.toFixed(1)} s (${Math.round(cases / seconds)}/s), seed ${seed}\n`);
  });

  it('gives back the fds of complete frames that precede a corrupt header in the same chunk', () => {
    // Regression: push() collected the good frame (taking its fds off the pending list), then
    // threw on the bad header, and the collected frame and its fds were dropped: a leaked fd
    // (a memfd, for UMEM_REG) in the broker per such write.
    const parser = new FrameParser();
    const good = Buffer.concat([header(FRAME_HEADER_SIZE + 24, 0xc0185c02, 1), Buffer.alloc(24)]);
    expect(parser.push(good.subarray(0, 10), [41])).toEqual([]);
    expect(() => parser.push(Buffer.concat([good.subarray(10), header(3, 0, 2)]), [42])).toThrow(FrameError);
    expect(parser.drainFds().sort()).toEqual([41, 42]);
  });
});
