/**
 * Capabilities count as the kernel's capable() counts them: in the initial user namespace, and
 * as they were at connect. Everyone gets uctx_cap TOOLS_RESOURCES (0x4), as the upstream fwctl
 * driver grants; an ordinary user gets ucap 0, and so must
 * - a client in a user namespace it created (`unshare -Ur`: a full capability set there, worth
 *   nothing outside; for root as for anyone, since the namespace's caps are not root's),
 * - a client that gains capabilities between its connect and the broker's look at /proc
 *   (the broker is stopped meanwhile): by entering a new user namespace, or (root only, which can
 *   make the set-uid-root program) by exec'ing a set-uid-root program with the socket open.
 * Needs util-linux `unshare` and unprivileged user namespaces.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CLI_JS, RunningBroker, startBroker, waitFor } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';
import { exited, firstLine } from '../reliability/children';
import { exposeSocket, isRoot, NOBODY, SELF, writePolicy } from './peers';

const rootOnly = isRoot ? it : it.skip;
/** What an ordinary user is given: TOOLS_RESOURCES only, no capability numbers. */
const ORDINARY = { uctxCap: 0x4, userCap: 0x0 };

let bin: string;

beforeAll(() => {
  bin = tempDir('mlx5ctl-caps-');
  fs.chmodSync(bin, 0o755);
  execFileSync('cc', ['-O2', '-Wall', '-Werror', '-o', path.join(bin, 'connect_then'), path.join(__dirname, 'c', 'connect_then.c')], { stdio: 'pipe' });
});

function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The `UCTX CAP` and `USER CAP` that `mlx5ctl info` prints. */
function infoCaps(stdout: string): { uctxCap: number; userCap: number } {
  const field = (name: string): number => Number(new RegExp(`^${name}: (0x[0-9a-f]+)$`, 'm').exec(stdout)?.[1]);
  return { uctxCap: field('UCTX CAP'), userCap: field('USER CAP') };
}

const sessionOf = (broker: RunningBroker, pid: number | undefined): Record<string, unknown> | undefined =>
  broker.logs().find((l) => l.event === 'session_open' && l.pid === pid);

describe('a client in a user namespace it created', () => {
  it('gets what an ordinary user gets, not its namespace-local capabilities', async () => {
    expect((await run('unshare', ['-Ur', 'true'])).code).toBe(0);
    const broker = await startBroker();
    const r = await run('unshare', ['-Ur', process.execPath, CLI_JS, '--rundir', broker.rundir, '0', 'info']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(infoCaps(r.stdout)).toEqual(ORDINARY);
    await broker.stop();
  });
});

describe('capabilities gained after connect', () => {
  /** Connects `helper` with the broker stopped, waits for `changed`, then lets the broker look. */
  async function connectWhileStopped(broker: RunningBroker, start: () => ChildProcess, changed: (child: ChildProcess) => Promise<void>): Promise<ChildProcess> {
    broker.proc.kill('SIGSTOP');
    let child: ChildProcess | undefined;
    try {
      child = start();
      await changed(child);
    } finally {
      broker.proc.kill('SIGCONT');
    }
    return child;
  }

  it('by entering a new user namespace do not count', async () => {
    const broker = await startBroker();
    const socket = path.join(broker.rundir, 'mlx5_core.ctl.0');
    const child = await connectWhileStopped(
      broker,
      () => spawn(path.join(bin, 'connect_then'), [socket, 'userns'], { stdio: ['ignore', 'pipe', 'pipe'] }),
      async (c) => expect(await firstLine(c)).toBe('changed'),
    );
    await waitFor(() => sessionOf(broker, child.pid) !== undefined, 10000, 'session_open');
    expect(sessionOf(broker, child.pid)).toMatchObject({ uid: SELF, uctx_cap: ORDINARY.uctxCap });
    child.kill('SIGKILL');
    await exited(child);
    await broker.stop();
  });

  rootOnly('by exec of a set-uid-root program do not count', async () => {
    const setuidSleep = path.join(bin, 'sleep');
    fs.copyFileSync(fs.realpathSync('/bin/sleep'), setuidSleep);
    fs.chownSync(setuidSleep, 0, 0);
    fs.chmodSync(setuidSleep, 0o4755);
    const broker = await startBroker(['--policy', writePolicy([{ uid: SELF, max_scope: 'DEBUG_WRITE_FULL' }, { uid: NOBODY, max_scope: 'DEBUG_READ_ONLY' }])]);
    exposeSocket(broker.rundir);
    const socket = path.join(broker.rundir, 'mlx5_core.ctl.0');
    const child = await connectWhileStopped(
      broker,
      () => spawn(path.join(bin, 'connect_then'), [socket, 'exec', setuidSleep, '30'], { uid: NOBODY, gid: NOBODY, stdio: 'ignore' }),
      // Exec'd once /proc shows the set-uid program's effective uid 0 (its capabilities are
      // committed with its uids).
      (c) => waitFor(() => /^Uid:\s+65534\s+0\s+0\s+0$/m.test(fs.readFileSync(`/proc/${c.pid}/status`, 'utf8')), 10000, 'the set-uid exec'),
    );
    await waitFor(() => sessionOf(broker, child.pid) !== undefined, 10000, 'session_open');
    expect(sessionOf(broker, child.pid)).toMatchObject({ uid: NOBODY, uctx_cap: ORDINARY.uctxCap });
    child.kill('SIGKILL');
    await exited(child);
    await broker.stop();
  });
});
