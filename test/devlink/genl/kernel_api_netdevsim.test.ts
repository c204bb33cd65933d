/**
 * KernelDevlinkApi over an emulated kernel that serves a netdevsim-shaped device (region `dummy`
 * 32768 B, reporters `empty` and `dummy`) in net/devlink's wire layout, against LocalDevlinkApi
 * over an identical device: the CLI must print byte for byte the same, errors included, while
 * the netdevsim selftest steps of /work/shared/reference/devlink.md §5 are replayed on both.
 * Multipart replies are cut small (a few chunks and fmsg items per message, a dangling value
 * type at each cut, a PAD before each u64) so every continuation path runs.
 */
import { KernelDevlinkApi } from '../../../src/devlink/genl/kernel_api';
import { GenlClient } from '../../../src/netlink/family';
import { NetlinkSocket } from '../../../src/netlink/socket';
import { runDevlink } from '../../../tools/mlx5ctl/devlink';
import { createNetdevsim, DL, type Netdevsim, type RunResult } from '../netdevsim_fixture';
import { DevlinkKernelEmulator } from './kernel_emulator';

interface Pair {
  local: Netdevsim;
  remote: Netdevsim;
  emulator: DevlinkKernelEmulator;
  kernelApi: KernelDevlinkApi;
  /** Runs one devlink command line on both; returns the kernel side after checking they agree. */
  both(...argv: string[]): Promise<RunResult>;
  /** The same device-side action on both fixtures. */
  act(action: (sim: Netdevsim) => unknown): Promise<void>;
}

async function run(api: KernelDevlinkApi | Netdevsim['api'], argv: string[]): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const rc = await runDevlink(argv, api, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { rc, stdout, stderr };
}

function setup(): Pair {
  const local = createNetdevsim();
  const remote = createNetdevsim();
  const emulator = new DevlinkKernelEmulator(remote.api, [remote.devlink], { chunksPerMessage: 7, fmsgItemsPerMessage: 9, danglingValueType: true });
  const socket = new NetlinkSocket(emulator.kernel);
  const kernelApi = new KernelDevlinkApi({ client: new GenlClient(socket, emulator.family, 1) });
  return {
    local, remote, emulator, kernelApi,
    async both(...argv) {
      const [expected, actual] = [await run(local.api, argv), await run(kernelApi, argv)];
      expect({ argv, ...actual }).toEqual({ argv, ...expected });
      return actual;
    },
    async act(action) {
      await action(local);
      await action(remote);
    },
  };
}

const count = async (p: Pair): Promise<number> => {
  const { stdout } = await p.both('region', 'show', `${DL}/dummy`, '-j');
  const parsed: unknown = JSON.parse(stdout);
  const regions = (parsed as { regions: Record<string, { snapshot: number[] }> }).regions;
  return regions[`${DL}/dummy`]?.snapshot.length ?? -1;
};

