/**
 * The broker's fds, whatever clients send (a reduced replay of the attack that took a broker
 * from 20 to 19,988 fds and then ended it at a failed accept4):
 *  - sessions that never read their replies, queueing frames that each carry 16 fds, leave the
 *    broker under fdBound(limits): fds a request's ioctl does not take are closed on arrival,
 *    UMEM_REG keeps one, per session and in all within their budgets (ENFILE past the shared
 *    one), and sessions past --max-sessions are refused ENFILE;
 *  - a well-behaved session is served throughout;
 *  - accept4 failing with EMFILE pauses listening instead of ending the broker; it serves again
 *    once fds are available, on the same socket.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { native } from '../../src/addon';
import { fdBound } from '../../src/broker/bounds';
import { MAX_INFLIGHT_FDS } from '../../src/broker/limits';
import { Mlx5ctlClient } from '../../src/client/client';
import { UmemBuffer } from '../../src/client/umem';
import { Errno } from '../../src/uapi/errno';
import { fdFloodSession } from '../helpers/attacks';
import { RunningBroker, startBroker, waitFor } from '../helpers/broker';
import { failures, fdCount, GoodSession } from './observe';

const MAX_SESSIONS = 8;
const MAX_FDS_IN_FLIGHT = 16;
const FDS_PER_FRAME = 16;
const FRAMES_PER_KIND = 64;

let broker: RunningBroker;
const open = (): Promise<Mlx5ctlClient> => Mlx5ctlClient.open('0', { rundir: broker.rundir });
const socket = (): string => path.join(broker.rundir, 'mlx5_core.ctl.0');

beforeAll(async () => {
  broker = await startBroker(['--max-sessions', String(MAX_SESSIONS), '--max-sessions-per-uid', String(2 * MAX_SESSIONS), '--max-fds-in-flight', String(MAX_FDS_IN_FLIGHT)]);
});

afterAll(async () => {
  await broker.stop();
  expect(failures(broker.logs())).toEqual([]);
});

const attacker = (memfds: number[]): number => fdFloodSession(socket(), memfds, FRAMES_PER_KIND);

describe('sessions that never read, sending fds', () => {
  it('keep the broker under its fd bound, are capped in number with ENFILE, and a good session is served', async () => {
    const pid = broker.proc.pid ?? 0;
    const base = fdCount(pid);
    const bound = fdBound({ maxSessions: MAX_SESSIONS, maxSessionsPerUid: 2 * MAX_SESSIONS, maxInflightFds: MAX_FDS_IN_FLIGHT, maxBufferedBytes: 0, maxFdsPerFrame: 1 });
    const goodClient = await open();
    const good = new GoodSession(goodClient);
    await good.start();
    const memfds = Array.from({ length: FDS_PER_FRAME }, () => native.memfdCreate('attack', true));
    for (const m of memfds) native.ftruncate(m, 4096);
    // More connections than the broker takes: the ones past --max-sessions are refused.
    const attackers: number[] = [];
    let most = 0;
    for (let i = 0; i < MAX_SESSIONS + 2; i++) {
      attackers.push(attacker(memfds));
      await new Promise((r) => setTimeout(r, 50));
      most = Math.max(most, fdCount(pid) - base);
    }
    // Let the broker read all it will read.
    await new Promise((r) => setTimeout(r, 1500));
    const held = fdCount(pid) - base;
    most = Math.max(most, held);
    // Unbounded, each session held 64 × 16 fds on its queued frames (over 8000 here).
    expect(most).toBeLessThanOrEqual(bound);
    const refused = broker.logs().filter((l) => l.event === 'open_refused' && l.reason === 'sessions_total');
    expect(refused.length).toBe(3); // MAX_SESSIONS - 1 attackers got in beside the good session
    expect(refused[0]).toMatchObject({ errno: 'ENFILE', limit: MAX_SESSIONS });

    // The shared fd budget is spent (7 sessions × MAX_INFLIGHT_FDS > MAX_FDS_IN_FLIGHT): a good
    // session's UMEM_REG is refused ENFILE, its other requests are served.
    expect((MAX_SESSIONS - 1) * MAX_INFLIGHT_FDS).toBeGreaterThan(MAX_FDS_IN_FLIGHT);
    const buf = UmemBuffer.create(4096);
    await expect(goodClient.umemReg(buf, 0, 4096)).rejects.toMatchObject({ errno: Errno.ENFILE });
    const result = await good.stop();
    expect(result.problems).toEqual([]);
    expect(result.answered).toBeGreaterThan(0);

    for (const fd of attackers) native.close(fd);
    for (const m of memfds) native.close(m);
    await waitFor(async () => (await goodClient.status()).sessions.length === 1, 10000, 'attackers released');
    // The budget comes back with them.
    const id = await goodClient.umemReg(buf, 0, 4096);
    await goodClient.umemUnreg(id);
    buf.close();
    goodClient.close();
    await waitFor(() => fdCount(pid) === base, 10000, 'every fd given back');
    process.stdout.write(`fd flood: broker held at most ${most} fds over its ${base} (bound ${bound})\n`);
  });
});

/** The number the process's next fd would get. */
function lowestFreeFd(pid: number): number {
  const used = new Set(fs.readdirSync(`/proc/${pid}/fd`).map(Number));
  let n = 0;
  while (used.has(n)) n++;
  return n;
}

describe('accept4 failing', () => {
  it('pauses listening on EMFILE, logs it once, and serves again on the same socket once fds are free', async () => {
    const pid = broker.proc.pid ?? 0;
    const limits = (): string => execFileSync('prlimit', ['--pid', String(pid), '--nofile', '--noheadings', '--raw', '--output', 'SOFT,HARD']).toString().trim();
    const [soft, hard] = limits().split(/\s+/);
    // No fd to spare: a new fd takes the lowest free number, and with the limit there the next
    // accept4 fails with EMFILE (the connection waits in the backlog).
    execFileSync('prlimit', ['--pid', String(pid), `--nofile=${lowestFreeFd(pid)}:${hard}`]);
    let opened: Mlx5ctlClient | undefined;
    const opening = open().then((c) => (opened = c));
    try {
      await waitFor(() => broker.logs().some((l) => l.event === 'accept_failed'), 5000, 'accept_failed');
      // Several back-offs later the broker is still there, has logged the episode once, and
      // has not served the waiting connection.
      await new Promise((r) => setTimeout(r, 1500));
      expect(broker.proc.exitCode).toBeNull();
      expect(opened).toBeUndefined();
      const lines = broker.logs().filter((l) => l.event === 'accept_failed');
      expect(lines.length).toBe(1);
      expect(lines[0]).toMatchObject({ errno: 'EMFILE', device: 'mlx5_core.ctl.0' });
      expect(fs.existsSync(socket())).toBe(true);
    } finally {
      execFileSync('prlimit', ['--pid', String(pid), `--nofile=${soft}:${hard}`]);
    }
    const client = await opening;
    expect((await client.info()).uctxUid).toBeGreaterThan(0);
    await waitFor(() => broker.logs().some((l) => l.event === 'accept_resumed'), 5000, 'accept_resumed');
    client.close();
    const again = await open();
    expect((await again.info()).uctxUid).toBeGreaterThan(0);
    again.close();
  });
});
