/**
 * The broker's memory across sessions (a reduced replay of the attack where 64 sessions of one
 * uid that never read took a broker from 69 to 481 MB): many sessions each ask for 2 MiB
 * replies they never read and queue 512 KiB requests behind them. Past the shared byte budget
 * (--max-buffered-mb) they stop being read and run nothing more, so the broker grows by less
 * than memoryBound(limits) (≈ 10 MiB a session before); a well-behaved session is served all
 * along, and a hostile session that starts reading gets every answer, in order.
 */
import { memoryBound } from '../../src/broker/bounds';
import { Mlx5ctlClient } from '../../src/client/client';
import * as path from 'path';
import { bigRpcFrame as rpcFrame, NonReader } from '../helpers/attacks';
import { RunningBroker, startBroker, waitFor } from '../helpers/broker';
import { failures, GoodSession, rssKb } from './observe';

const MB = 1024 * 1024;
const MAX_SESSIONS = 20;
const MAX_BUFFERED_MB = 8;
const ATTACKERS = 16;
const BIG_REPLIES = 3;
const BIG_REQUESTS = 8;

let broker: RunningBroker;
const open = (): Promise<Mlx5ctlClient> => Mlx5ctlClient.open('0', { rundir: broker.rundir });

beforeAll(async () => {
  broker = await startBroker(['--max-sessions', String(MAX_SESSIONS), '--max-buffered-mb', String(MAX_BUFFERED_MB)]);
});

afterAll(async () => {
  await broker.stop();
  expect(failures(broker.logs())).toEqual([]);
});

it('holds sessions that never read within the shared byte budget, and serves a good session', async () => {
  const pid = broker.proc.pid ?? 0;
  // Built first: 64 MB of copying would otherwise stall this process, good session included.
  let seq = 1;
  const requests = Array.from({ length: ATTACKERS }, () => [
    ...Array.from({ length: BIG_REPLIES }, () => rpcFrame(seq++, 16, 2 * MB)),
    ...Array.from({ length: BIG_REQUESTS }, () => rpcFrame(seq++, 512 * 1024, 2 * MB)),
  ]);
  const goodClient = await open();
  const good = new GoodSession(goodClient);
  await good.start();
  const rssBefore = rssKb(pid);
  const socket = path.join(broker.rundir, 'mlx5_core.ctl.0');
  const attackers = Array.from({ length: ATTACKERS }, () => new NonReader(socket));
  attackers.forEach((a, i) => requests[i].forEach((frame) => a.send(frame)));
  // Let the broker take all it will take.
  await new Promise((r) => setTimeout(r, 3000));
  const grownBytes = (rssKb(pid) - rssBefore) * 1024;
  const bound = memoryBound({ maxSessions: MAX_SESSIONS, maxSessionsPerUid: 64, maxInflightFds: 1024, maxBufferedBytes: MAX_BUFFERED_MB * MB, maxFdsPerFrame: 1 });
  // Unbounded by a shared budget, each session held its 4 MiB of unread replies plus the reply
  // past them, and 4 MiB of requests: about 165 MB here.
  expect(grownBytes).toBeLessThan(bound.global);
  const result = await good.stop();
  expect(result.problems).toEqual([]);
  expect(result.answered).toBeGreaterThan(0);

  // A hostile session that starts reading is answered in full and in order.
  const [reader, ...rest] = attackers;
  for (const a of rest) a.destroy();
  reader.startReading();
  await waitFor(() => reader.replies.length === reader.sent.length, 30000, 'every reply');
  expect(reader.replies.map((f) => f.seq)).toEqual(reader.sent);
  expect(reader.replies.slice(0, BIG_REPLIES).every((f) => f.result === 0 && f.body.length === 32 + 2 * MB)).toBe(true);
  reader.destroy();
  await waitFor(async () => (await goodClient.status()).sessions.length === 1, 10000, 'attackers released');
  goodClient.close();
  process.stdout.write(`${ATTACKERS} non-reading sessions: broker RSS +${(grownBytes / MB).toFixed(1)} MB (bound ${(bound.global / MB).toFixed(0)} MiB)\n`);
});
