/**
 * Exhaustion: each limit answers with a clear errno and the broker stays responsive to others.
 *  - sessions per uid (EMFILE at open, per uid, freed on close);
 *  - pinned bytes per session and in all (ENOMEM), and UMEM registrations per session (ENOMEM:
 *    each is a mapping, and the broker once died of too many);
 *  - huge lengths and counts in every size field (EINVAL / EMSGSIZE / E2BIG / EFAULT, or a
 *    hang-up for a frame header past the frame limit); fds a frame cannot use closed on arrival;
 *  - thousands of pipelined requests (reading pauses; others are still served);
 *  - a client that never reads its 2 MiB replies (the broker stops working for it instead of
 *    queueing replies until it runs out of memory).
 */
import * as path from 'path';
import { native } from '../../src/addon';
import { Mlx5ctlClient } from '../../src/client/client';
import { UmemBuffer } from '../../src/client/umem';
import { newInbox, outboxStatus } from '../../src/fw/mailbox';
import { Opcode } from '../../src/fw/opcodes';
import { Channel } from '../../src/transport/channel';
import { MLX5CTLD_CRSPACE, MLX5CTLD_DEVLINK, mlx5ctldMsg } from '../../src/uapi/control';
import { Errno } from '../../src/uapi/errno';
import { encodeFrame, Frame, MAX_FRAME_SIZE, MAX_PENDING_FDS } from '../../src/uapi/frame';
import { FWCTL_RPC, fwctlRpc } from '../../src/uapi/fwctl';
import { MLX5CTL_IOCTL_CMDRPC, MLX5CTL_IOCTL_UMEM_REG, mlx5ctlCmdrpc, mlx5ctlUmemReg } from '../../src/uapi/mlx5ctl';
import { encodeStruct } from '../../src/uapi/struct';
import { encodeControl } from '../../src/uapi/message';
import { RunningBroker, startBroker, waitFor } from '../helpers/broker';
import { RawClient } from '../helpers/raw_client';
import { exposeSocket, holdAs, isRoot, NOBODY, SELF, writePolicy } from '../security/peers';
import { failures, fdCount, GoodSession, rssKb } from './observe';

const MB = 1024 * 1024;
let broker: RunningBroker;
let admin: Mlx5ctlClient;
const open = (): Promise<Mlx5ctlClient> => Mlx5ctlClient.open('0', { rundir: broker.rundir });
const socket = (): string => path.join(broker.rundir, 'mlx5_core.ctl.0');

beforeAll(async () => {
  const policy = writePolicy([{ uid: SELF, max_scope: 'DEBUG_WRITE_FULL' }, { uid: NOBODY, max_scope: 'DEBUG_READ_ONLY' }]);
  broker = await startBroker(['--policy', policy, '--max-sessions-per-uid', '6', '--max-session-pinned-mb', '4', '--max-pinned-mb', '6']);
  exposeSocket(broker.rundir);
  admin = await open();
});

afterAll(async () => {
  admin.close();
  await broker.stop();
  expect(failures(broker.logs())).toEqual([]);
});

/** Waits until only the admin session and `extra` others are open, with nothing pinned. */
async function settledBut(extra: number): Promise<void> {
  await waitFor(async () => {
    const s = await admin.status();
    return s.sessions.length === 1 + extra && s.releasing === 0 && s.pinned_bytes === 0;
  }, 10000, 'everything released');
}

const settled = (): Promise<void> => settledBut(0);

