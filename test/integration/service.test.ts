/**
 * mlx5ctld as a systemd service sees it: READY=1 on $NOTIFY_SOCKET once every device is
 * published (received here by a real AF_UNIX datagram socket, as systemd binds one), and an exit
 * that says why when the last device is unplugged, leaving no pid file behind.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BROKER_JS, runCli, startBroker, waitFor } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';

/** Binds a datagram socket at `socketPath` and prints the first datagram it gets (as JSON). */
const RECEIVER = `
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print('bound', flush=True)
s.settimeout(20)
print(json.dumps(s.recv(4096).decode()), flush=True)
`;

describe('mlx5ctld under systemd', () => {
  test('sends READY=1 with its pid to NOTIFY_SOCKET after publishing every device', async () => {
    const dir = tempDir('mlx5ctld-notify-');
    const notifySocket = path.join(dir, 'notify');
    const receiver = spawn('python3', ['-c', RECEIVER, notifySocket], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    receiver.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const received = new Promise<void>((resolve) => receiver.on('exit', () => resolve()));
    await waitFor(() => out.includes('bound'), 10000, 'the notify socket');
    const rundir = path.join(dir, 'run');
    const broker = spawn(process.execPath, [BROKER_JS, '--rundir', rundir, '--device', 'sim:cx7', '--device', 'sim:cx7'], {
      env: { ...process.env, NOTIFY_SOCKET: notifySocket },
      stdio: 'ignore',
    });
    try {
      await received;
      const state = JSON.parse(out.split('\n')[1]!) as string;
      expect(state).toBe(`READY=1\nMAINPID=${broker.pid}\nSTATUS=serving 2 device(s) in ${rundir}\n`);
      // READY came after both devices were published.
      expect(fs.existsSync(path.join(rundir, 'mlx5_core.ctl.0.uevent'))).toBe(true);
      expect(fs.existsSync(path.join(rundir, 'mlx5_core.ctl.1.uevent'))).toBe(true);
    } finally {
      broker.kill('SIGTERM');
      await new Promise((r) => broker.once('exit', r));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('logs why it exits and removes its pid file when the last device is unplugged', async () => {
    const broker = await startBroker(['--device', 'sim:cx7']);
    const pidfile = path.join(broker.rundir, 'mlx5ctld.pid');
    expect(fs.existsSync(pidfile)).toBe(true);
    expect((await runCli(['--rundir', broker.rundir, 'sim', '0', 'unplug'])).code).toBe(0);
    const code = await new Promise<number | null>((resolve) => {
      if (broker.proc.exitCode !== null) resolve(broker.proc.exitCode);
      else broker.proc.once('exit', (c) => resolve(c));
    });
    expect(code).toBe(0);
    const exiting = broker.logs().find((l) => l.event === 'exiting');
    expect(exiting).toMatchObject({ level: 'warn', reason: 'last_device_gone' });
    expect(fs.existsSync(pidfile)).toBe(false);
  });

  test('keeps serving while one of two devices remains', async () => {
    const broker = await startBroker(['--device', 'sim:cx7', '--device', 'sim:cx7']);
    try {
      expect((await runCli(['--rundir', broker.rundir, 'sim', '0', 'unplug'])).code).toBe(0);
      await waitFor(() => !fs.existsSync(path.join(broker.rundir, 'mlx5_core.ctl.0')), 5000, 'device 0 unpublished');
      const info = await runCli(['--rundir', broker.rundir, '1']);
      expect(info.stdout).toMatch(/^ctldev: \/dev\/mlx5ctl-mlx5_core\.ctl\.1\n/);
      expect(broker.proc.exitCode).toBeNull();
      expect(broker.logs().filter((l) => l.event === 'exiting')).toEqual([]);
    } finally {
      if (broker.proc.exitCode === null) expect(await broker.stop()).toBe(0);
    }
  });
});
