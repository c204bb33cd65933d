/**
 * The device's user-context table, end to end: a ConnectX-7 has 1024 UIDs (log_max_uctx 10) and
 * every session holds one. With the per-uid session limit raised past it, the 1025th open reaches
 * the firmware, whose CREATE_UCTX fails with LIM_ERR: the open is refused with ENOMEM (the errno
 * mlx5_cmd_check gives LIM_ERR), nothing is left half-open, a closed session's UID is handed out
 * again (lowest free first), and every UID comes back when all sessions end.
 */
import { Mlx5ctlClient } from '../../src/client/client';
import { RunningBroker, startBroker, waitFor } from '../helpers/broker';
import { failures, fdCount } from './observe';

const DEVICE_UIDS = 1024;

let broker: RunningBroker;
const open = (): Promise<Mlx5ctlClient> => Mlx5ctlClient.open('0', { rundir: broker.rundir });

beforeAll(async () => {
  broker = await startBroker(['--max-sessions-per-uid', String(DEVICE_UIDS + 16), '--max-sessions', String(DEVICE_UIDS + 16)]);
});

afterAll(async () => {
  await broker.stop();
  // The refused opens are logged as warnings naming the firmware status; nothing else went wrong.
  const all = failures(broker.logs());
  const refused = all.filter((l) => l.event === 'session_open_failed' && l.errno === 'ENOMEM' && /LIM_ERR/.test(String(l.message)));
  expect(refused.length).toBeGreaterThanOrEqual(3);
  expect(all.filter((l) => !refused.includes(l))).toEqual([]);
});

async function openMany(n: number): Promise<Mlx5ctlClient[]> {
  const out: Mlx5ctlClient[] = [];
  // In batches: all at once would only measure the listen backlog.
  for (let i = 0; i < n; i += 64) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(64, n - i) }, () => open()))));
  }
  return out;
}

it('refuses the open past the device UID table with ENOMEM, reuses freed UIDs, and returns them all', async () => {
  const pid = broker.proc.pid ?? 0;
  const fdsBefore = fdCount(pid);
  const sessions = await openMany(DEVICE_UIDS);
  try {
    const uids = await Promise.all(sessions.map(async (s) => (await s.info()).uctxUid));
    expect(new Set(uids).size).toBe(DEVICE_UIDS);
    expect(Math.min(...uids)).toBe(1);
    expect(Math.max(...uids)).toBe(DEVICE_UIDS);

    await expect(open()).rejects.toMatchObject({ code: 'ENOMEM' });
    await expect(open()).rejects.toMatchObject({ code: 'ENOMEM' });
    const status = await sessions[0].status();
    expect(status.sessions.length).toBe(DEVICE_UIDS);

    // Free one in the middle: the next open gets exactly that UID back.
    const victim = uids.indexOf(500);
    sessions[victim].close();
    sessions.splice(victim, 1);
    let again: Mlx5ctlClient | undefined;
    await waitFor(async () => {
      again = await open().catch(() => undefined);
      return again !== undefined;
    }, 10000, 'a UID to be freed');
    sessions.push(again!);
    expect((await again!.info()).uctxUid).toBe(500);
    await expect(open()).rejects.toMatchObject({ code: 'ENOMEM' });
  } finally {
    for (const s of sessions) s.close();
  }

  // Everything comes back: a fresh session is the first UID again, and the broker holds no extra fds.
  await waitFor(() => fdCount(pid) === fdsBefore, 20000, 'session fds closed');
  const fresh = await open();
  try {
    expect((await fresh.info()).uctxUid).toBe(1);
    expect((await fresh.status()).sessions.length).toBe(1);
  } finally {
    fresh.close();
  }
});