describe('sessions per uid', () => {
  it('refuses the next open of a uid at its limit with EMFILE, audits it, and frees the slot on close', async () => {
    const more = await Promise.all([1, 2, 3, 4, 5].map(() => open())); // admin + 5 = 6
    await expect(open()).rejects.toMatchObject({ code: 'EMFILE' });
    // The log is written in batches: wait for the line rather than race it.
    const refusedLines = (): Record<string, unknown>[] => broker.logs().filter((l) => l.event === 'open_refused' && l.reason === 'sessions_per_uid');
    await waitFor(() => refusedLines().length > 0, 5000, 'open_refused line');
    expect(refusedLines()[0]).toMatchObject({ uid: SELF, errno: 'EMFILE', limit: 6 });
    if (isRoot) {
      // The limit is per uid: another user still gets in.
      const other = await holdAs(broker.rundir, NOBODY);
      expect(other.result).toMatchObject({ ok: true, maxScope: 1 });
      await other.kill();
    }
    more[0].close();
    await waitFor(async () => (await admin.status()).sessions.length === 5, 5000, 'slot freed');
    const again = await open();
    expect((await again.info()).uctxUid).toBeGreaterThan(0);
    for (const c of [again, ...more.slice(1)]) c.close();
    await settled();
  });
});

describe('pinned memory', () => {
  it('holds the per-session and global byte quotas with ENOMEM, and gives them back', async () => {
    const a = await open();
    const b = await open();
    // Small quotas: an ordinary user's broker may lock only RLIMIT_MEMLOCK (often 8 MiB) in all.
    const buf = UmemBuffer.create(4 * MB);
    const big = await a.umemReg(buf, 0, 4 * MB);
    await expect(a.umemReg(buf, 0, 4096)).rejects.toMatchObject({ errno: Errno.ENOMEM }); // session: 4 MB
    await b.umemReg(buf, 0, 2 * MB);
    await expect(b.umemReg(buf, 0, 4096)).rejects.toMatchObject({ errno: Errno.ENOMEM }); // global: 6 MB
    expect((await admin.status()).pinned_bytes).toBe(6 * MB);
    await a.umemUnreg(big);
    await b.umemReg(buf, 0, 4096);
    a.close();
    b.close();
    buf.close();
    await settled();
  });

  it('caps UMEM registrations per session (each is a mapping in the broker) with ENOMEM', async () => {
    const c = await open();
    const buf = UmemBuffer.create(4096);
    let ok = 0;
    let refused = 0;
    for (let i = 0; i < 1100; i += 50) {
      const results = await Promise.allSettled(Array.from({ length: 50 }, () => c.umemReg(buf, 0, 16)));
      for (const r of results) {
        if (r.status === 'fulfilled') ok++;
        else if ((r.reason as { errno?: number }).errno === Errno.ENOMEM) refused++;
      }
    }
    expect(ok).toBe(1024);
    expect(refused).toBe(1100 - 1024);
    c.close();
    buf.close();
    await settled();
  });
});

