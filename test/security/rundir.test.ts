/**
 * Run directory squatting. Anyone may create /tmp/mlx5ctl-<uid> before its user does: mode 0777,
 * with links planted in it, a fake broker listening in it, or a pid file naming pid 1. The broker
 * refuses a directory it does not own or others may write, never writes through a link, and
 * trusts a pid file only while a live broker holds its lock; the client lets nobody but root,
 * itself or an explicitly named directory's owner answer it, and sends nothing to anyone else.
 * The cases with another uid need root (CI runs as root); the rest run as anyone.
 */
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { createBackends } from '../../src/broker/backends';
import { Broker } from '../../src/broker/broker';
import { defaultPolicy } from '../../src/broker/policy';
import { Mlx5ctlClient } from '../../src/client/client';
import { Connection } from '../../src/client/connection';
import { formatDescriptor } from '../../src/config/descriptor';
import { MLX5CTLD_OPEN, mlx5ctldOpen, PROTOCOL_VERSION } from '../../src/uapi/control';
import { encodeFrame, MAX_FRAME_SIZE } from '../../src/uapi/frame';
import { encodeStruct } from '../../src/uapi/struct';
import { exited, firstLine } from '../reliability/children';
import { BROKER_JS, ROOT, runCli, startBroker } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';
import { isRoot, NOBODY, SELF } from './peers';

const rootOnly = isRoot ? it : it.skip;
/** The victim of the fake-broker case: an ordinary user other than the squatter. */
const VICTIM = NOBODY - 1;

function brokerIn(rundir: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [BROKER_JS, '--rundir', rundir], { encoding: 'utf8', timeout: 10000 });
  return { status: r.status, stderr: r.stderr };
}

describe('the broker refuses a run directory it cannot trust', () => {
  rootOnly("a squatted /tmp-style directory: another uid's, mode 0777", () => {
    const rundir = path.join(tempDir('mlx5ctl-squat-'), `mlx5ctl-${SELF}`);
    fs.mkdirSync(rundir);
    fs.chownSync(rundir, NOBODY, NOBODY);
    fs.chmodSync(rundir, 0o777);
    const r = brokerIn(rundir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`mlx5ctld: refusing run directory ${rundir}: it is owned by uid ${NOBODY}, not by this broker's uid ${SELF}; remove it`);
    expect(fs.readdirSync(rundir)).toEqual([]);
  });

  it('its own directory while group or others may write to it', () => {
    const rundir = tempDir('mlx5ctl-open-');
    fs.chmodSync(rundir, 0o777);
    const r = brokerIn(rundir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`mlx5ctld: refusing run directory ${rundir}: group or others may write to it (mode 0777); run \`chmod go-w ${rundir}\``);
    expect(fs.readdirSync(rundir)).toEqual([]);
  });

  it('a symbolic link in place of the directory', () => {
    const elsewhere = tempDir('mlx5ctl-target-');
    const rundir = path.join(tempDir('mlx5ctl-link-'), 'mlx5ctl');
    fs.symlinkSync(elsewhere, rundir);
    const r = brokerIn(rundir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`mlx5ctld: refusing run directory ${rundir}: it is a symbolic link`);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });
});

describe('the broker never writes through a planted link', () => {
  it('leaves the files that links in its directory point at unchanged', async () => {
    // In this process, so that the temp name the descriptor is written under (it carries the
    // broker's pid) can be planted in advance.
    const rundir = tempDir('mlx5ctl-planted-');
    const victims = tempDir('mlx5ctl-victim-');
    const names = ['mlx5_core.ctl.0.uevent', `mlx5_core.ctl.0.uevent.${process.pid}.tmp`, 'mlx5ctld.pid'];
    for (const name of names) {
      fs.writeFileSync(path.join(victims, name), 'precious\n');
      fs.symlinkSync(path.join(victims, name), path.join(rundir, name));
    }
    const broker = await Broker.start({ rundir, devices: await createBackends(['sim:cx7']), policy: defaultPolicy(SELF), logger: { log: () => undefined } });
    try {
      for (const name of names) expect(fs.readFileSync(path.join(victims, name), 'utf8')).toBe('precious\n');
      for (const name of ['mlx5_core.ctl.0.uevent', 'mlx5ctld.pid']) expect(fs.lstatSync(path.join(rundir, name)).isFile()).toBe(true);
      expect(fs.existsSync(path.join(rundir, names[1]))).toBe(false);
      expect(fs.readFileSync(path.join(rundir, 'mlx5ctld.pid'), 'utf8')).toBe(`${process.pid}\n`);
      const c = await Mlx5ctlClient.open('0', { rundir });
      expect((await c.info()).uctxUid).toBe(1);
      c.close();
    } finally {
      await broker.close();
    }
  });
});

describe('a pid file is live only while its broker holds it', () => {
  it('one planted naming pid 1 does not stop the broker', async () => {
    const rundir = tempDir('mlx5ctl-pid1-');
    fs.writeFileSync(path.join(rundir, 'mlx5ctld.pid'), '1\n');
    const broker = await startBroker([], rundir);
    expect(fs.readFileSync(path.join(rundir, 'mlx5ctld.pid'), 'utf8')).toBe(`${broker.proc.pid}\n`);
    const c = await Mlx5ctlClient.open('0', { rundir });
    expect((await c.info()).uctxUid).toBe(1);
    c.close();
    await broker.stop();
  });
});

/**
 * A fake broker: a plain Unix socket server under `uid` at `socket` that greets like mlx5ctld
 * (a valid OPEN frame, so an unwary client goes on to send requests) and reports on stdout how
 * many bytes it was sent before the client hung up.
 */