describe('KernelDevlinkApi against a netdevsim-shaped kernel', () => {
  it('replays regions_test: show, take_snapshot, del, new, dump, read ranges, kernel-allocated ids', async () => {
    const p = setup();
    expect((await p.both('region', 'show', `${DL}/dummy`, '-j')).stdout).toBe('{"regions":{"netdevsim/netdevsim10/dummy":{"size":32768,"snapshot":[],"max":16}}}\n');
    expect(await count(p)).toBe(0);
    for (let i = 1; i <= 3; i++) {
      await p.act((sim) => sim.takeSnapshot());
      expect(await count(p)).toBe(i);
    }
    expect((await p.both('region', 'del', `${DL}/dummy`, 'snapshot', '1')).rc).toBe(0);
    expect(await count(p)).toBe(2);
    expect((await p.both('region', 'new', `${DL}/dummy`, 'snapshot', '25')).rc).toBe(0);
    expect(await count(p)).toBe(3);
    const dump = await p.both('region', 'dump', `${DL}/dummy`, 'snapshot', '25');
    expect(dump.rc).toBe(0);
    expect(dump.stdout.split('\n').filter((line) => /^[0-9a-f]{16} /.test(line)).length).toBe(32768 / 16);
    expect((await p.both('region', 'read', `${DL}/dummy`, 'snapshot', '25', 'addr', '0', 'len', '1')).rc).toBe(0);
    expect((await p.both('region', 'read', `${DL}/dummy`, 'snapshot', '25', 'addr', '128', 'len', '128')).rc).toBe(0);
    expect((await p.both('region', 'read', `${DL}/dummy`, 'snapshot', '25', 'addr', '128', 'len', '4294967296')).rc).toBe(0);
    const beyond = await p.both('region', 'read', `${DL}/dummy`, 'snapshot', '25', 'addr', '4294967296', 'len', '128');
    expect(beyond.rc).not.toBe(0);
    expect(beyond.stderr).toBe('kernel answers: Invalid argument\n');
    expect((await p.both('region', 'del', `${DL}/dummy`, 'snapshot', '25')).rc).toBe(0);
    const created = await p.both('-j', 'region', 'new', `${DL}/dummy`);
    expect(created.stdout).toBe('{"regions":{"netdevsim/netdevsim10/dummy":{"snapshot":[1]}}}\n');
    expect(await count(p)).toBe(3);
    expect((await p.both('region', 'dump', `${DL}/dummy`, 'snapshot', '1', '-j')).rc).toBe(0);
    expect((await p.both('region', 'del', `${DL}/dummy`, 'snapshot', '1')).rc).toBe(0);
    expect(await count(p)).toBe(2);
    await p.both('region', 'show');
    await p.both('region', 'show', DL);
    await p.both('region', 'read', `${DL}/dummy`, 'snapshot', '0', 'address', '5', 'length', '20');
    await p.both('-j', 'region', 'read', `${DL}/dummy`, 'snapshot', '0', 'address', '250', 'length', '600');
  });

  it('errors reach the CLI with the kernel extack and errno', async () => {
    const p = setup();
    const cases = [
      ['region', 'read', `${DL}/dummy`, 'snapshot', '9', 'address', '0', 'length', '1'],
      ['region', 'read', `${DL}/dummy`, 'address', '0', 'length', '1'],
      ['region', 'read', `${DL}/nope`, 'snapshot', '0', 'address', '0', 'length', '1'],
      ['region', 'new', `${DL}/nope`],
      ['region', 'del', `${DL}/dummy`, 'snapshot', '3'],
      ['region', 'show', `${DL}/nope`],
      ['region', 'show', 'netdevsim/netdevsim99/dummy'],
      ['health', 'show', DL, 'reporter', 'nope'],
      ['health', 'test', DL, 'reporter', 'dummy'],
      ['health', 'set', DL, 'reporter', 'empty', 'grace_period', '5'],
    ];
    const stderrs: string[] = [];
    for (const argv of cases) {
      const result = await p.both(...argv);
      expect(result.rc).toBe(1);
      stderrs.push(result.stderr);
    }
    expect(stderrs).toContain('Error: Requested snapshot does not exist.\nkernel answers: Invalid argument\n');
    expect(stderrs).toContain('Error: Requested region does not support direct read.\nkernel answers: Operation not supported\n');
    expect(stderrs).toContain('Error: The requested region does not exist.\nkernel answers: Invalid argument\n');
    expect(stderrs).toContain('kernel answers: No such device\n');
    for (let i = 0; i < 16; i++) await p.act((sim) => sim.takeSnapshot());
    const full = await p.both('region', 'new', `${DL}/dummy`);
    expect(full.stderr).toBe('Error: The region has reached the maximum number of stored snapshots.\nkernel answers: No space left on device\n');
  });

  it('replays empty_reporter_test and dummy_reporter_test', async () => {
    const p = setup();
    for (const cmd of [['show'], ['dump', 'show'], ['diagnose'], ['recover']]) {
      expect((await p.both('health', ...cmd, DL, 'reporter', 'empty')).rc).toBe(0);
    }
    const info = async (): Promise<string> => (await p.both('health', 'show', DL, 'reporter', 'dummy', '-j')).stdout;
    expect(await info()).toBe('{"health":{"netdevsim/netdevsim10":[{"reporter":"dummy","state":"healthy","error":0,"recover":0,"grace_period":0,"burst_period":0,"auto_recover":true,"auto_dump":true}]}}\n');
    await p.both('health', 'set', DL, 'reporter', 'dummy', 'auto_recover', 'false');
    await p.act((sim) => sim.breakHealth('foo bar'));
    await info();
    const dump = await p.both('health', 'dump', 'show', DL, 'reporter', 'dummy', '-j');
    expect((JSON.parse(dump.stdout) as { break_message: string }).break_message).toBe('foo bar');
    await p.both('health', 'dump', 'show', DL, 'reporter', 'dummy');
    await p.both('health', 'dump', 'clear', DL, 'reporter', 'dummy');
    await p.both('health', 'recover', DL, 'reporter', 'dummy');
    await p.both('health', 'set', DL, 'reporter', 'dummy', 'auto_recover', 'true');
    await p.act((sim) => sim.breakHealth('foo bar'));
    const diagnose = await p.both('health', 'diagnose', DL, 'reporter', 'dummy', '-j', '-p');
    expect((JSON.parse(diagnose.stdout) as { recovered_break_message: string }).recovered_break_message).toBe('foo bar');
    await p.both('health', 'diagnose', DL, 'reporter', 'dummy');
    await p.both('health', 'set', DL, 'reporter', 'dummy', 'grace_period', '10');
    await p.act((sim) => {
      sim.knobs.failRecover = true;
    });
    await p.act((sim) => sim.breakHealth('foo bar').catch(() => undefined));
    const failed = await p.both('health', 'recover', DL, 'reporter', 'dummy');
    expect(failed.stderr).toBe('Error: netdevsim: User setup the recover to fail for testing purposes.\nkernel answers: Invalid argument\n');
    await p.act((sim) => {
      sim.knobs.failRecover = false;
      sim.knobs.binaryLen = 8192;
    });
    await p.both('health', 'recover', DL, 'reporter', 'dummy');
    await p.both('health', 'show');
    await p.both('health', 'show', '-j', '-p');
    await p.both('health', 'dump', 'show', DL, 'reporter', 'dummy', '-j');
    await p.both('health', 'dump', 'show', DL, 'reporter', 'dummy');
    await p.both('health', 'dump', 'clear', DL, 'reporter', 'dummy');
  });

  it('dev show and params', async () => {
    const p = setup();
    await p.both('dev', 'show');
    await p.both('dev', 'show', DL, '-j');
    await p.both('dev', 'show', 'netdevsim/netdevsim99');
    await p.both('dev', 'param', 'show');
  });

  it('monitor streams region and health notifications from the "config" group', async () => {
    const p = setup();
    const stream = p.kernelApi.monitor();
    expect([...p.emulator.kernel.groups]).toEqual([5]);
    const events: unknown[] = [];
    const reading = (async () => {
      for await (const event of stream) {
        events.push(event);
        if (events.length === 3) break;
      }
    })();
    await new Promise((resolve) => setImmediate(resolve));
    p.remote.takeSnapshot();
    await p.remote.breakHealth('x');
    await reading;
    expect(events).toEqual([
      { object: 'region', command: 'new', handle: DL, region: 'dummy', snapshotId: 0 },
      expect.objectContaining({ object: 'health', command: 'status', reporter: expect.objectContaining({ reporter: 'dummy', state: 'error', error: 1 }) }),
      expect.objectContaining({ object: 'health', command: 'status', reporter: expect.objectContaining({ reporter: 'dummy', state: 'healthy', recover: 1 }) }),
    ]);
    expect([...p.emulator.kernel.groups]).toEqual([]);
  });
});
