/**
 * The simulated device's devlink: regions over the cr-space model, the fw / fw_fatal / tx / rx
 * reporters, the health poll's reactions to injected faults, and the crdump snapshot.
 */
import { LocalDevlinkApi } from '../../../../src/devlink/local_api';
import type { FmsgNode } from '../../../../src/devlink/fmsg';
import { crspaceOf } from '../../../../src/fw/sim/crspace';
import { SimDevice } from '../../../../src/fw/sim/device';
import { simDevlinkOf, type SimDevlink } from '../../../../src/fw/sim/devlink';
import type { DeviceClock } from '../../../../src/fw/sim/state';

const DL = 'pci/0000:08:00.0';

class StepClock implements DeviceClock {
  ms = 1000;
  nowMs(): number {
    return this.ms;
  }
}

function setup(): { dev: SimDevice; sim: SimDevlink; api: LocalDevlinkApi; clock: StepClock } {
  const clock = new StepClock();
  const dev = new SimDevice({ clock, healthPollMs: 0 });
  const instance = dev.devlink;
  const sim = simDevlinkOf(dev.state);
  return { dev, sim, api: new LocalDevlinkApi([instance]), clock };
}

/** Polls as the timer would (the clock moves so the health counter does not look stalled). */
async function poll(ctx: { sim: SimDevlink; clock: StepClock }): Promise<void> {
  ctx.clock.ms += 200;
  ctx.sim.pollHealth();
  await ctx.sim.settle();
}

function pairs(node: FmsgNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (node.kind !== 'object') return out;
  for (const item of node.items) {
    if (item.name === undefined) continue;
    out[item.name] = item.kind === 'value' ? item.value.value : item;
  }
  return out;
}

describe('sim devlink: regions', () => {
  it('registers cr-space and fw-health with max 8 and no snapshots', async () => {
    const { api, dev } = setup();
    expect(await api.regionShow()).toEqual([
      { handle: DL, region: 'cr-space', size: crspaceOf(dev.state).size, maxSnapshots: 8, snapshots: [] },
      { handle: DL, region: 'fw-health', size: 64, maxSnapshots: 8, snapshots: [] },
    ]);
  });

  it('snapshots and direct-reads the health buffer', async () => {
    const { api, dev } = setup();
    crspaceOf(dev.state).setHealthSyndrome(0x8, 0x1234);
    expect(await api.regionNew({ handle: DL, region: 'fw-health' })).toEqual({ handle: DL, region: 'fw-health', snapshotId: 0 });
    const chunks = await api.regionRead({ handle: DL, region: 'fw-health', snapshotId: 0, address: 0x3c, length: 4 });
    expect(Buffer.from(chunks[0]?.data ?? '', 'base64')).toEqual(crspaceOf(dev.state).healthBuffer().subarray(0x3c, 0x40));
    const direct = await api.regionRead({ handle: DL, region: 'cr-space', direct: true, address: 0x200, length: 300 });
    expect(direct.map((c) => c.address)).toEqual([0x200, 0x300]);
    expect(Buffer.from(direct[1]?.data ?? '', 'base64').length).toBe(44);
  });
});

