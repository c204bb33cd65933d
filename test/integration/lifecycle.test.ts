import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { Mlx5ctlClient } from '../../src/client/client';
import { BROKER_JS, startBroker, waitFor } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';

describe('broker lifecycle', () => {
  it('refuses a second broker on a live run directory, with a clear message', async () => {
    const broker = await startBroker();
    const second = spawnSync(process.execPath, [BROKER_JS, '--rundir', broker.rundir], { encoding: 'utf8', timeout: 10000 });
    expect(second.status).toBe(3);
    expect(second.stderr).toContain(`another mlx5ctld (pid ${broker.proc.pid}) is serving ${broker.rundir}`);
    expect(fs.existsSync(path.join(broker.rundir, 'mlx5_core.ctl.0'))).toBe(true);
    await broker.stop();
  });

  it('replaces a stale pid file and socket left by a crashed broker', async () => {
    const rundir = tempDir('mlx5ctld-stale-');
    fs.writeFileSync(path.join(rundir, 'mlx5ctld.pid'), '999999\n');
    fs.writeFileSync(path.join(rundir, 'mlx5_core.ctl.0'), 'not a socket');
    const broker = await startBroker([], rundir);
    const c = await Mlx5ctlClient.open('0', { rundir });
    expect((await c.info()).uctxUid).toBe(1);
    c.close();
    await broker.stop();
  });

  it('drains on SIGTERM: releases every session, removes its files, exits 0; a new broker serves again', async () => {
    const broker = await startBroker();
    const clients = await Promise.all([0, 1, 2].map(() => Mlx5ctlClient.open('mlx5_core.ctl.0', { rundir: broker.rundir })));
    for (const c of clients) expect((await c.info()).uctxUid).toBeGreaterThan(0);
    expect(await broker.stop('SIGTERM')).toBe(0);
    const released = broker.logs().filter((l) => l.event === 'session_released');
    expect(released).toHaveLength(3);
    expect(broker.logs().find((l) => l.event === 'broker_stopped')).toMatchObject({ released_sessions: 3 });
    expect(fs.readdirSync(broker.rundir)).toEqual([]);
    for (const c of clients) {
      await waitFor(() => c.connection.isClosed, 5000, 'client sees the close');
      await expect(c.info()).rejects.toMatchObject({ code: 'ENODEV' });
    }
    const again = await startBroker([], broker.rundir);
    const c = await Mlx5ctlClient.open('mlx5_core.ctl.0', { rundir: again.rundir });
    expect((await c.info()).uctxUid).toBe(1);
    c.close();
    await again.stop();
  });

  it('serves several devices, each at its own socket and parent', async () => {
    const broker = await startBroker(['--device', 'sim:cx7', '--device', 'sim:cx7']);
    const a = await Mlx5ctlClient.open('0000:08:00.0', { rundir: broker.rundir });
    const b = await Mlx5ctlClient.open('/dev/mlx5ctl-mlx5_core.ctl.1', { rundir: broker.rundir });
    expect([a.device.ctlName, b.device.ctlName, b.device.parent]).toEqual(['mlx5_core.ctl.0', 'mlx5_core.ctl.1', '0000:08:00.1']);
    // Separate devices, separate firmware: both get UID 1.
    expect([(await a.info()).uctxUid, (await b.info()).uctxUid]).toEqual([1, 1]);
    a.close();
    b.close();
    await broker.stop();
  });

  it('rejects an unknown device spec and a bad option', () => {
    const rundir = tempDir();
    const bad = spawnSync(process.execPath, [BROKER_JS, '--rundir', rundir, '--device', 'pci:nope'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('unknown device "pci:nope"');
    expect(fs.existsSync(path.join(rundir, 'mlx5ctld.pid'))).toBe(false);
    const opt = spawnSync(process.execPath, [BROKER_JS, '--frobnicate'], { encoding: 'utf8' });
    expect(opt.status).toBe(2);
    expect(opt.stderr).toContain('Usage: mlx5ctld');
  });
});
