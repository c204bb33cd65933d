/**
 * SIGTERM under load: clients in the middle of RPCs, UMEM registrations and core dumps (in this
 * process and in child processes). The broker must drain: release every session (and with it
 * every PD, MKEY, UMEM and UID) without a failed teardown, remove its files, exit 0; a broker
 * restarted on the same run directory serves again.
 */
import * as fs from 'fs';
import { Mlx5ctlClient } from '../../src/client/client';
import { collectCoreDump } from '../../src/client/coredump';
import { startBroker, waitFor } from '../helpers/broker';
import { exited, firstLine, spawnWorker } from './children';
import { failures } from './observe';
import { runWorkload, Workload } from './workloads';

describe('SIGTERM under load', () => {
  it('drains, releases everything, exits 0, and a restarted broker serves again', async () => {
    const broker = await startBroker();
    const workloads: Workload[] = ['rpc', 'rpc', 'umem', 'umem', 'dump', 'dump', 'dump', 'rpc'];
    const clients = await Promise.all(workloads.map(() => Mlx5ctlClient.open('0', { rundir: broker.rundir })));
    const running = clients.map((c, i) => runWorkload(c, workloads[i]).catch((err: { code?: string }) => err.code));
    const children = [spawnWorker(broker.rundir, 'dump'), spawnWorker(broker.rundir, 'umem')];
    for (const child of children) expect(await firstLine(child)).toBe('go');
    const sessions = clients.length + children.length;
    await waitFor(() => broker.logs().filter((l) => l.event === 'umem_reg').length >= 10, 10000, 'load under way');

    expect(await broker.stop('SIGTERM')).toBe(0);
    // Every client sees its device go away (ENODEV), none hangs.
    expect(new Set(await Promise.all(running))).toEqual(new Set(['ENODEV']));
    await Promise.all(children.map((c) => exited(c)));

    const logs = broker.logs();
    expect(failures(logs)).toEqual([]);
    expect(logs.filter((l) => l.event === 'session_released')).toHaveLength(sessions);
    expect(logs.find((l) => l.event === 'broker_stopped')).toMatchObject({ released_sessions: sessions });
    expect(fs.readdirSync(broker.rundir)).toEqual([]);

    const again = await startBroker([], broker.rundir);
    const c = await Mlx5ctlClient.open('0', { rundir: again.rundir });
    expect((await c.info()).uctxUid).toBe(1);
    const dump = await collectCoreDump(c, 2 * 1024 * 1024);
    expect(dump.data.subarray(0, 8).toString('latin1')).toBe('MLX5CRDP');
    expect((await c.status()).pinned_bytes).toBe(0);
    c.close();
    expect(await again.stop('SIGTERM')).toBe(0);
  }, 60_000);
});
