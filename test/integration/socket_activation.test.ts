/**
 * Socket activation without systemd: the test binds listeners itself and starts mlx5ctld the way
 * systemd does, with them as fd 3, 4, ... and LISTEN_PID (the broker's own pid: the shell sets it
 * and execs the broker), LISTEN_FDS and LISTEN_FDNAMES set. A device named by an fd is served on
 * it; the others bind their own socket; anything that is not such a listener is refused. Then
 * the same through systemd's own launcher, systemd-socket-activate (package systemd, as CI
 * installs for systemd-analyze), which binds the socket and starts the broker on the first
 * connection.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { native } from '../../src/addon';
import { BROKER_JS, runCli, startBroker, waitFor } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';

/** As systemd after fork: LISTEN_PID is the pid that execs the broker. */
const AS_SYSTEMD = ['/bin/sh', '-c', 'export LISTEN_PID=$$; exec "$@"', 'sh'];

function listener(file: string): number {
  return native.listen(file, 0o660, 16);
}

/** Connects to `file` and waits (up to 5 s) for the other end to hang up. */
async function endOfFileAfterConnect(file: string): Promise<boolean> {
  const fd = native.connect(file);
  const buffer = Buffer.alloc(64);
  try {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const got = native.recvMsg(fd, buffer);
      if (got !== null) return got.bytes === 0;
      await new Promise((r) => setTimeout(r, 10));
    }
    return false;
  } finally {
    native.close(fd);
  }
}

