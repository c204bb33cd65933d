/**
 * `mlx5ctld --devlink`: which devlink each published device fronts. With `kernel`, a simulated
 * device on a netdevsim parent (sim:cx7@netdevsim/netdevsim10) fronts the kernel's instance —
 * here an emulated kernel in net/devlink's wire layout — and `mlx5ctl devlink` through the broker
 * prints byte for byte what devlink prints against that kernel, errors, audit and monitor
 * included; `sim` and `none` front the simulator's instance or nothing; `kernel` without an
 * instance refuses to start.
 */
import { Broker } from '../../src/broker/broker';
import { createBackends } from '../../src/broker/backends';
import type { Logger } from '../../src/broker/log';
import { defaultPolicy } from '../../src/broker/policy';
import { connectDevlink, type DevlinkConnection } from '../../src/client/devlink_api';
import { DevlinkError, Errno } from '../../src/devlink/errors';
import { KernelDevlinkApi } from '../../src/devlink/genl/kernel_api';
import { GenlClient } from '../../src/netlink/family';
import { NetlinkSocket } from '../../src/netlink/socket';
import { runDevlink } from '../../tools/mlx5ctl/devlink';
import type { DevlinkApi } from '../../src/devlink/api';
import { DevlinkKernelEmulator } from '../devlink/genl/kernel_emulator';
import { createNetdevsim, DL, type RunResult } from '../devlink/netdevsim_fixture';
import { tempDir } from '../helpers/sockets';

const SELF = process.getuid?.() ?? 0;

async function run(api: DevlinkApi, argv: string[]): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const rc = await runDevlink(argv, api, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { rc, stdout, stderr };
}

