/**
 * devlink monitor subscribers that stop reading cost the broker a bounded queue each, not every
 * event ever sent: 16 subscribers that never read, and a writer toggling a param 20000 times,
 * grow the broker's RSS by less than 50 MB (it grew by gigabytes before the bound). A subscriber
 * that catches up gets the events that were queued, one -ENOBUFS notice (seq 0, MLX5CTLD_DEVLINK)
 * for the ones dropped, and then the events that follow — over the wire, and through the client
 * API, whose stream rejects once with ENOBUFS and then goes on.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Mlx5ctlClient } from '../../src/client/client';
import { RemoteDevlinkApi } from '../../src/client/devlink_api';
import { DevlinkError } from '../../src/devlink/errors';
import type { DevlinkEvent } from '../../src/devlink/types';
import { MLX5CTLD_OPEN } from '../../src/uapi/control';
import { Errno } from '../../src/uapi/errno';
import { StalledSubscriber } from '../helpers/attacks';
import { ROOT, RunningBroker, startBroker, waitFor } from '../helpers/broker';

const DL = 'pci/0000:08:00.0';
const SUBSCRIBERS = 16;
const TOGGLES = 20_000;
const RSS_BOUND_MB = 50;

let broker: RunningBroker;
let writer: Mlx5ctlClient;
let api: RemoteDevlinkApi;
beforeAll(async () => {
  broker = await startBroker();
  writer = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
  api = new RemoteDevlinkApi(writer.connection);
});
afterAll(async () => {
  writer.close();
  await broker.stop();
});

const socketPath = (): string => path.join(broker.rundir, 'mlx5_core.ctl.0');
const rssMb = (): number => Number(/^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${broker.proc.pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
const monitorsOk = (): number => broker.logs().filter((l) => l.event === 'devlink' && l.method === 'monitor' && l.result === 'ok').length;
const toggle = (i: number): Promise<void> => api.paramSet({ handle: DL, name: 'region_snapshot_enable', cmode: 'runtime', value: i % 2 === 0 });

/** Toggles the param `count` times, 64 requests in flight. */
async function flood(count: number): Promise<void> {
  for (let done = 0; done < count; done += 64) {
    await Promise.all(Array.from({ length: Math.min(64, count - done) }, (_, i) => toggle(done + i)));
  }
}

describe('devlink monitor backpressure', () => {
  it(`keeps ${SUBSCRIBERS} stalled subscribers of ${TOGGLES} events within +${RSS_BOUND_MB} MB, then tells a reader ENOBUFS once and resumes`, async () => {
    const before = monitorsOk();
    const subscribers = Array.from({ length: SUBSCRIBERS }, () => new StalledSubscriber(socketPath()));
    await waitFor(() => monitorsOk() >= before + SUBSCRIBERS, 10000, 'the subscriptions');
    await waitFor(() => subscribers.every((s) => s.subscribed), 5000, 'the monitor replies');
    for (const s of subscribers) s.stall();
    // A first flood brings the broker's heap to its working size (request and log garbage), so
    // the measured one shows what the stalled subscribers make it keep.
    await flood(TOGGLES / 4);
    const rssBefore = rssMb();

    await flood(TOGGLES);
    const growth = rssMb() - rssBefore;
    process.stdout.write(`monitor flood: broker RSS ${rssBefore.toFixed(1)} MB -> +${growth.toFixed(1)} MB for ${SUBSCRIBERS} stalled subscribers x ${TOGGLES} events\n`);
    expect(growth).toBeLessThan(RSS_BOUND_MB);

    const [reader, ...rest] = subscribers;
    if (!reader) throw new Error('no subscriber');
    reader.resume();
    await waitFor(() => reader.pushed().includes('ENOBUFS'), 10000, 'the ENOBUFS notice');
    await toggle(1);
    await waitFor(() => reader.pushed().lastIndexOf('event') > reader.pushed().indexOf('ENOBUFS'), 5000, 'an event after the notice');
    const pushed = reader.pushed();
    const notice = pushed.indexOf('ENOBUFS');
    expect(pushed.filter((p) => p === 'ENOBUFS')).toHaveLength(1);
    expect(notice).toBeGreaterThan(0); // what was queued before the overrun arrives first
    expect(pushed.length).toBeLessThan(TOGGLES / 4); // most were dropped, not queued
    expect(pushed.every((p) => p === 'event' || p === 'ENOBUFS')).toBe(true);
    await waitFor(() => broker.logs().some((l) => l.event === 'devlink_monitor_overrun'), 5000, 'the overrun log line');
    const overrun = broker.logs().find((l) => l.event === 'devlink_monitor_overrun');
    expect(overrun).toMatchObject({ level: 'warn' });
    expect(Number(overrun?.dropped)).toBeGreaterThan(TOGGLES / 2);
    for (const s of [reader, ...rest]) s.close();
    expect(broker.logs().some((l) => l.level === 'error')).toBe(false);
    expect(broker.logs().some((l) => l.event === 'open_refused' || l.event === 'handler_failed')).toBe(false);
    expect(reader.frames.some((f) => f.cmd === MLX5CTLD_OPEN && f.result === 0)).toBe(true);
  }, 120_000);

  it('surfaces the overrun through the client API as one ENOBUFS rejection, then the next events', async () => {
    const subscriber = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
    const stream = new RemoteDevlinkApi(subscriber.connection).monitor();
    const iterator = stream[Symbol.asyncIterator]();
    const before = monitorsOk();
    await waitFor(() => monitorsOk() > before, 8000, 'the subscription');
    // Another process floods while this one is blocked (spawnSync): this process reads nothing.
    const script = `
      const { Mlx5ctlClient } = require(${JSON.stringify(path.join(ROOT, 'dist', 'src', 'client', 'client.js'))});
      const { RemoteDevlinkApi } = require(${JSON.stringify(path.join(ROOT, 'dist', 'src', 'client', 'devlink_api.js'))});
      (async () => {
        const c = await Mlx5ctlClient.open('0', { rundir: ${JSON.stringify(broker.rundir)} });
        const api = new RemoteDevlinkApi(c.connection);
        for (let done = 0; done < 6000; done += 64) {
          await Promise.all(Array.from({ length: 64 }, (_, i) =>
            api.paramSet({ handle: ${JSON.stringify(DL)}, name: 'region_snapshot_enable', cmode: 'runtime', value: (done + i) % 2 === 0 })));
        }
        c.close();
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect([child.status, child.stderr]).toEqual([0, '']);

    const seen: string[] = [];
    for (;;) {
      try {
        const next = await iterator.next();
        if (next.done) throw new Error('the stream ended');
        seen.push('event');
      } catch (error) {
        expect(error).toBeInstanceOf(DevlinkError);
        expect((error as DevlinkError).errno).toBe(Errno.ENOBUFS);
        seen.push('ENOBUFS');
        break;
      }
    }
    await toggle(0);
    const after = await iterator.next();
    expect(after.done).toBe(false);
    expect((after.value as DevlinkEvent).object).toBe('param');
    expect(seen.filter((s) => s === 'ENOBUFS')).toHaveLength(1);
    expect(seen.length).toBeGreaterThan(1);
    stream.close();
    subscriber.close();
  }, 120_000);
});
