/**
 * Live-broker fuzzing: mutated frames built from valid requests of every ioctl (mlx5ctl, fwctl,
 * the broker's OPEN/ADMIN/DEVLINK/SIM/CRSPACE, unknown numbers), random sizes, truncations,
 * bit flips, corrupt headers, and random fds (sealed and unsealed memfds, files, directories)
 * attached, over several connections at once. Throughout, a well-behaved session must keep
 * getting the same answers, each within 2 s. Afterwards: broker alive, no failure in its log,
 * every reply well-formed and in order, and nothing left (sessions, pins, fds).
 *
 * MLX5CTL_FUZZ_CASES scales the case count (CI default 100k, as in the parser fuzzer);
 * MLX5CTL_FUZZ_SEED replays a run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { native } from '../../src/addon';
import { Mlx5ctlClient } from '../../src/client/client';
import { UmemBuffer } from '../../src/client/umem';
import { Channel } from '../../src/transport/channel';
import { MLX5CTLD_OPEN } from '../../src/uapi/control';
import { errnoName } from '../../src/uapi/errno';
import { encodeFrame, Frame } from '../../src/uapi/frame';
import { RunningBroker, startBroker, waitFor } from '../helpers/broker';
import { failures, fdCount, GoodSession } from './observe';
import { envCount, fuzzSeed, Rng } from './prng';
import { buildTemplates, mutate } from './templates';

const CASES = envCount('MLX5CTL_FUZZ_CASES', 100_000);
const CONNECTIONS = 4;
const WINDOW = 16;

/** A fuzzing connection: sends frames, checks that replies come back in order, counts them. */
class FuzzConn {
  readonly channel: Channel;
  opened = false;
  closed = false;
  private readonly outstanding: number[] = [];
  private wake: (() => void) | undefined;

  constructor(socket: string, private readonly tally: Map<string, number>, private readonly problems: string[]) {
    this.channel = new Channel(native.connect(socket), {
      onFrame: (f) => this.onFrame(f),
      onProtocolError: (err) => this.problems.push(`broker sent a corrupt stream: ${err.message}`),
      onClose: () => {
        this.closed = true;
        this.poke();
      },
    });
  }

  get pending(): number {
    return this.outstanding.length;
  }

  send(seq: number, frame: Buffer, fds: number[]): void {
    this.outstanding.push(seq);
    this.channel.send(frame, fds);
  }

  /** Resolves once fewer than `n` replies are outstanding, or the connection is gone. */
  async below(n: number): Promise<void> {
    while (!this.closed && (this.outstanding.length >= n || !this.opened)) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 3000).unref();
      });
    }
  }

  private poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private onFrame(f: Frame): void {
    for (const fd of f.fds) native.close(fd);
    if (f.cmd === MLX5CTLD_OPEN && f.seq === 0) {
      this.opened = f.result === 0;
      if (!this.opened) this.problems.push(`open refused: ${f.result}`);
    } else if (f.seq === 0) {
      // A devlink monitor event (result 0), or the broker hanging up on a corrupt header.
      if (f.result < 0) this.bump(`hangup ${errnoName(-f.result)}`);
    } else {
      const expected = this.outstanding.shift();
      if (expected !== f.seq) this.problems.push(`reply seq ${f.seq}, expected ${expected}`);
      if (f.result > 0) this.problems.push(`positive result ${f.result}`);
      this.bump(f.result === 0 ? 'ok' : errnoName(-f.result));
    }
    this.poke();
  }

  private bump(key: string): void {
    this.tally.set(key, (this.tally.get(key) ?? 0) + 1);
  }
}

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker();
});

afterAll(async () => {
  await broker.stop();
});

