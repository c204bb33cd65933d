/** Kernel health semantics: report flow, grace and burst windows, dump storage, SET checks. */
import { ManualClock } from '../../src/devlink/clock';
import { DevlinkError, Errno } from '../../src/devlink/errors';
import type { HealthReporterOps } from '../../src/devlink/health';
import { DevlinkInstance } from '../../src/devlink/instance';

function reporterWith(ops: Partial<HealthReporterOps>, clock = new ManualClock()) {
  const trace: string[] = [];
  const calls: string[] = [];
  const devlink = new DevlinkInstance('pci/0000:08:00.0', { clock, onTrace: (line) => trace.push(line) });
  const reporter = devlink.healthReporterCreate({
    name: 'fw_fatal',
    recover: (ctx) => { calls.push(`recover:${String(ctx)}`); },
    dump: (fmsg, ctx) => { calls.push(`dump:${String(ctx)}`); fmsg.u32PairPut('n', calls.length); },
    ...ops,
  });
  return { devlink, reporter, clock, trace, calls };
}

describe('report()', () => {
  it('counts, dumps once, recovers, and traces like the kernel', async () => {
    const { reporter, trace, calls } = reporterWith({});
    await reporter.report('FW fatal error reported', 'ctx1');
    await reporter.report('again', 'ctx2');
    expect(calls).toEqual(['dump:ctx1', 'recover:ctx1', 'recover:ctx2']);
    expect(reporter.info()).toMatchObject({ state: 'healthy', error: 2, recover: 2, dumpTs: 0 });
    expect(trace[0]).toBe('bus_name=pci dev_name=0000:08:00.0 driver_name=mlx5_core reporter_name=fw_fatal: FW fatal error reported');
  });

  it('aborts with ECANCELED inside the grace period, and when the previous error was not recovered', async () => {
    const { reporter, clock, trace, calls } = reporterWith({ gracePeriod: 100 });
    await reporter.report('one');
    clock.advance(99);
    await expect(reporter.report('two')).rejects.toMatchObject({ errno: Errno.ECANCELED });
    expect(trace[trace.length - 1]).toMatch(/health_state=1 time_since_last_recover=99 recover aborted$/);
    expect(reporter.info()).toMatchObject({ state: 'error', error: 2, recover: 1 });
    clock.advance(50);
    await expect(reporter.report('three')).rejects.toMatchObject({ errno: Errno.ECANCELED });
    expect(calls).toEqual(['dump:undefined', 'recover:undefined']);
  });

  it('lets errors through during the burst window, then applies the grace window', async () => {
    const { reporter, clock } = reporterWith({ gracePeriod: 100, burstPeriod: 50 });
    await reporter.report('one');
    clock.advance(10);
    await reporter.report('two'); // inside the burst: recovered, last_recovery_ts unchanged
    clock.advance(45); // 55 ms after the first recovery: past the burst, inside burst + grace
    await expect(reporter.report('three')).rejects.toMatchObject({ errno: Errno.ECANCELED });
    await reporter.recover(undefined);
    clock.advance(200);
    await reporter.report('four');
    expect(reporter.info()).toMatchObject({ state: 'healthy', error: 4, recover: 4 });
  });

  it('stays in ERROR without auto_recover, and keeps ERROR when the recover op fails', async () => {
    const failing = reporterWith({ recover: () => { throw new DevlinkError(Errno.EIO, 'stuck'); } });
    await expect(failing.reporter.report('x')).rejects.toMatchObject({ errno: Errno.EIO, extack: 'stuck' });
    expect(failing.reporter.info()).toMatchObject({ state: 'error', error: 1, recover: 0 });
    const manual = reporterWith({});
    manual.reporter.set({ autoRecover: false });
    await manual.reporter.report('x');
    expect(manual.reporter.info()).toMatchObject({ state: 'error', error: 1, recover: 0 });
  });

  it('ignores a failing auto-dump and keeps the first stored dump', async () => {
    let fail = true;
    const { reporter } = reporterWith({ dump: (fmsg) => { if (fail) throw new DevlinkError(Errno.EIO); fmsg.stringPairPut('k', 'v'); } });
    await reporter.report('x');
    expect(reporter.info().dumpTs).toBeUndefined();
    fail = false;
    await reporter.report('y');
    const first = await reporter.dumpGet();
    await reporter.report('z');
    expect(await reporter.dumpGet()).toBe(first);
    reporter.dumpClear();
    expect(reporter.info().dumpTs).toBeUndefined();
  });
});