describe('huge lengths and counts', () => {
  it('answers every oversized field with its errno and keeps the session', async () => {
    const raw = new RawClient(socket());
    await raw.waitFrames(1);
    const inbox = newInbox(Opcode.QUERY_HCA_CAP, 16, 1);
    const fwctl = (inLen: number, outLen: number): Buffer => encodeStruct(fwctlRpc, { size: 32, scope: 1, in_len: inLen, out_len: outLen });
    const cases: [string, number, Buffer[], number, number[]?][] = [
      ['fwctl in_len 2 MiB + 1', FWCTL_RPC, [fwctl(2 * MB + 1, 16), inbox], Errno.EMSGSIZE],
      ['fwctl out_len 4 GiB - 1', FWCTL_RPC, [fwctl(16, 0xffffffff), inbox], Errno.EMSGSIZE],
      ['fwctl size 4 GiB - 1', FWCTL_RPC, [Buffer.from([0xff, 0xff, 0xff, 0xff]), inbox], Errno.E2BIG],
      ['fwctl in_len past the payload', FWCTL_RPC, [fwctl(4096, 16), inbox], Errno.EFAULT],
      ['cmdrpc inlen 256 KiB + 1', MLX5CTL_IOCTL_CMDRPC, [encodeStruct(mlx5ctlCmdrpc, { inlen: 262145, outlen: 16 }), inbox], Errno.EINVAL],
      ['cmdrpc outlen 4 GiB - 1', MLX5CTL_IOCTL_CMDRPC, [encodeStruct(mlx5ctlCmdrpc, { inlen: 16, outlen: 0xffffffff }), inbox], Errno.EINVAL],
      ['umem len 2^63', MLX5CTL_IOCTL_UMEM_REG, [encodeStruct(mlx5ctlUmemReg, { addr: 0n, len: 1n << 63n })], Errno.EINVAL, [native.memfdCreate('x', true)]],
      ['umem addr+len wraps', MLX5CTL_IOCTL_UMEM_REG, [encodeStruct(mlx5ctlUmemReg, { addr: (1n << 64n) - 4096n, len: 8192n })], Errno.EINVAL, [native.memfdCreate('x', true)]],
      ['control json_len 4 GiB - 1', MLX5CTLD_DEVLINK, [encodeStruct(mlx5ctldMsg, { json_len: 0xffffffff })], Errno.EMSGSIZE],
      ['crspace 65537 dwords', MLX5CTLD_CRSPACE, [encodeControl({ addr: 0, dwords: 65537 })], Errno.EINVAL],
      ['crspace 2000 ranges, 80000 dwords', MLX5CTLD_CRSPACE, [encodeControl({ ranges: Array.from({ length: 2000 }, () => ({ addr: 0, dwords: 40 })) })], Errno.EINVAL],
      ['control JSON over 64 KiB', MLX5CTLD_CRSPACE, [encodeControl({ ranges: Array.from({ length: 4097 }, () => ({ addr: 0, dwords: 1 })) })], Errno.EMSGSIZE],
    ];
    cases.forEach(([, cmd, parts, , fds], i) => raw.send(encodeFrame(cmd, i + 1, 0, ...parts), fds));
    let frames: Frame[];
    try {
      frames = await raw.waitFrames(cases.length + 1);
    } finally {
      raw.destroy();
    }
    const got = frames.slice(1).map((f, i) => [cases[i][0], -f.result]);
    expect(got).toEqual(cases.map(([name, , , errno]) => [name, errno]));
    for (const [, , , , fds] of cases) for (const fd of fds ?? []) native.close(fd);
    // A devlink region read of 4 GiB is answered one window at a time, not allocated at once.
    const c = await open();
    const { json } = await c.control(MLX5CTLD_DEVLINK, { method: 'regionRead', body: { handle: 'pci/0000:08:00.0', region: 'cr-space', snapshot: 0, address: 0, length: 0xffffffff } });
    expect(JSON.stringify(json).length).toBeLessThan(4096);
    c.close();
    await settled();
  });

  it('hangs up on a frame header past the frame limit', async () => {
    const huge = new RawClient(socket());
    await huge.waitFrames(1);
    huge.send(encodeFrame(FWCTL_RPC, 1, 0).fill(0xff, 0, 4).subarray(0, 16));
    await huge.waitClosed();
    expect(huge.frames[1]).toMatchObject({ seq: 0, result: -Errno.EMSGSIZE });
    expect(MAX_FRAME_SIZE).toBeLessThan(0xffffffff);
    await settled();
  });

  it('closes the fds a trickled frame cannot use as they arrive, and still answers the frame', async () => {
    const pid = broker.proc.pid ?? 0;
    await settled();
    const before = fdCount(pid);
    // A long frame trickled a byte at a time, 16 fds on every byte: 20 bytes bring 320 fds, far
    // past MAX_PENDING_FDS. Until its header is in, the frame may keep what any frame takes (one
    // fd); once the header says CMDRPC, none. The broker once held them all until it hung up.
    const trickle = new RawClient(socket());
    await trickle.waitFrames(1);
    const fds = Array.from({ length: 16 }, () => native.memfdCreate('trickle', true));
    const frame = encodeFrame(MLX5CTL_IOCTL_CMDRPC, 1, 0, Buffer.alloc(1024));
    const TRICKLED = 20;
    expect(TRICKLED * fds.length).toBeGreaterThan(MAX_PENDING_FDS);
    let most = 0;
    for (let i = 0; i < TRICKLED; i++) {
      trickle.send(frame.subarray(i, i + 1), fds);
      await new Promise((r) => setTimeout(r, 5));
      most = Math.max(most, fdCount(pid) - before);
    }
    await waitFor(() => fdCount(pid) - before === 1, 5000, 'only the session socket held');
    // The session's socket, and for a moment one fd of the frame whose header was incomplete.
    expect(most).toBeLessThanOrEqual(2);
    trickle.send(frame.subarray(TRICKLED));
    const frames = await trickle.waitFrames(2);
    expect(trickle.closed).toBe(false);
    expect(frames[1]).toMatchObject({ seq: 1, result: -Errno.EINVAL }); // inlen 0
    trickle.destroy();
    for (const fd of fds) native.close(fd);
    await waitFor(() => fdCount(pid) === before, 5000, 'session fds closed');
    await settled();
  });
});

