/**
 * UMEM pages a hostile client tries to take back, fds it passes to make the broker fail, and the
 * audit of every UMEM refusal:
 *  - after registration, punching a hole in the memfd is EPERM (the broker sealed it with
 *    F_SEAL_FUTURE_WRITE): the device still writes into the client's pages and the client's own
 *    data stays (with SHRINK|GROW alone the punch succeeded and the broker mapped fresh zeros);
 *  - a hugetlbfs memfd is EINVAL, an O_PATH fd EBADF (it was an error-level handler_failed and
 *    EIO, so any client could forge "broker failure" events); both audited at warn;
 *  - UMEM_REG refused for scope (EPERM) and UMEM_UNREG of another session's id (ENOENT) are
 *    audited with their errno.
 */
import * as fs from 'fs';
import { native } from '../../src/addon';
import { Mlx5ctlClient } from '../../src/client/client';
import { coreDumpOnce, createUmemMkey } from '../../src/client/coredump';
import { UmemBuffer } from '../../src/client/umem';
import { Errno } from '../../src/uapi/errno';
import { MLX5CTL_IOCTL_UMEM_REG, mlx5ctlUmemReg } from '../../src/uapi/mlx5ctl';
import { encodeStruct } from '../../src/uapi/struct';
import { RunningBroker, startBroker, waitFor } from '../helpers/broker';
import { failures } from '../reliability/observe';
import { SELF, writePolicy } from './peers';

const PAGE = 4096;
const O_PATH = 0o10000000;
let broker: RunningBroker;
const open = (): Promise<Mlx5ctlClient> => Mlx5ctlClient.open('0', { rundir: broker.rundir });

beforeAll(async () => {
  broker = await startBroker();
});
afterAll(async () => {
  await broker.stop();
});

/** Waits for a `umem_refused` line matching `fields`, and returns it. */
async function refusal(fields: Record<string, unknown>): Promise<Record<string, unknown>> {
  const match = (): Record<string, unknown> | undefined =>
    broker.logs().find((l) => l.event === 'umem_refused' && Object.entries(fields).every(([k, v]) => l[k] === v));
  await waitFor(() => match() !== undefined, 5000, `umem_refused ${JSON.stringify(fields)}`);
  return match() as Record<string, unknown>;
}

const regRaw = (c: Mlx5ctlClient, fd: number, len = PAGE): Promise<Buffer> =>
  c.connection.call(MLX5CTL_IOCTL_UMEM_REG, [encodeStruct(mlx5ctlUmemReg, { addr: 0n, len: BigInt(len) })], [fd]);

describe('registered UMEM pages', () => {
  it('cannot be punched out by the client; device writes and client data both stay', async () => {
    const c = await open();
    const target = await createUmemMkey(c, 16 * PAGE);
    const buf = target.buffer;
    buf.write(15 * PAGE, Buffer.from('client data'));
    expect(() => native.punchHole(buf.fd, 15 * PAGE, PAGE)).toThrow(expect.objectContaining({ code: 'EPERM' }));
    expect(() => native.punchHole(buf.fd, 0, 16 * PAGE)).toThrow(expect.objectContaining({ code: 'EPERM' }));
    const dump = await coreDumpOnce(c, target, 4 * PAGE);
    expect(dump.size).toBe(4 * PAGE);
    // The device's write landed in the client's pages, through the client's own mapping.
    expect(buf.read(0, 4 * PAGE).equals(Buffer.alloc(4 * PAGE))).toBe(false);
    expect(buf.read(15 * PAGE, 11).toString()).toBe('client data');
    expect(fs.fstatSync(buf.fd).blocks * 512).toBe(16 * PAGE);
    await target.release();
    c.close();
    expect(failures(broker.logs())).toEqual([]);
  });

  it('refuses a hugetlbfs memfd with EINVAL and audits it at warn', async () => {
    const c = await open();
    const fd = native.memfdCreate('huge', true, true);
    native.ftruncate(fd, 2 * 1024 * 1024);
    native.addSeals(fd, native.sealBits().SHRINK | native.sealBits().GROW);
    await expect(regRaw(c, fd)).rejects.toMatchObject({ errno: Errno.EINVAL });
    expect(await refusal({ reason: 'hugetlbfs' })).toMatchObject({ level: 'warn', op: 'reg', errno: 'EINVAL' });
    native.close(fd);
    c.close();
  });

  it('answers an O_PATH fd with EBADF, a warn-level refusal and no broker failure', async () => {
    const c = await open();
    const buf = UmemBuffer.create(PAGE);
    const pathFd = fs.openSync(`/proc/self/fd/${buf.fd}`, O_PATH);
    await expect(regRaw(c, pathFd)).rejects.toMatchObject({ errno: Errno.EBADF });
    expect(await refusal({ reason: 'o_path' })).toMatchObject({ level: 'warn', op: 'reg', errno: 'EBADF' });
    expect(failures(broker.logs())).toEqual([]);
    fs.closeSync(pathFd);
    buf.close();
    c.close();
  });

  it("audits UMEM_UNREG of another session's id (ENOENT)", async () => {
    const a = await open();
    const b = await open();
    const buf = UmemBuffer.create(PAGE);
    const id = await a.umemReg(buf);
    await expect(b.umemUnreg(id)).rejects.toMatchObject({ errno: Errno.ENOENT });
    expect(await refusal({ op: 'unreg', umem_id: id })).toMatchObject({ level: 'warn', errno: 'ENOENT' });
    await a.umemUnreg(id);
    a.close();
    b.close();
    buf.close();
  });
});

describe('UMEM_REG below DEBUG_READ_ONLY', () => {
  it('is EPERM and audited', async () => {
    const configOnly = await startBroker(['--policy', writePolicy([{ uid: SELF, max_scope: 'CONFIGURATION' }])]);
    try {
      const c = await Mlx5ctlClient.open('0', { rundir: configOnly.rundir });
      const buf = UmemBuffer.create(PAGE);
      await expect(c.umemReg(buf)).rejects.toMatchObject({ errno: Errno.EPERM });
      const line = (): Record<string, unknown> | undefined => configOnly.logs().find((l) => l.event === 'umem_refused');
      await waitFor(() => line() !== undefined, 5000, 'umem_refused line');
      expect(line()).toMatchObject({ level: 'warn', op: 'reg', errno: 'EPERM', uid: SELF });
      buf.close();
      c.close();
    } finally {
      await configOnly.stop();
    }
  });
});
