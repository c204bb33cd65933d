import { RunningBroker, runCli, startBroker } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';
import { ownCaps } from '../security/peers';

const hex = (n: number): string => `0x${n.toString(16)}`;

let broker: RunningBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(async () => {
  await broker.stop();
});

describe('mlx5ctl CLI', () => {
  it('prints usage, the commands and the devices found', async () => {
    const r = await runCli(['--rundir', broker.rundir]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Usage: mlx5ctl <mlx5 pci device> <command> [options]');
    expect(lines[1]).toBe('Verbosity: mlx5ctl -v <mlx5 pci device> <command> [options]');
    expect(lines).toContain('\tinfo: Print device information');
    expect(r.stdout).toMatch(/Found 1 mlx5ctl devices:\n\/dev\/mlx5ctl-mlx5_core\.ctl\.0 0000:08:00\.0\n$/);
  });

  it('prints the upstream info lines for every accepted device name', async () => {
    // UCTX CAP is TOOLS_RESOURCES (0x4) for anyone, as fwctl grants; USER CAP is root's 0x1d, as in
    // the upstream tool's sample, an ordinary user's fewer.
    const { uctxCap, userCap } = ownCaps();
    const expected = new RegExp(
      `^ctldev: /dev/mlx5ctl-mlx5_core\\.ctl\\.0\nParent dev: 0000:08:00\\.0\nUCTX UID: \\d+\nUCTX CAP: ${hex(uctxCap)}\n` +
        `DEV UCTX CAP: 0x7\nUSER CAP: ${hex(userCap)}\nCurrent PID: \\d+ FD \\d+\n$`,
    );
    for (const name of ['mlx5_core.ctl.0', '0', '/dev/mlx5ctl-mlx5_core.ctl.0', '0000:08:00.0', '08:00.0', 'fwctl0']) {
      const r = await runCli(['--rundir', broker.rundir, name]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(expected);
    }
  });

  it('gives JSON with -j, before or after the command', async () => {
    for (const args of [['-j', '0', 'info'], ['0', 'info', '-j']]) {
      const r = await runCli(['--rundir', broker.rundir, ...args]);
      const info = JSON.parse(r.stdout) as Record<string, unknown>;
      const { uctxCap, userCap } = ownCaps();
      expect(info).toMatchObject({ ctldev: '/dev/mlx5ctl-mlx5_core.ctl.0', parent_dev: '0000:08:00.0', uctx_cap: uctxCap, dev_uctx_cap: 7, user_cap: userCap });
      expect(typeof info.uctx_uid).toBe('number');
    }
  });

  it('shows live sessions in status, as text and JSON', async () => {
    const text = await runCli(['--rundir', broker.rundir, 'status']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^broker: pid \d+ up \d+s tainted no\n/);
    expect(text.stdout).toMatch(/session \d+: mlx5_core\.ctl\.0 pid \d+ uid \d+ fw_uid 1 scope DEBUG_WRITE_FULL umems 0/);
    expect(text.stdout).toMatch(/\nreleasing: 0\npinned_bytes: 0\n$/);
    const json = JSON.parse((await runCli(['--rundir', broker.rundir, 'status', '-j'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ pinned_bytes: 0, releasing: 0, tainted: false });
    expect(Array.isArray(json.sessions)).toBe(true);
    expect((json.sessions as Record<string, unknown>[])[0]).toEqual(
      expect.objectContaining({ pid: expect.any(Number), uid: expect.any(Number), fw_uid: 1, umems: 0, pinned_bytes: 0 }),
    );
  });

  it('fails clearly for an unknown device, an unknown command and an empty run directory', async () => {
    const missing = await runCli(['--rundir', broker.rundir, 'mlx5_core.ctl.9']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Error : device mlx5_core.ctl.9 not found');
    expect(missing.stderr).toContain('Error : Failed to open device mlx5_core.ctl.9');
    const unknown = await runCli(['--rundir', broker.rundir, '0', 'frob']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Error : Unknown command "frob"');
    expect(unknown.stdout).toContain('Usage: mlx5ctl');
    const empty = await runCli(['--rundir', tempDir(), 'status']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('no mlx5ctl devices in');
  });

  it('honours MLX5CTL_RUNDIR', async () => {
    const r = await runCli(['0'], { env: { ...process.env, MLX5CTL_RUNDIR: broker.rundir } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Parent dev: 0000:08:00.0');
  });
});
