/**
 * Fault injection through `mlx5ctl sim` and the driver's reactions seen through `mlx5ctl devlink`:
 * the fw_fatal flow (crdump snapshot under one id, auto-recover, ECANCELED inside the 60 s grace
 * period, manual recover), a fw syndrome, a TX error CQE auto-recovered back to RDY, and a
 * recover set to fail.
 */
import { RunningBroker, runCli, startBroker, waitFor } from '../helpers/broker';

const DL = 'pci/0000:08:00.0';
const PORT = `${DL}/65535`;

let broker: RunningBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(async () => {
  await broker.stop();
});

const cli = (...args: string[]): ReturnType<typeof runCli> => runCli(['--rundir', broker.rundir, ...args]);

interface Reporter {
  reporter: string;
  state: string;
  error: number;
  recover: number;
}

async function reporter(handle: string, name: string): Promise<Reporter> {
  const { stdout } = await cli('devlink', '-j', 'health', 'show', handle, 'reporter', name);
  const parsed = JSON.parse(stdout) as { health: Record<string, Reporter[]> };
  const found = parsed.health[handle]?.[0];
  if (!found) throw new Error(`no reporter ${name} in ${stdout}`);
  return found;
}

async function until(handle: string, name: string, want: Partial<Reporter>): Promise<void> {
  await waitFor(async () => {
    const now = await reporter(handle, name);
    return Object.entries(want).every(([key, value]) => now[key as keyof Reporter] === value);
  }, 8000, `${name} to reach ${JSON.stringify(want)}`);
}

describe('fw_fatal', () => {
  it('snapshots, auto-recovers, then aborts a second fatal inside the grace period', async () => {
    const injected = await cli('sim', '0', 'inject', 'fw-fatal', '0x1');
    expect(injected).toEqual({ code: 0, stderr: '', stdout: `${DL}: fw-fatal 1: FW fatal error reported\n` });
    await until(DL, 'fw_fatal', { state: 'healthy', error: 1, recover: 1 });
    expect((await cli('devlink', 'region', 'show')).stdout).toBe(
      `${DL}/cr-space: size 16777216 snapshot [0] max 8\n${DL}/fw-health: size 64 snapshot [0] max 8\n`,
    );
    // The fw-health snapshot holds the syndrome the poll saw (0x3d), with rfr + severity valid (0x38).
    const synd = await cli('devlink', '-j', 'region', 'read', `${DL}/fw-health`, 'snapshot', '0', 'address', '56', 'length', '8');
    expect(JSON.parse(synd.stdout)).toMatchObject({ read: { address: 56, data: [0x8a, 0, 0, 0, expect.any(Number), 1, 0, 0] } });

    await cli('sim', '0', 'inject', 'fw-fatal', '7');
    await until(DL, 'fw_fatal', { state: 'error', error: 2, recover: 1 });
    expect((await cli('devlink', 'region', 'show', `${DL}/cr-space`)).stdout).toBe(`${DL}/cr-space: size 16777216 snapshot [0 1] max 8\n`);
    const status = await cli('sim', '0', 'show');
    expect(status.stdout).toContain('  syndrome 7 internal_error yes unloaded yes\n');
    expect(status.stdout).toContain('    Driver is in error state. Unloading\n');

    // The stored dump is the first one: auto-dump runs only when none is stored.
    const dump = JSON.parse((await cli('devlink', '-j', 'health', 'dump', 'show', DL, 'reporter', 'fw_fatal')).stdout) as Record<string, unknown>;
    expect(dump['syndrome']).toBe(1);
    expect(dump['fw_miss_counter']).toBe(0);
    expect(dump['crdump_data']).toHaveLength(64 * 1024);

    expect(await cli('devlink', 'health', 'recover', DL, 'reporter', 'fw_fatal')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await reporter(DL, 'fw_fatal')).toMatchObject({ state: 'healthy', error: 2, recover: 2 });
    expect((await cli('sim', '0', 'show')).stdout).toContain('  syndrome 0 internal_error no unloaded no\n');
  });

  it('reports a non-fatal syndrome on fw, which stays in error (no recover op)', async () => {
    await cli('sim', '0', 'inject', 'fw-error', '0x10', 'ext', '0x42');
    await until(DL, 'fw', { state: 'error', error: 1 });
    expect((await cli('devlink', 'health', 'diagnose', DL, 'reporter', 'fw')).stdout).toBe(' Syndrome: 16 Description: High temperature\n');
    expect(await cli('devlink', 'health', 'recover', DL, 'reporter', 'fw')).toEqual({ code: 1, stdout: '', stderr: 'kernel answers: Operation not supported\n' });
    await cli('sim', '0', 'inject', 'fw-error', '0');
  });
});

describe('tx / rx', () => {
  let sqn = 0;
  beforeAll(async () => {
    const diag = JSON.parse((await cli('devlink', '-j', 'health', 'diagnose', PORT, 'reporter', 'tx')).stdout) as { SQs: Array<{ sqn: number }> };
    sqn = diag.SQs[2]?.sqn ?? 0;
  });

  const hwState = async (): Promise<number | undefined> => {
    const diag = JSON.parse((await cli('devlink', '-j', 'health', 'diagnose', PORT, 'reporter', 'tx')).stdout) as { SQs: Array<{ sqn: number; 'HW state': number }> };
    return diag.SQs.find((sq) => sq.sqn === sqn)?.['HW state'];
  };

  it('an error CQE puts the SQ in ERR; auto-recovery brings it back to RDY', async () => {
    const injected = await cli('sim', '0', '-j', 'inject', 'tx-err-cqe', String(sqn));
    expect(JSON.parse(injected.stdout)).toEqual({ handle: DL, fault: 'tx-err-cqe', value: sqn, message: `ERR CQE on SQ: 0x${sqn.toString(16)}` });
    await until(PORT, 'tx', { state: 'healthy', error: 1, recover: 1 });
    expect(await hwState()).toBe(1);
  });

  it('a recover set to fail leaves the reporter in error and answers with the extack', async () => {
    expect((await cli('sim', '0', 'recover-fail', 'tx', 'on')).stdout).toBe(`${DL}: reporter tx recover fails\n`);
    // Past the 500 ms grace period the auto-recover runs (and fails) instead of being aborted.
    await new Promise((resolve) => setTimeout(resolve, 600));
    await cli('sim', '0', 'inject', 'tx-err-cqe', String(sqn));
    await until(PORT, 'tx', { state: 'error', error: 2, recover: 1 });
    expect(await hwState()).toBe(3);
    expect(await cli('devlink', 'health', 'recover', PORT, 'reporter', 'tx')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error: mlx5_core: User setup the recover to fail for testing purposes.\nkernel answers: Input/output error\n',
    });
    await cli('sim', '0', 'recover-fail', 'tx', 'off');
    expect((await cli('devlink', 'health', 'recover', PORT, 'reporter', 'tx')).code).toBe(0);
    expect(await reporter(PORT, 'tx')).toMatchObject({ state: 'healthy', error: 2, recover: 2 });
    expect(await hwState()).toBe(1);
  });

  it('rejects unknown queues and bad arguments', async () => {
    expect(await cli('sim', '0', 'inject', 'rx-err-cqe', '0xfffff')).toEqual({
      code: 1, stdout: '', stderr: 'Error : sim inject: no netdev RQ 0xfffff (see devlink health diagnose ... reporter rx)\n',
    });
    const bad = await cli('sim', '0', 'inject', 'tx-err-cqe', 'x');
    expect(bad.code).toBe(1);
    expect(bad.stderr.split('\n')[0]).toBe('Error : sim: "x" is not a valid queue number');
  });
});
