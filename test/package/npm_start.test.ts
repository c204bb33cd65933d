/**
 * `npm start` runs the broker itself: a SIGTERM to npm (a terminal's Ctrl-C, a supervisor's stop)
 * must reach the broker, which drains and exits, rather than leave it orphaned.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, waitFor } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a SIGTERM to `npm start` stops the broker', async () => {
  const rundir = tempDir('mlx5ctld-start-');
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  const npm = spawn('npm', ['start', '--silent', '--', '--rundir', rundir], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  npm.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const npmExited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
  const pidfile = path.join(rundir, 'mlx5ctld.pid');
  try {
    await waitFor(() => fs.existsSync(path.join(rundir, 'mlx5_core.ctl.0.uevent')), 20000, 'the broker under npm start');
    const brokerPid = Number(fs.readFileSync(pidfile, 'utf8'));
    expect(brokerPid).not.toBe(npm.pid);
    npm.kill('SIGTERM');
    await npmExited;
    await waitFor(() => !alive(brokerPid), 10000, 'the broker to exit');
    expect(stderr).toContain('"event":"broker_stopped"');
    expect(fs.existsSync(pidfile)).toBe(false);
  } finally {
    if (npm.exitCode === null) npm.kill('SIGKILL');
    if (fs.existsSync(pidfile)) {
      const pid = Number(fs.readFileSync(pidfile, 'utf8'));
      if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
    }
    fs.rmSync(rundir, { recursive: true, force: true });
  }
});