describe('in-flight requests', () => {
  it('serves 5000 pipelined requests in order while another session stays responsive', async () => {
    const goodClient = await open();
    const good = new GoodSession(goodClient);
    await good.start();
    const flood = new RawClient(socket());
    await flood.waitFrames(1);
    const inbox = newInbox(Opcode.QUERY_HCA_CAP, 16, 1);
    const arg = encodeStruct(mlx5ctlCmdrpc, { inlen: 16, outlen: 0x1010 });
    const N = 5000;
    for (let i = 1; i <= N; i++) flood.send(encodeFrame(MLX5CTL_IOCTL_CMDRPC, i, 0, arg, inbox));
    const frames = await flood.waitFrames(N + 1, 60000);
    const result = await good.stop();
    expect(frames.slice(1).map((f) => f.seq)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(frames.slice(1).every((f) => f.result === 0 && outboxStatus(f.body.subarray(24)) === 0)).toBe(true);
    expect(result.problems).toEqual([]);
    expect(result.answered).toBeGreaterThan(0);
    flood.destroy();
    goodClient.close();
    await settled();
  });

  it('stops working for a client that does not read its replies, instead of queueing them', async () => {
    const pid = broker.proc.pid ?? 0;
    const goodClient = await open();
    const good = new GoodSession(goodClient);
    await good.start();
    const rssBefore = rssKb(pid);
    const fd = native.connect(socket());
    const inbox = newInbox(Opcode.QUERY_HCA_CAP, 16, 1);
    const frame = encodeFrame(FWCTL_RPC, 1, 0, encodeStruct(fwctlRpc, { size: 32, scope: 1, in_len: 16, out_len: 2 * MB }), inbox);
    let sent = 0;
    // Until the socket is full: the broker reads only while it has work it may do.
    for (let i = 0; i < 2000; i++) {
      if (native.sendMsg(fd, frame, 0, frame.length) === null) break;
      sent++;
    }
    await new Promise((r) => setTimeout(r, 1000));
    const grownMb = (rssKb(pid) - rssBefore) / 1024;
    // Unbounded, this was ~2 MiB per request sent (over 500 MB); now the reply queue's 4 MiB,
    // the request bytes in flight and one reply being built.
    expect(grownMb).toBeLessThan(64);
    // Once the client reads, every request is answered.
    let replies = 0;
    const drained = new Promise<void>((resolve) => {
      const ch = new Channel(fd, {
        onFrame: (f: Frame) => {
          if (f.seq === 1 && f.result === 0) replies++;
          if (replies === sent) {
            ch.destroy();
            resolve();
          }
        },
        onProtocolError: () => undefined,
        onClose: () => resolve(),
      });
    });
    await drained;
    expect(replies).toBe(sent);
    const result = await good.stop();
    expect(result.problems).toEqual([]);
    goodClient.close();
    await settled();
    process.stdout.write(`non-reading client: ${sent} requests of 2 MiB replies, broker RSS +${grownMb.toFixed(1)} MB\n`);
  });
});
