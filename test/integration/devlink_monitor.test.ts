/**
 * `mlx5ctl devlink monitor` against a real broker: region and health notifications arrive as
 * pushed frames, SIGINT ends the monitor with exit 0, and the subscription goes away with the
 * session (no leaked listeners pushing into a closed session).
 */
import { spawn } from 'child_process';
import { Mlx5ctlClient } from '../../src/client/client';
import { RemoteDevlinkApi } from '../../src/client/devlink_api';
import type { DevlinkEvent } from '../../src/devlink/types';
import { CLI_JS, RunningBroker, runCli, startBroker, waitFor } from '../helpers/broker';

const DL = 'pci/0000:08:00.0';

let broker: RunningBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(async () => {
  await broker.stop();
});

const cli = (...args: string[]): ReturnType<typeof runCli> => runCli(['--rundir', broker.rundir, ...args]);
const monitorsOk = (): number => broker.logs().filter((l) => l.event === 'devlink' && l.method === 'monitor' && l.result === 'ok').length;

describe('devlink monitor', () => {
  it('prints region and health events until SIGINT', async () => {
    const before = monitorsOk();
    const proc = spawn(process.execPath, [CLI_JS, '--rundir', broker.rundir, 'devlink', 'monitor'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    await waitFor(() => monitorsOk() > before, 8000, 'the monitor subscription');

    await cli('devlink', 'region', 'new', `${DL}/fw-health`, 'snapshot', '3');
    await cli('devlink', 'region', 'del', `${DL}/fw-health`, 'snapshot', '3');
    const diag = JSON.parse((await cli('devlink', '-j', 'health', 'diagnose', `${DL}/65535`, 'reporter', 'rx')).stdout) as { RQs: Array<{ rqn: number }> };
    await cli('sim', '0', 'inject', 'rx-err-cqe', String(diag.RQs[0]?.rqn ?? 0));
    await waitFor(() => stdout.includes('state healthy error 1 recover 1'), 8000, 'the recovery event');
    proc.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toBe('');

    const lines = stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual([`[region,new] ${DL}/fw-health: snapshot 3`, `[region,del] ${DL}/fw-health: snapshot 3`]);
    // report(): ERROR first, then healthy after the auto-recover, now with the auto-dump's date.
    // The second event reuses the device header (devlink.c keeps its grouping across events).
    expect(lines.slice(2, 5)).toEqual([
      `[health,status] ${DL}/65535:`,
      '  reporter rx',
      '    state error error 1 recover 0 grace_period 500 burst_period 0 auto_recover true auto_dump true',
    ]);
    expect(lines[5]).toBe('  [health,status]  reporter rx');
    expect(lines[6]).toMatch(/^ {4}state healthy error 1 recover 1 last_dump_date \d{4}-\d\d-\d\d last_dump_time \d\d:\d\d:\d\d grace_period 500 burst_period 0 auto_recover true auto_dump true$/);
  });

  it('streams events to the client API and stops with close()', async () => {
    const client = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
    const api = new RemoteDevlinkApi(client.connection);
    const before = monitorsOk();
    const stream = api.monitor();
    const seen: DevlinkEvent[] = [];
    const reading = (async () => {
      for await (const event of stream) seen.push(event);
    })();
    await waitFor(() => monitorsOk() > before, 8000, 'the monitor subscription');
    await api.paramSet({ handle: DL, name: 'region_snapshot_enable', cmode: 'runtime', value: false });
    await api.paramSet({ handle: DL, name: 'region_snapshot_enable', cmode: 'runtime', value: true });
    await waitFor(() => seen.length >= 2, 5000, 'two param events');
    stream.close();
    await reading;
    expect(seen.map((e) => (e.object === 'param' ? e.param.values[0]?.value : undefined))).toEqual([false, true]);
    await waitFor(() => broker.logs().some((l) => l.event === 'devlink' && l.method === 'monitorStop'), 5000, 'monitorStop');
    client.close();
  });

  it('drops the subscription when the monitoring session ends', async () => {
    const client = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
    const stream = new RemoteDevlinkApi(client.connection).monitor();
    const before = monitorsOk();
    await waitFor(() => monitorsOk() > before, 5000, 'the subscription');
    client.connection.destroy();
    await waitFor(async () => {
      const status = await cli('status', '-j');
      return (JSON.parse(status.stdout) as { sessions: unknown[] }).sessions.length === 1;
    }, 8000, 'the session release');
    stream.close();
    // Events after the release reach nobody and do not break the broker.
    expect((await cli('devlink', 'region', 'new', `${DL}/fw-health`)).code).toBe(0);
    expect(broker.logs().some((l) => l.event === 'handler_failed' || l.event === 'fatal')).toBe(false);
  });
});
