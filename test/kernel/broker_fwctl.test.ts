/**
 * The broker in front of the kernel's real fwctl core (the test driver fwctl_mlx5_sim, its
 * firmware the simulator served from userspace): one kernel context per session, the kernel's
 * errnos and taint, release on client death, hot-unplug, and the CLI printing what it prints
 * through the simulator.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Broker } from '../../src/broker/broker';
import { createBackends } from '../../src/broker/backends';
import { JsonLineLogger } from '../../src/broker/log';
import { defaultPolicy } from '../../src/broker/policy';
import { Mlx5ctlClient } from '../../src/client/client';
import { resolveDevice } from '../../src/client/devices';
import { newInbox, outboxStatus } from '../../src/fw/mailbox';
import { Opcode } from '../../src/fw/opcodes';
import { Errno, ErrnoError } from '../../src/uapi/errno';
import { Scope } from '../../src/uapi/fwctl';
import { main as cli } from '../../tools/mlx5ctl/main';
import { CLI_JS, RunningBroker, startBroker } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';
import { assertInLane, ensureRegistered, kernelTaint, LANE_TIMEOUT_MS, openContexts, setRegistered, TAINT_FWCTL, waitFor } from './lane';

jest.setTimeout(LANE_TIMEOUT_MS);

const START = { startTimeoutMs: 300_000 };
let fwctlName: string;
let broker: RunningBroker;

async function runCli(rundir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await cli(['--rundir', rundir, ...args], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) }, {});
  return { code, stdout, stderr };
}

async function refusal(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ErrnoError) return err.errno;
    throw err;
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  assertInLane();
  fwctlName = ensureRegistered();
  broker = await startBroker(['--device', 'auto'], tempDir('mlx5ctld-fwctl-'), START);
});
afterAll(async () => {
  await broker?.stop();
  ensureRegistered();
});

describe('the broker on a kernel fwctl device', () => {
  it('publishes it under every name users type, as a kernel fwctl backend', () => {
    const byCtl = resolveDevice('mlx5_core.ctl.0', broker.rundir);
    expect(byCtl.backend).toBe(`fwctl:/dev/fwctl/${fwctlName}`);
    expect(byCtl.fwctl).toBe(fwctlName);
    for (const name of [fwctlName, `/dev/fwctl/${fwctlName}`, byCtl.parent]) expect(resolveDevice(name, broker.rundir).ctlName).toBe('mlx5_core.ctl.0');
  });

  it('gives every session its own kernel context and UID, as FWCTL_INFO reports them', async () => {
    const before = openContexts();
    const clients = await Promise.all([0, 1, 2, 3].map(() => Mlx5ctlClient.open('0', { rundir: broker.rundir })));
    try {
      const infos = await Promise.all(clients.map((c) => c.fwctlInfo()));
      expect(new Set(infos.map((i) => i.uid)).size).toBe(4);
      expect(infos.map((i) => [i.deviceType, i.uctxCaps])).toEqual(Array(4).fill([1, 0x4]));
      expect(openContexts()).toBe(before + 4);
    } finally {
      for (const c of clients) c.close();
    }
    await waitFor('the kernel to free the four contexts', () => openContexts() === before);
  });

  it("passes the kernel's refusals through unchanged, after its own checks", async () => {
    const client = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
    try {
      // The broker's table lets ALLOC_PD through (it tracks PDs); the mlx5 allowlist does not.
      expect(await refusal(client.fwctlRpc(Scope.DEBUG_READ_ONLY, newInbox(Opcode.ALLOC_PD, 16), 16))).toBe(Errno.EBADMSG);
      // Below the opcode's minimum scope the broker refuses first, with the kernel's errno.
      expect(await refusal(client.fwctlRpc(Scope.CONFIGURATION, newInbox(Opcode.QUERY_UCTX, 16), 16 + 64))).toBe(Errno.EBADMSG);
      const out = await client.fwctlRpc(Scope.CONFIGURATION, newInbox(Opcode.QUERY_HCA_CAP, 16, 1), 16 + 4096);
      expect(outboxStatus(out)).toBe(0);
    } finally {
      client.close();
    }
  });

  it('taints the kernel (TAINT_FWCTL) and itself at a write scope', async () => {
    const client = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
    try {
      await client.fwctlRpc(Scope.DEBUG_WRITE, newInbox(Opcode.QUERY_HCA_CAP, 16, 1), 16 + 4096);
      expect(kernelTaint() & TAINT_FWCTL).toBe(TAINT_FWCTL);
      expect((await client.status()).tainted).toBe(true);
    } finally {
      client.close();
    }
  });

  it('frees the kernel context of every client killed with SIGKILL', async () => {
    const before = openContexts();
    for (let round = 0; round < 5; round++) {
      const proc = spawn(process.execPath, [CLI_JS, '--rundir', broker.rundir, '0', 'sleep', '600'], { stdio: 'ignore' });
      await waitFor('the client to open its session', () => openContexts() === before + 1);
      proc.kill('SIGKILL');
      await waitFor('the kernel to free its context', () => openContexts() === before);
    }
  });

  it('prints what the simulator prints, command for command', async () => {
    // The same firmware model (simulator, same seed and PCI name) in-process, as on the host.
    const rundir = tempDir('mlx5ctld-sim-');
    const logged: string[] = [];
    const logger = new JsonLineLogger((chunk) => logged.push(chunk), 'warn');
    const sim = await Broker.start({ rundir, devices: await createBackends(['sim:cx7']), policy: defaultPolicy(process.getuid?.() ?? 0), logger });
    try {
      for (const args of [['cap'], ['cap', '--id=GENERAL', '-P'], ['cap', '--id=GENERAL', '--mode=max', '-j'], ['reg', '--id=PAOS'], ['rscdump'], ['diagcnt', 'cap']]) {
        const viaKernel = await runCli(broker.rundir, ['0', ...args]);
        const viaSim = await runCli(rundir, ['0', ...args]);
        expect({ args, ...viaKernel }).toEqual({ args, ...viaSim });
        expect(viaKernel.code).toBe(0);
      }
    } finally {
      await sim.close();
    }
  });

  it('says what works where a UMEM mode is asked for', async () => {
    const r = await runCli(broker.rundir, ['0', 'coredump', '--umem=2048']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`has no memory registration: UMEM_REG is not supported`);
  });
});

describe('without CAP_SYS_RAWIO', () => {
  it("answers DEBUG_WRITE_FULL with the kernel's EPERM", async () => {
    const capless = await startBroker(['--device', 'auto'], tempDir('mlx5ctld-norawio-'), {
      ...START,
      wrapper: ['setpriv', '--inh-caps=-sys_rawio', '--bounding-set=-sys_rawio', '--'],
    });
    const client = await Mlx5ctlClient.open('0', { rundir: capless.rundir });
    try {
      expect(await refusal(client.fwctlRpc(Scope.DEBUG_WRITE_FULL, newInbox(Opcode.QUERY_HCA_CAP, 16, 1), 16 + 4096))).toBe(Errno.EPERM);
    } finally {
      client.close();
      await capless.stop();
    }
  });
});

describe('hot-unplug', () => {
  it('answers ENODEV on every session once the driver unregisters, and unpublishes the device', async () => {
    const clients = await Promise.all([0, 1].map(() => Mlx5ctlClient.open('0', { rundir: broker.rundir })));
    setRegistered(false);
    for (const c of clients) expect(await refusal(c.fwctlRpc(Scope.CONFIGURATION, newInbox(Opcode.QUERY_HCA_CAP, 16, 1), 16 + 4096))).toBe(Errno.ENODEV);
    await waitFor('the broker to unpublish the device', () => !fs.existsSync(path.join(broker.rundir, 'mlx5_core.ctl.0')));
    for (const c of clients) c.close();
    expect(openContexts()).toBe(0);
  });
});