interface Running {
  broker: Broker;
  devlink: DevlinkConnection;
  audit: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

async function start(specs: string[], mode: 'kernel' | 'sim' | 'none' | 'auto', openKernelDevlink?: () => Promise<KernelDevlinkApi>): Promise<Running> {
  const rundir = tempDir('mlx5ctld-devlink-front-');
  const audit: Array<Record<string, unknown>> = [];
  const logger: Logger = { log: (_level, event, fields) => { if (event === 'devlink') audit.push(fields ?? {}); } };
  const broker = await Broker.start({
    rundir, devices: await createBackends(specs), policy: defaultPolicy(SELF), logger, devlink: mode,
    ...(openKernelDevlink ? { openKernelDevlink } : {}),
  });
  const devlink = await connectDevlink(rundir);
  return { broker, devlink, audit, stop: async () => { devlink.close(); await broker.close(); } };
}

/** An emulated kernel serving one netdevsim device; `reference` is an identical device to compare with. */
function emulatedKernel() {
  const kernel = createNetdevsim();
  const reference = createNetdevsim();
  const emulator = new DevlinkKernelEmulator(kernel.api, [kernel.devlink], { chunksPerMessage: 7, fmsgItemsPerMessage: 9 });
  const open = async (): Promise<KernelDevlinkApi> => new KernelDevlinkApi({ client: new GenlClient(new NetlinkSocket(emulator.kernel), emulator.family, 1) });
  return { kernel, reference, open };
}

describe('--devlink kernel', () => {
  it('fronts the kernel instance of the parent and prints what devlink prints against it', async () => {
    const { kernel, reference, open } = emulatedKernel();
    const running = await start(['sim:cx7@netdevsim/netdevsim10'], 'kernel', open);
    try {
      const both = async (...argv: string[]): Promise<RunResult> => {
        const [expected, actual] = [await run(reference.api, argv), await run(running.devlink.api, argv)];
        expect({ argv, ...actual }).toEqual({ argv, ...expected });
        return actual;
      };
      expect((await both('dev', 'show')).stdout).toBe(`${DL}\n`);
      await both('-jp', 'health', 'show');
      kernel.takeSnapshot();
      reference.takeSnapshot();
      expect((await both('region', 'show', '-j')).stdout).toBe(`{"regions":{"${DL}/dummy":{"size":32768,"snapshot":[0],"max":16}}}\n`);
      expect((await both('-j', 'region', 'new', `${DL}/dummy`)).stdout).toBe(`{"regions":{"${DL}/dummy":{"snapshot":[1]}}}\n`);
      expect((await both('region', 'new', `${DL}/dummy`, 'snapshot', '1')).stderr).toBe('Error: The requested snapshot id is already in use.\nkernel answers: File exists\n');
      await both('region', 'read', `${DL}/dummy`, 'snapshot', '0', 'address', '250', 'length', '300');
      await both('region', 'read', `${DL}/dummy`, 'address', '0', 'length', '16');
      expect((await both('health', 'show', 'pci/0000:08:00.0', 'reporter', 'dummy')).stderr).toBe('kernel answers: No such device\n');
      kernel.knobs.failRecover = true;
      reference.knobs.failRecover = true;
      await kernel.breakHealth('foo bar').catch(() => undefined);
      await reference.breakHealth('foo bar').catch(() => undefined);
      expect((await both('health', 'recover', DL, 'reporter', 'dummy')).stderr).toBe(
        'Error: netdevsim: User setup the recover to fail for testing purposes.\nkernel answers: Invalid argument\n',
      );
      await both('-j', 'health', 'diagnose', DL, 'reporter', 'dummy');
      // Every request was audited, the kernel's extack with it.
      const recover = running.audit.find((entry) => entry['method'] === 'healthRecover');
      expect(recover).toMatchObject({ handle: DL, object: 'dummy', result: 'EINVAL', extack: 'netdevsim: User setup the recover to fail for testing purposes' });
      expect(running.broker.status().devices.map((d) => d.devlink)).toEqual(['kernel']);
    } finally {
      await running.stop();
    }
  });

  it('streams the kernel instance notifications through the broker', async () => {
    const { kernel, open } = emulatedKernel();
    const running = await start(['sim:cx7@netdevsim/netdevsim10'], 'kernel', open);
    try {
      const stream = running.devlink.api.monitor();
      const events = stream[Symbol.asyncIterator]();
      // The subscription is set up by the first round trip; a request after it orders the two.
      await running.devlink.api.listDevices();
      await running.devlink.api.regionNew({ handle: DL, region: 'dummy', snapshotId: 7 });
      expect((await events.next()).value).toEqual({ object: 'region', command: 'new', handle: DL, region: 'dummy', snapshotId: 7 });
      kernel.takeSnapshot();
      expect((await events.next()).value).toEqual({ object: 'region', command: 'new', handle: DL, region: 'dummy', snapshotId: 0 });
      stream.close();
    } finally {
      await running.stop();
    }
  });

  it('refuses to start when the kernel has no instance for a device, or no devlink at all', async () => {
    const { open } = emulatedKernel();
    await expect(start(['sim:cx7'], 'kernel', open)).rejects.toThrow('--devlink kernel: the kernel has no devlink instance pci/0000:08:00.0');
    const noFamily = async (): Promise<KernelDevlinkApi> => { throw new DevlinkError(Errno.ENOENT); };
    await expect(start(['sim:cx7'], 'kernel', noFamily)).rejects.toThrow('--devlink kernel: the kernel has no devlink netlink family');
  });
});

describe('--devlink auto, sim and none', () => {
  it('auto fronts the kernel where it has the instance and the simulator elsewhere', async () => {
    const { open } = emulatedKernel();
    const running = await start(['sim:cx7@netdevsim/netdevsim10', 'sim:cx7'], 'auto', open);
    try {
      expect(running.broker.status().devices.map((d) => d.devlink)).toEqual(['kernel', 'sim']);
      expect((await run(running.devlink.api, ['dev', 'show'])).stdout).toBe(`${DL}\npci/0000:08:00.1\n`);
    } finally {
      await running.stop();
    }
  });

  it('sim fronts the simulator instance; none fronts nothing', async () => {
    const sim = await start(['sim:cx7'], 'sim');
    try {
      expect((await run(sim.devlink.api, ['dev', 'show'])).stdout).toBe('pci/0000:08:00.0\n');
    } finally {
      await sim.stop();
    }
    const none = await start(['sim:cx7'], 'none');
    try {
      expect(await run(none.devlink.api, ['dev', 'show'])).toEqual({ rc: 0, stdout: '', stderr: '' });
      expect(await run(none.devlink.api, ['health', 'show', 'pci/0000:08:00.0', 'reporter', 'fw'])).toEqual({ rc: 1, stdout: '', stderr: 'kernel answers: No such device\n' });
      expect(none.broker.status().devices.map((d) => d.devlink)).toEqual(['none']);
    } finally {
      await none.stop();
    }
  });
});