describe('commands', () => {
  it('recovers a healthy reporter without calling the op, even without one', async () => {
    const { reporter, calls } = reporterWith({});
    await reporter.recover(undefined);
    expect(calls).toEqual([]);
    const noRecover = reporterWith({ recover: undefined });
    await noRecover.reporter.recover(undefined);
    noRecover.reporter.stateUpdate('error');
    await expect(noRecover.reporter.recover(undefined)).rejects.toMatchObject({ errno: Errno.EOPNOTSUPP });
  });

  it('shows attributes by ops and validates SET', () => {
    const dumpOnly = reporterWith({ recover: undefined });
    expect(dumpOnly.reporter.info()).toEqual({ handle: 'pci/0000:08:00.0', reporter: 'fw_fatal', state: 'healthy', error: 0, recover: 0, autoDump: true });
    expect(() => dumpOnly.reporter.set({ gracePeriod: 1 })).toThrow(expect.objectContaining({ errno: Errno.EOPNOTSUPP }));
    const { reporter } = reporterWith({ dump: undefined, gracePeriod: 10, burstPeriod: 5 });
    expect(() => reporter.set({ autoDump: true })).toThrow(expect.objectContaining({ errno: Errno.EOPNOTSUPP }));
    reporter.set({ gracePeriod: 0 });
    expect(reporter.info()).toMatchObject({ gracePeriod: 0, burstPeriod: 0 });
    expect(() => reporter.set({ burstPeriod: 5 })).toThrow(expect.objectContaining({ errno: Errno.EINVAL }));
    reporter.set({ gracePeriod: 20, burstPeriod: 5 });
    expect(reporter.info()).toMatchObject({ gracePeriod: 20, burstPeriod: 5 });
  });

  it('refuses creation with a grace period but no recover, and duplicate names', () => {
    const devlink = new DevlinkInstance('pci/0000:08:00.0');
    expect(() => devlink.healthReporterCreate({ name: 'x', gracePeriod: 5 })).toThrow(expect.objectContaining({ errno: Errno.EINVAL }));
    devlink.healthReporterCreate({ name: 'x' });
    expect(() => devlink.healthReporterCreate({ name: 'x' })).toThrow(expect.objectContaining({ errno: Errno.EEXIST }));
    devlink.healthReporterCreate({ name: 'x' }, 65535);
  });

  it('notifies every state change, and state_update leaves counters alone', () => {
    const { devlink, reporter, trace } = reporterWith({});
    const states: string[] = [];
    devlink.subscribe((event) => { if (event.object === 'health') states.push(event.reporter.state); });
    reporter.stateUpdate('error');
    reporter.stateUpdate('error');
    reporter.stateUpdate('healthy');
    expect(states).toEqual(['error', 'healthy']);
    expect(reporter.info()).toMatchObject({ error: 0, recover: 0 });
    expect(trace[trace.length - 1]).toMatch(/reporter_name=fw_fatal: new_state=0$/);
  });

  it('returns the diagnose fmsg error', async () => {
    const { reporter } = reporterWith({ diagnose: (fmsg) => { fmsg.binaryPut(Buffer.from([1])); } });
    await expect(reporter.diagnose()).rejects.toMatchObject({ errno: Errno.EINVAL });
    await expect(reporter.test()).rejects.toMatchObject({ errno: Errno.EOPNOTSUPP });
  });
});
