import * as fs from 'fs';
import * as path from 'path';
import { spawn } from 'child_process';
import { Mlx5ctlClient } from '../../src/client/client';
import { MLX5CTLD_OPEN } from '../../src/uapi/control';
import { Errno } from '../../src/uapi/errno';
import { encodeFrame } from '../../src/uapi/frame';
import { FWCTL_INFO, fwctlInfo } from '../../src/uapi/fwctl';
import { MLX5CTL_IOCTL_INFO } from '../../src/uapi/mlx5ctl';
import { encodeStruct } from '../../src/uapi/struct';
import { CLI_JS, RunningBroker, startBroker, waitFor } from '../helpers/broker';
import { Bytes, handFrame } from '../helpers/bytes';
import { RawClient } from '../helpers/raw_client';

let broker: RunningBroker;
const socket = (): string => path.join(broker.rundir, 'mlx5_core.ctl.0');
const open = (): Promise<Mlx5ctlClient> => Mlx5ctlClient.open('mlx5_core.ctl.0', { rundir: broker.rundir });

// One long-lived admin session, so status queries never take (and hide) a freed UID themselves.
let admin: Mlx5ctlClient;
beforeAll(async () => {
  broker = await startBroker();
  admin = await open();
});
afterAll(async () => {
  admin.close();
  await broker.stop();
});

const statusOf = (): ReturnType<Mlx5ctlClient['status']> => admin.status();