async function fakeBroker(socket: string, uid: number): Promise<{ bytesReceived(): Promise<number> }> {
  const greeting = encodeFrame(MLX5CTLD_OPEN, 0, 0, encodeStruct(mlx5ctldOpen, { version: PROTOCOL_VERSION, max_scope: 3, max_frame: MAX_FRAME_SIZE }));
  const script = `
    const net = require('net');
    const [socket, hex] = process.argv.slice(1);
    const server = net.createServer((c) => {
      let got = 0;
      c.on('data', (d) => (got += d.length));
      c.on('error', () => {});
      c.on('close', () => { process.stdout.write(got + '\\n'); server.close(); });
      c.write(Buffer.from(hex, 'hex'));
      setTimeout(() => c.destroy(), 3000);
    });
    server.listen(socket, () => { require('fs').chmodSync(socket, 0o666); process.stdout.write('listening\\n'); });
  `;
  const child = spawn(process.execPath, ['-e', script, socket, greeting.toString('hex')], { uid, gid: uid, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  expect(await firstLine(child)).toBe('listening');
  return {
    bytesReceived: async () => {
      await exited(child);
      return Number(out.split('\n')[1]);
    },
  };
}

/** A squatted /tmp fallback for VICTIM: TMPDIR/mlx5ctl-<victim>, made and owned by NOBODY. */
function squatFor(victim: number): { tmpdir: string; rundir: string; socket: string } {
  const tmpdir = tempDir('mlx5ctl-tmp-');
  fs.chmodSync(tmpdir, 0o1777);
  const rundir = path.join(tmpdir, `mlx5ctl-${victim}`);
  fs.mkdirSync(rundir);
  fs.chmodSync(rundir, 0o777);
  fs.chownSync(rundir, NOBODY, NOBODY);
  const socket = path.join(rundir, 'mlx5_core.ctl.0');
  const descriptor = formatDescriptor({ ctlName: 'mlx5_core.ctl.0', index: 0, parent: '0000:08:00.0', devlink: 'pci/0000:08:00.0', fwctl: 'fwctl0', backend: 'sim:cx7', brokerPid: 1, socket });
  fs.writeFileSync(`${socket}.uevent`, descriptor);
  fs.chownSync(`${socket}.uevent`, NOBODY, NOBODY);
  return { tmpdir, rundir, socket };
}

describe('the client trusts only a broker that may serve its run directory', () => {
  rootOnly("refuses a fake broker in a squatted /tmp fallback before sending it anything (the CLI)", async () => {
    const { tmpdir, rundir, socket } = squatFor(VICTIM);
    const fake = await fakeBroker(socket, NOBODY);
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: tmpdir };
    const r = await runCli(['0', 'info'], { uid: VICTIM, gid: VICTIM, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `refusing the broker at ${socket}: it runs as uid ${NOBODY}`,
    );
    expect(r.stderr).toContain(`but only uid 0, ${VICTIM} may serve ${rundir}; someone else may have created ${rundir} to impersonate mlx5ctld`);
    expect(r.stdout).not.toContain('UCTX UID');
    expect(await fake.bytesReceived()).toBe(0);
  });

  rootOnly('refuses it in C programs under the shim too (mlx5ctl wrap)', async () => {
    const { tmpdir, rundir, socket } = squatFor(VICTIM);
    const bin = tempDir('mlx5ctl-shimbin-');
    fs.chmodSync(bin, 0o755);
    execFileSync('cc', ['-O2', '-Wall', '-Werror', '-o', path.join(bin, 'info'), path.join(ROOT, 'test', 'shim', 'c', 'info.c')], { stdio: 'pipe' });
    const fake = await fakeBroker(socket, NOBODY);
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: tmpdir };
    const r = await runCli(['wrap', '--', path.join(bin, 'info')], { uid: VICTIM, gid: VICTIM, env });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`mlx5ctl shim: refusing the broker at ${socket}: it runs as uid ${NOBODY}, not root, you or the owner of ${rundir}`);
    expect(r.stdout).not.toContain('UCTX UID');
    expect(await fake.bytesReceived()).toBe(0);
  });

  rootOnly("refuses a listener that is neither root, itself nor the directory's owner (the library)", async () => {
    // A directory named explicitly (the socket's own), with a socket someone else serves.
    const rundir = tempDir('mlx5ctl-foreign-');
    fs.chmodSync(rundir, 0o1777);
    const socket = path.join(rundir, 'mlx5_core.ctl.0');
    const fake = await fakeBroker(socket, NOBODY);
    // The directory is root's, so root and VICTIM may serve it; NOBODY listens.
    const script = `
      const { Connection } = require(${JSON.stringify(path.join(ROOT, 'dist', 'src', 'client', 'connection.js'))});
      Connection.open(process.argv[1]).then(() => console.log('opened'), (e) => console.log(e.code + ' ' + e.message));
    `;
    const child = spawn(process.execPath, ['-e', script, socket], { uid: VICTIM, gid: VICTIM, stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await firstLine(child);
    expect(line).toContain(`EPERM refusing the broker at ${socket}: it runs as uid ${NOBODY}`);
    expect(await fake.bytesReceived()).toBe(0);
    await exited(child);
  });

  it('accepts its own broker through the same check', async () => {
    const broker = await startBroker();
    const c = await Connection.open(path.join(broker.rundir, 'mlx5_core.ctl.0'));
    expect(c.info.version).toBe(PROTOCOL_VERSION);
    c.close();
    await broker.stop();
  });
});