/** Runs a broker that should refuse to start; its exit status and stderr. */
function refusedStart(rundir: string, fds: number[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(AS_SYSTEMD[0]!, [...AS_SYSTEMD.slice(1), process.execPath, BROKER_JS, '--rundir', rundir, '--device', 'sim:cx7'], {
      stdio: ['ignore', 'ignore', 'pipe', ...fds],
      env: { ...process.env, ...env },
    });
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('mlx5ctld with listeners passed by systemd', () => {
  test('serves a device on the listener named after it, binds the rest, and leaves the passed socket in place', async () => {
    const rundir = tempDir('mlx5ctld-activate-');
    const ctl0 = path.join(rundir, 'mlx5_core.ctl.0');
    const ctl3 = path.join(rundir, 'mlx5_core.ctl.3');
    const fd0 = listener(ctl0);
    const fd3 = listener(ctl3);
    const inode = fs.statSync(ctl0).ino;
    const broker = await startBroker(['--device', 'sim:cx7', '--device', 'sim:cx7'], rundir, {
      wrapper: AS_SYSTEMD,
      passFds: [fd0, fd3],
      env: { LISTEN_FDS: '2', LISTEN_FDNAMES: 'mlx5_core.ctl.0:mlx5_core.ctl.3' },
    });
    // The broker holds its own copies now, as a service holds systemd's.
    native.close(fd0);
    native.close(fd3);
    try {
      const ready = broker.logs().filter((l) => l.event === 'device_ready');
      expect(ready.map((l) => [l.device, l.listener])).toEqual([
        ['mlx5_core.ctl.0', 'inherited'],
        ['mlx5_core.ctl.1', 'bound'],
      ]);
      const unused = broker.logs().find((l) => l.event === 'listener_unused');
      expect(unused).toMatchObject({ level: 'warn', device: 'mlx5_core.ctl.3', fd: 4 });
      // Not unlinked and bound again: the very socket the test made.
      expect(fs.statSync(ctl0).ino).toBe(inode);
      for (const dev of ['mlx5_core.ctl.0', 'mlx5_core.ctl.1']) {
        const r = await runCli(['--rundir', rundir, dev, 'info', '-j']);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ ctldev: `/dev/mlx5ctl-${dev}` });
      }
      // ctl.3 has no device: not published, so the CLI says which devices exist.
      const missing = await runCli(['--rundir', rundir, 'mlx5_core.ctl.3', 'info']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('device mlx5_core.ctl.3 not found');
      // And a client that connects to its socket all the same is hung up on, not left waiting.
      expect(await endOfFileAfterConnect(ctl3)).toBe(true);
    } finally {
      expect(await broker.stop()).toBe(0);
    }
    // The socket unit's file stays for the next activation; the broker's own is gone.
    expect(fs.statSync(ctl0).isSocket()).toBe(true);
    expect(fs.existsSync(path.join(rundir, 'mlx5_core.ctl.1'))).toBe(false);
    expect(fs.existsSync(path.join(rundir, 'mlx5_core.ctl.0.uevent'))).toBe(false);
    fs.rmSync(rundir, { recursive: true, force: true });
  });

  describe('refuses an fd that is not a control-device listener', () => {
    let rundir: string;
    const opened: number[] = [];
    beforeEach(() => {
      rundir = tempDir('mlx5ctld-activate-bad-');
    });
    afterEach(() => {
      for (const fd of opened.splice(0)) native.close(fd);
      fs.rmSync(rundir, { recursive: true, force: true });
    });

    const cases: Array<[string, (dir: string) => number, NodeJS.ProcessEnv, string]> = [
      [
        'a regular file',
        (dir) => fs.openSync(path.join(dir, 'file'), 'w'),
        { LISTEN_FDS: '1', LISTEN_FDNAMES: 'mlx5_core.ctl.0' },
        'fd 3 (named "mlx5_core.ctl.0") is not a socket (ENOTSOCK: Socket operation on non-socket, getsockopt(SO_DOMAIN)): mlx5ctld.socket must use ListenStream=',
      ],
      [
        'a connected stream socket',
        (dir) => {
          opened.push(listener(path.join(dir, 'other')));
          return native.connect(path.join(dir, 'other'));
        },
        { LISTEN_FDS: '1', LISTEN_FDNAMES: 'mlx5_core.ctl.0' },
        'fd 3 (named "mlx5_core.ctl.0") is not a listening AF_UNIX SOCK_STREAM socket (found: unix stream, not listening)',
      ],
      [
        'a listener with no name',
        (dir) => listener(path.join(dir, 'mlx5_core.ctl.0')),
        { LISTEN_FDS: '1' },
        'fd 3 (named "unknown") is not named after a control device: set FileDescriptorName=mlx5_core.ctl.N beside its ListenStream=',
      ],
      [
        'a listener bound somewhere clients do not look',
        (dir) => listener(path.join(dir, 'elsewhere')),
        { LISTEN_FDS: '1', LISTEN_FDNAMES: 'mlx5_core.ctl.0' },
        'is bound at <dir>/elsewhere, not at <dir>/mlx5_core.ctl.0 where clients look for mlx5_core.ctl.0',
      ],
      [
        'a LISTEN_FDS that is not a number',
        (dir) => listener(path.join(dir, 'mlx5_core.ctl.0')),
        { LISTEN_FDS: 'one', LISTEN_FDNAMES: 'mlx5_core.ctl.0' },
        'socket activation: LISTEN_FDS="one" is not a count of fds',
      ],
    ];

    test.each(cases)('%s', async (_what, make, env, message) => {
      const fd = make(rundir);
      opened.push(fd);
      const r = await refusedStart(rundir, [fd], env);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(message.replace(/<dir>/g, rundir));
      expect(r.stderr.split('\n').filter((l) => l.startsWith('mlx5ctld: '))).toHaveLength(1);
      // Nothing was published.
      expect(fs.existsSync(path.join(rundir, 'mlx5_core.ctl.0.uevent'))).toBe(false);
    });
  });

  test('systemd-socket-activate starts it on the first connection, which it then serves', async () => {
    const rundir = tempDir('mlx5ctld-ssa-');
    const socket = path.join(rundir, 'mlx5_core.ctl.0');
    const launcher = spawn('systemd-socket-activate', ['-l', socket, '--fdname=mlx5_core.ctl.0', process.execPath, BROKER_JS, '--rundir', rundir, '--device', 'sim:cx7'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    launcher.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => launcher.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => stderr.includes(`Listening on ${socket} as 3.`), 10000, 'systemd-socket-activate to listen');
      // Nothing runs yet: the socket exists before the broker has probed any device.
      expect(fs.existsSync(path.join(rundir, 'mlx5_core.ctl.0.uevent'))).toBe(false);
      const first = native.connect(socket);
      await waitFor(() => stderr.includes('"event":"ready"'), 15000, 'the activated broker');
      expect(stderr).toContain('"listener":"inherited"');
      const r = await runCli(['--rundir', rundir, '0', 'info', '-j']);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toMatchObject({ ctldev: '/dev/mlx5ctl-mlx5_core.ctl.0', parent_dev: '0000:08:00.0' });
      // The connection that woke it is a session of its own, accepted from the backlog.
      const status = JSON.parse((await runCli(['--rundir', rundir, 'status', '-j'])).stdout) as { sessions: Array<{ pid: number }> };
      expect(status.sessions.filter((s) => s.pid === process.pid)).toHaveLength(1);
      native.close(first);
    } finally {
      launcher.kill('SIGTERM');
      expect(await exited).toBe(0);
      fs.rmSync(rundir, { recursive: true, force: true });
    }
  });
});