describe('sessions and firmware UIDs', () => {
  it('gives two concurrent sessions distinct UIDs and reports both in INFO and FWCTL_INFO', async () => {
    const a = await open();
    const b = await open();
    const [ia, ib] = [await a.info(), await b.info()];
    expect(ia.uctxUid).toBeGreaterThan(0);
    expect(ib.uctxUid).toBeGreaterThan(0);
    expect(ia.uctxUid).not.toBe(ib.uctxUid);
    expect(ia.devUctxCap).toBe(0x7);
    // The UID gets TOOLS_RESOURCES only, as the upstream mlx5 fwctl driver grants, root or not.
    expect([ia.uctxCap, ib.uctxCap]).toEqual([0x4, 0x4]);
    const fa = await a.fwctlInfo();
    expect(fa).toEqual({ deviceType: 1, deviceDataLen: 8, uid: ia.uctxUid, uctxCaps: ia.uctxCap });
    a.close();
    b.close();
  });

  it('frees the UID when the session closes', async () => {
    const a = await open();
    const uid = (await a.info()).uctxUid;
    a.close();
    await waitFor(async () => !(await statusOf()).sessions.some((s) => s.fw_uid === uid), 5000, 'uid release');
    const b = await open();
    try {
      // The firmware hands out the lowest free UID: the freed one, or a lower one that another
      // test's session gave back meanwhile — never a higher one.
      expect((await b.info()).uctxUid).toBeLessThanOrEqual(uid);
    } finally {
      b.close();
    }
  });

  it('frees the UID of a client killed with SIGKILL', async () => {
    const child = spawn(process.execPath, [CLI_JS, '--rundir', broker.rundir, 'mlx5_core.ctl.0', 'sleep', '60', 'info'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => out.includes('UCTX UID:'), 10000, 'child session');
    const uid = Number(/UCTX UID: (\d+)/.exec(out)?.[1]);
    expect((await statusOf()).sessions.some((s) => s.pid === child.pid && s.fw_uid === uid)).toBe(true);
    child.kill('SIGKILL');
    await waitFor(async () => !(await statusOf()).sessions.some((s) => s.pid === child.pid), 5000, 'killed client release');
    // status stops listing a session when its release starts; the log line follows when it ends
    // (log lines are written once per event-loop turn).
    const released = (): Record<string, unknown>[] => broker.logs().filter((l) => l.event === 'session_released' && l.pid === child.pid);
    await waitFor(() => released().length > 0, 5000, 'session_released line');
    const logs = released();
    expect(logs).toHaveLength(1);
    expect(logs[0].fw_uid).toBe(uid);
  });

  it('answers ENOTTY for an unknown ioctl and keeps the session', async () => {
    const raw = new RawClient(socket());
    await raw.waitFrames(1);
    expect(raw.frames[0]).toMatchObject({ cmd: MLX5CTLD_OPEN, result: 0 });
    raw.send(handFrame(0xdead0001, 5, 0, []));
    raw.send(encodeFrame(MLX5CTL_IOCTL_INFO, 6, 0, Buffer.alloc(16)));
    const frames = await raw.waitFrames(3);
    expect(frames[1]).toMatchObject({ seq: 5, result: -Errno.ENOTTY });
    expect(frames[2]).toMatchObject({ seq: 6, result: 0 });
    raw.destroy();
  });

  it('applies the fwctl size rules to FWCTL_INFO', async () => {
    const raw = new RawClient(socket());
    await raw.waitFrames(1);
    raw.send(encodeFrame(FWCTL_INFO, 1, 0, new Bytes().u32le(8).zeros(4).build()));
    const dirty = Buffer.concat([encodeStruct(fwctlInfo, { size: 32, device_data_len: 8 }, 32)]);
    dirty[31] = 1;
    raw.send(encodeFrame(FWCTL_INFO, 2, 0, dirty));
    raw.send(encodeFrame(FWCTL_INFO, 3, 0, encodeStruct(fwctlInfo, { size: 24, flags: 1 })));
    raw.send(encodeFrame(FWCTL_INFO, 4, 0, encodeStruct(fwctlInfo, { size: 32, device_data_len: 4 }, 32)));
    raw.send(encodeFrame(FWCTL_INFO, 5, 0, new Bytes().u32le(64).build()));
    const f = await raw.waitFrames(6);
    expect(f.slice(1).map((x) => x.result)).toEqual([-Errno.EINVAL, -Errno.E2BIG, -Errno.EOPNOTSUPP, 0, -Errno.EFAULT]);
    // A caller with a 4-byte buffer gets 4 bytes of the blob; device_data_len says 8 exist.
    expect(f[4].body.length).toBe(32 + 4);
    expect(f[4].body.readUInt32LE(12)).toBe(8);
    raw.destroy();
  });

  it('closes a connection that sends a corrupt header, while another session is served', async () => {
    const good = await open();
    const bad = new RawClient(socket());
    await bad.waitFrames(1);
    bad.send(new Bytes().u32le(3).u32le(0).u32le(0).u32le(0).build());
    await bad.waitClosed();
    expect(bad.frames[1]).toMatchObject({ seq: 0, result: -Errno.EINVAL });
    const huge = new RawClient(socket());
    await huge.waitFrames(1);
    huge.send(new Bytes().u32le(0x7fffffff).u32le(MLX5CTL_IOCTL_INFO).u32le(1).u32le(0).build());
    await huge.waitClosed();
    expect(huge.frames[1]).toMatchObject({ result: -Errno.EMSGSIZE });
    expect((await good.info()).uctxUid).toBeGreaterThan(0);
    good.close();
  });

  it('releases a session whose client dies mid-frame, and survives random garbage', async () => {
    // Only the admin session should survive: earlier tests' sessions may still be releasing.
    const before = 1;
    const partial = new RawClient(socket());
    await partial.waitFrames(1);
    partial.send(encodeFrame(MLX5CTL_IOCTL_INFO, 1, 0, Buffer.alloc(16)).subarray(0, 20));
    partial.destroy();
    for (let i = 0; i < 20; i++) {
      const g = new RawClient(socket());
      const junk = Buffer.alloc(64 + i * 13);
      for (let j = 0; j < junk.length; j++) junk[j] = (j * 131 + i * 17) & 0xff;
      g.send(junk);
      g.destroy();
    }
    await waitFor(async () => (await statusOf()).sessions.length === before, 5000, 'garbage sessions released').catch(async (err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify((await statusOf()).sessions)}`);
    });
    const c = await open();
    expect((await c.info()).uctxUid).toBeGreaterThan(0);
    c.close();
  });

  it('logs JSON lines for every session', async () => {
    const wanted = ['device_ready', 'ready', 'session_open', 'session_released', 'protocol_error'];
    const events = (): Set<unknown> => new Set(broker.logs().map((l) => l.event));
    await waitFor(() => wanted.every((e) => events().has(e)), 5000, 'log lines');
    for (const e of wanted) expect(events()).toContain(e);
  });
});

describe('authorization at open', () => {
  const asNobody = process.getuid?.() === 0;

  it('refuses a peer outside the policy with EACCES', async () => {
    if (!asNobody) {
      // Without root the test cannot change uid; the socket's 0660 mode is what refuses others.
      expect(fs.statSync(socket()).mode & 0o777).toBe(0o660);
      return;
    }
    fs.chmodSync(broker.rundir, 0o755);
    fs.chmodSync(socket(), 0o666);
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [CLI_JS, '--rundir', broker.rundir, 'mlx5_core.ctl.0'], { uid: 65534, gid: 65534, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('exit', (code) => resolve({ code, stderr }));
    });
    fs.chmodSync(socket(), 0o660);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Permission denied');
    await waitFor(() => broker.logs().some((l) => l.event === 'open_refused' && l.uid === 65534), 5000, 'open_refused line');
  });
});