describe('sim devlink: fw reporters and the health poll', () => {
  it('diagnoses a healthy device as Syndrome 0', async () => {
    const { api } = setup();
    expect(pairs(await api.healthDiagnose({ handle: DL, reporter: 'fw' }))).toEqual({ Syndrome: 0 });
  });

  it('reports a new syndrome once on fw, which has no recover', async () => {
    const ctx = setup();
    ctx.sim.inject('fw-error', 0x8);
    await poll(ctx);
    await poll(ctx);
    const [fw] = await ctx.api.healthShow({ handle: DL, reporter: 'fw' });
    expect(fw).toMatchObject({ state: 'error', error: 1, recover: 0, autoDump: true });
    expect(fw?.autoRecover).toBeUndefined();
    expect(pairs(await ctx.api.healthDiagnose({ handle: DL, reporter: 'fw' }))).toEqual({ Syndrome: 8, Description: 'unrecoverable hardware error' });
    const dump = pairs(await ctx.api.healthDumpShow({ handle: DL, reporter: 'fw' }));
    expect(dump['syndrome']).toBe(8);
    expect(dump['fw_miss_counter']).toBe(0);
    const hb = dump['health buffer'] as FmsgNode;
    expect(pairs(hb)).toMatchObject({ synd: 8, ext_synd: 0, rfr: 0, severity: 3 });
  });

  it('fw_fatal: snapshot under one id, auto-recover, then ECANCELED inside the grace period', async () => {
    const ctx = setup();
    ctx.sim.inject('fw-fatal', 0x1);
    await poll(ctx);
    const regions = await ctx.api.regionShow();
    expect(regions.map((r) => r.snapshots)).toEqual([[0], [0]]);
    const [first] = await ctx.api.healthShow({ handle: DL, reporter: 'fw_fatal' });
    expect(first).toMatchObject({ state: 'healthy', error: 1, recover: 1, gracePeriod: 60000, autoRecover: true });
    expect(ctx.sim.status()).toMatchObject({ internalError: false, syndrome: 0 });
    const dump = pairs(await ctx.api.healthDumpShow({ handle: DL, reporter: 'fw_fatal' }));
    expect(dump['syndrome']).toBe(1);
    expect((dump['crdump_data'] as FmsgNode).kind).toBe('array');

    ctx.sim.inject('fw-fatal', 0x7);
    await poll(ctx);
    const [second] = await ctx.api.healthShow({ handle: DL, reporter: 'fw_fatal' });
    expect(second).toMatchObject({ state: 'error', error: 2, recover: 1 });
    expect(ctx.sim.status()).toMatchObject({ internalError: true, unloaded: true, syndrome: 7 });
    expect((await ctx.api.regionShow()).map((r) => r.snapshots)).toEqual([[0, 1], [0, 1]]);

    await ctx.api.healthRecover({ handle: DL, reporter: 'fw_fatal' });
    expect((await ctx.api.healthShow({ handle: DL, reporter: 'fw_fatal' }))[0]).toMatchObject({ state: 'healthy', error: 2, recover: 2 });
    expect(ctx.sim.status()).toMatchObject({ internalError: false, unloaded: false, syndrome: 0 });
  });

  it('takes no crdump snapshot while region_snapshot_enable is false', async () => {
    const ctx = setup();
    await ctx.api.paramSet({ handle: DL, name: 'region_snapshot_enable', cmode: 'runtime', value: false });
    ctx.sim.inject('fw-fatal', 0x1);
    await poll(ctx);
    expect((await ctx.api.regionShow()).map((r) => r.snapshots)).toEqual([[], []]);
    expect(ctx.sim.status().log).toContain('crdump: devlink snapshot disabled, skipping');
  });

  it('fails recover with the extack while recover-fail is set', async () => {
    const ctx = setup();
    ctx.sim.setRecoverFail('fw_fatal', true);
    ctx.sim.inject('fw-fatal', 0x1);
    await poll(ctx);
    expect((await ctx.api.healthShow({ handle: DL, reporter: 'fw_fatal' }))[0]).toMatchObject({ state: 'error', error: 1, recover: 0 });
    await expect(ctx.api.healthRecover({ handle: DL, reporter: 'fw_fatal' })).rejects.toMatchObject({
      errno: 5, extack: 'mlx5_core: User setup the recover to fail for testing purposes',
    });
    ctx.sim.setRecoverFail('fw_fatal', false);
    await ctx.api.healthRecover({ handle: DL, reporter: 'fw_fatal' });
    expect((await ctx.api.healthShow({ handle: DL, reporter: 'fw_fatal' }))[0]).toMatchObject({ state: 'healthy', recover: 1 });
  });

  it('reports a stalled health counter after three misses', async () => {
    const ctx = setup();
    crspaceOf(ctx.dev.state).setHealthCounterStalled(true);
    for (let i = 0; i < 4; i++) await poll(ctx);
    expect((await ctx.api.healthShow({ handle: DL, reporter: 'fw' }))[0]).toMatchObject({ state: 'error', error: 1 });
    expect(pairs(await ctx.api.healthDumpShow({ handle: DL, reporter: 'fw' }))['fw_miss_counter']).toBe(3);
  });
});

