/**
 * A burst of connects is queued, not refused: the kernel never refuses an open(2) of a character
 * device because others opened it at the same moment, so the broker's listen backlog must hold a
 * burst that arrives while it is busy. The broker is stopped (SIGSTOP) while 1,000 clients
 * connect, so nothing is accepted during the burst: with the old backlog of 128, connects past
 * the 129th failed with EAGAIN.
 */
import * as net from 'net';
import { RunningBroker, runCli, startBroker, waitFor } from '../helpers/broker';
import { socketOf } from '../helpers/attacks';

const CLIENTS = 1000;

let broker: RunningBroker;
beforeAll(async () => {
  broker = await startBroker(['--max-sessions', '1100', '--max-sessions-per-uid', '1100']);
});
afterAll(async () => {
  await broker.stop();
});

function connectOnce(path: string): Promise<net.Socket | Error> {
  return new Promise((resolve) => {
    const socket = net.connect(path);
    socket.once('connect', () => resolve(socket));
    socket.once('error', (err) => resolve(err));
  });
}

it('queues 1,000 connects made while the broker accepts nothing, then serves every one', async () => {
  const sockets: net.Socket[] = [];
  broker.proc.kill('SIGSTOP');
  let results: (net.Socket | Error)[];
  try {
    results = await Promise.all(Array.from({ length: CLIENTS }, () => connectOnce(socketOf(broker.rundir))));
  } finally {
    broker.proc.kill('SIGCONT');
  }
  for (const r of results) if (r instanceof net.Socket) sockets.push(r);
  const refused = results.filter((r): r is Error => r instanceof Error).map((e) => e.message);
  expect(refused).toEqual([]);
  try {
    let sessions = 0;
    await waitFor(async () => {
      const status = await runCli(['--rundir', broker.rundir, 'status', '-j']);
      sessions = (JSON.parse(status.stdout) as { sessions: unknown[] }).sessions.length;
      return sessions >= CLIENTS + 1; // the burst, and status's own session
    }, 60000, `${CLIENTS} sessions`);
    expect(sessions).toBe(CLIENTS + 1);
  } finally {
    for (const s of sockets) s.destroy();
  }
}, 120000);