describe('live broker fuzzing', () => {
  const seed = fuzzSeed(0xf022);

  it(`survives ${CASES} mutated frames on every ioctl while a good session keeps its answers (seed ${seed})`, async () => {
    const socket = path.join(broker.rundir, 'mlx5_core.ctl.0');
    const pid = broker.proc.pid ?? 0;
    const goodClient = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
    const good = new GoodSession(goodClient);
    await good.start();
    const baselineFds = fdCount(pid);

    const sealed = UmemBuffer.create(64 * 1024);
    const unsealed = native.memfdCreate('fuzz-unsealed', true);
    native.ftruncate(unsealed, 8192);
    const devNull = fs.openSync('/dev/null', 'r');
    const dir = fs.openSync('/tmp', 'r');
    const file = fs.openSync('/proc/self/status', 'r');
    const fdPool = [sealed.fd, unsealed, devNull, dir, file];

    const rng = new Rng(seed);
    const templates = buildTemplates();
    const tally = new Map<string, number>();
    const problems: string[] = [];
    const conns: FuzzConn[] = [];
    let reconnects = 0;
    let seq = 1;
    const t0 = Date.now();
    try {
      for (let i = 0; i < CASES; i++) {
        const slot = i % CONNECTIONS;
        let conn = conns[slot];
        for (let tries = 0; !conn || conn.closed; tries++) {
          if (tries > 3) throw new Error('cannot keep a fuzzing connection open');
          conn = conns[slot] = new FuzzConn(socket, tally, problems);
          reconnects++;
          await conn.below(WINDOW);
        }
        await conn.below(WINDOW);
        if (conn.closed) continue; // hung up on an earlier case while we waited
        const { cmd, body, template } = mutate(rng, templates);
        const frame = encodeFrame(cmd, seq, 0, body);
        if (rng.chance(0.01)) frame.writeUInt32LE(rng.pick([0, 3, 15, frame.length + 1, 0x7fffffff, 0xffffffff]), 0); // corrupt header
        let fds: number[] = [];
        if (template.wantsMemfd && rng.chance(0.7)) fds = [rng.chance(0.8) ? sealed.fd : rng.pick(fdPool)];
        else if (rng.chance(0.05)) fds = Array.from({ length: rng.range(1, 3) }, () => rng.pick(fdPool));
        conn.send(seq, frame, fds);
        seq = (seq + 1) >>> 0 || 1;
        if (i % 2000 === 0 && broker.proc.exitCode !== null) throw new Error(`broker died at case ${i}`);
      }
      await Promise.all(conns.map((c) => c.below(1)));
    } catch (err) {
      throw new Error(`${String(err)} (MLX5CTL_FUZZ_SEED=${seed})`);
    }
    const seconds = (Date.now() - t0) / 1000;
    for (const c of conns) c.channel.destroy();
    const goodResult = await good.stop();

    expect(broker.proc.exitCode).toBeNull();
    expect(problems.slice(0, 10)).toEqual([]);
    expect(failures(broker.logs())).toEqual([]);
    expect(goodResult.problems).toEqual([]);
    expect(goodResult.answered).toBeGreaterThan(0);

    await waitFor(async () => {
      const s = await goodClient.status();
      return s.sessions.length === 1 && s.releasing === 0 && s.pinned_bytes === 0;
    }, 10000, 'fuzz sessions released');
    await waitFor(() => fdCount(pid) === baselineFds, 5000, 'broker fds back to baseline').catch(() => undefined);
    expect(fdCount(pid)).toBe(baselineFds);

    sealed.close();
    for (const fd of [unsealed, devNull, dir, file]) fs.closeSync(fd);
    goodClient.close();
    const answers = [...tally.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}:${v}`).join(' ');
    process.stdout.write(
      `broker fuzz: ${CASES} cases in ${seconds.toFixed(1)} s (${Math.round(CASES / seconds)}/s), ${reconnects} connections, seed ${seed}\n` +
        `  replies: ${answers}\n  good session: ${goodResult.answered} answers, worst ${goodResult.worstMs} ms\n`,
    );
  }, 300_000);
});