describe('sim devlink: tx and rx', () => {
  it('lists the netdev SQs with CQ and EQ, port 65535, grace 500', async () => {
    const { api, sim } = setup();
    const reporters = await api.healthShow({ handle: DL, port: 65535 });
    expect(reporters.map((r) => [r.reporter, r.port, r.gracePeriod])).toEqual([['tx', 65535, 500], ['rx', 65535, 500]]);
    const diag = pairs(await api.healthDiagnose({ handle: DL, port: 65535, reporter: 'tx' }));
    const sqs = diag['SQs'] as FmsgNode;
    expect(sqs.kind).toBe('array');
    const first = sqs.kind === 'array' && sqs.items[0] ? pairs(sqs.items[0]) : {};
    expect(first).toMatchObject({ 'channel ix': 0, tc: 0, 'txq ix': 0, sqn: sim.queues.txqsqs()[0]?.sqn, 'HW state': 1, stopped: false });
    expect(Object.keys(first)).toEqual(['channel ix', 'tc', 'txq ix', 'sqn', 'HW state', 'stopped', 'cc', 'pc', 'SW State', 'CQ', 'EQ']);
  });

  it('tx-err-cqe: ERR, report, auto-recover back to RDY; a second error inside 500 ms is aborted', async () => {
    const ctx = setup();
    const sqn = ctx.sim.queues.txqsqs()[0]?.sqn ?? -1;
    expect(ctx.sim.inject('tx-err-cqe', sqn).message).toBe(`ERR CQE on SQ: 0x${sqn.toString(16)}`);
    await ctx.sim.settle();
    expect((await ctx.api.healthShow({ handle: DL, port: 65535, reporter: 'tx' }))[0]).toMatchObject({ state: 'healthy', error: 1, recover: 1 });
    expect(ctx.sim.queues.hwState('sq', sqn)).toBe(1);

    ctx.clock.ms += 100;
    ctx.sim.inject('tx-err-cqe', sqn);
    await ctx.sim.settle();
    expect((await ctx.api.healthShow({ handle: DL, port: 65535, reporter: 'tx' }))[0]).toMatchObject({ state: 'error', error: 2, recover: 1 });
    expect(ctx.sim.queues.hwState('sq', sqn)).toBe(3);

    await ctx.api.healthRecover({ handle: DL, port: 65535, reporter: 'tx' });
    expect(ctx.sim.queues.hwState('sq', sqn)).toBe(1);
    expect((await ctx.api.healthShow({ handle: DL, port: 65535, reporter: 'tx' }))[0]).toMatchObject({ state: 'healthy', recover: 2 });
  });

  it('rx-err-cqe and tx-timeout report with the driver messages; unknown queues are ENOENT', async () => {
    const ctx = setup();
    const rqn = ctx.sim.queues.rqList()[0]?.rqn ?? -1;
    const sqn = ctx.sim.queues.txqsqs()[1]?.sqn ?? -1;
    expect(ctx.sim.inject('rx-err-cqe', rqn).message).toBe(`ERR CQE on RQ: 0x${rqn.toString(16)}`);
    expect(ctx.sim.inject('tx-timeout', sqn).message).toMatch(/^TX timeout on queue: 1, SQ: 0x[0-9a-f]+, CQ: 0x[0-9a-f]+, SQ Cons: 0x0 SQ Prod: 0x11, usecs since last trans: 5000000$/);
    await ctx.sim.settle();
    const shown = await ctx.api.healthShow({ handle: DL, port: 65535 });
    expect(shown.map((r) => [r.reporter, r.state, r.error, r.recover])).toEqual([['tx', 'healthy', 1, 1], ['rx', 'healthy', 1, 1]]);
    expect(() => ctx.sim.inject('tx-err-cqe', 0xdead)).toThrow(/no netdev SQ 0xdead/);
  });
});
