/**
 * Authorization at open: a peer the policy does not name is refused at connect with EACCES and
 * audited (open_refused with its pid and uid), under the default policy and under a policy file;
 * a peer the policy names gets its rule's scope, and the broker knows it by its own uid. Runs
 * the peers as uid 65534 (needs root to start them; skipped otherwise).
 */
import { Mlx5ctlClient } from '../../src/client/client';
import { startBroker, waitFor } from '../helpers/broker';
import { exposeSocket, holdAs, isRoot, NOBODY, openAs, SELF, writePolicy } from './peers';

const maybe = isRoot ? it : it.skip;

describe('peers outside the policy', () => {
  maybe('are refused with EACCES under the default policy, and audited', async () => {
    const broker = await startBroker();
    exposeSocket(broker.rundir);
    expect(await openAs(broker.rundir, NOBODY)).toEqual({ ok: false, code: 'EACCES' });
    await waitFor(() => broker.logs().some((l) => l.event === 'open_refused'), 5000, 'audit line');
    const line = broker.logs().find((l) => l.event === 'open_refused');
    expect(line).toMatchObject({ uid: NOBODY, gid: NOBODY, errno: 'EACCES', device: 'mlx5_core.ctl.0' });
    expect(typeof line?.pid).toBe('number');
    // No UID was spent on it, and nothing is held.
    expect(broker.logs().some((l) => l.event === 'session_open' && l.uid === NOBODY)).toBe(false);
    const admin = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
    expect((await admin.info()).uctxUid).toBe(1);
    expect((await admin.status()).sessions.map((s) => s.uid)).toEqual([0]);
    admin.close();
    await broker.stop();
  });

  maybe('are refused under a policy file that names other users only', async () => {
    const broker = await startBroker(['--policy', writePolicy([{ uid: SELF, max_scope: 'DEBUG_WRITE_FULL' }, { uid: 4242, max_scope: 'DEBUG_READ_ONLY' }])]);
    exposeSocket(broker.rundir);
    expect(await openAs(broker.rundir, NOBODY)).toEqual({ ok: false, code: 'EACCES' });
    await waitFor(() => broker.logs().some((l) => l.event === 'open_refused' && l.uid === NOBODY), 5000, 'audit line');
    await broker.stop();
  });
});

describe('peers the policy names', () => {
  maybe('get their rule, not the broker user\'s, and are listed under their own uid', async () => {
    const broker = await startBroker(['--policy', writePolicy([{ uid: SELF, max_scope: 'DEBUG_WRITE_FULL' }, { uid: NOBODY, max_scope: 'CONFIGURATION' }])]);
    exposeSocket(broker.rundir);
    const nobody = await holdAs(broker.rundir, NOBODY);
    expect(nobody.result).toMatchObject({ ok: true, maxScope: 0 });
    const admin = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
    const status = await admin.status();
    expect(status.sessions.find((s) => s.uid === NOBODY)).toMatchObject({ max_scope: 0, fw_uid: nobody.result.uid });
    await nobody.kill();
    admin.close();
    await broker.stop();
  });
});
