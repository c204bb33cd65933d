import * as fs from 'fs';
import * as path from 'path';
import { native } from '../../src/addon';
import { Mlx5ctlClient } from '../../src/client/client';
import { createUmemMkey, runCommand } from '../../src/client/coredump';
import { UmemBuffer } from '../../src/client/umem';
import { newInbox, outboxStatus } from '../../src/fw/mailbox';
import { Opcode } from '../../src/fw/opcodes';
import { Errno } from '../../src/uapi/errno';
import { encodeFrame } from '../../src/uapi/frame';
import { setBits } from '../../src/uapi/ifc/bits';
import { MLX5CTL_IOCTL_UMEM_REG, mlx5ctlUmemReg } from '../../src/uapi/mlx5ctl';
import { encodeStruct } from '../../src/uapi/struct';
import { spawn } from 'child_process';
import { CLI_JS, RunningBroker, runCli, startBroker, waitFor } from '../helpers/broker';
import { RawClient } from '../helpers/raw_client';
import { tempDir } from '../helpers/sockets';

let broker: RunningBroker;
let admin: Mlx5ctlClient;
beforeAll(async () => {
  broker = await startBroker(['--max-session-pinned-mb', '8']);
  admin = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
});
afterAll(async () => {
  admin.close();
  await broker.stop();
});
const open = (): Promise<Mlx5ctlClient> => Mlx5ctlClient.open('0', { rundir: broker.rundir });

async function expectErrno(p: Promise<unknown>, errno: number): Promise<void> {
  await expect(p).rejects.toMatchObject({ errno });
}

async function settled(): Promise<void> {
  await waitFor(async () => {
    const s = await admin.status();
    return s.pinned_bytes === 0 && s.sessions.every((x) => x.objects === 0);
  }, 5000, 'everything released');
}

describe('UMEM registration', () => {
  it('pins a sealed memfd, accounts it, and unpins on unreg', async () => {
    const c = await open();
    const buf = UmemBuffer.create(3 * 4096 + 100);
    const id = await c.umemReg(buf, 100, 3 * 4096);
    expect(id).toBeGreaterThan(0);
    const status = await admin.status();
    expect(status.pinned_bytes).toBe(4 * 4096); // from page 0 through page 3
    expect(status.sessions.find((s) => s.umems === 1)?.pinned_bytes).toBe(4 * 4096);
    await c.umemUnreg(id);
    await expectErrno(c.umemUnreg(id), Errno.ENOENT);
    expect((await admin.status()).pinned_bytes).toBe(0);
    buf.close();
    c.close();
  });

  it('refuses what is not a sealed memfd, and bad ranges, with clear errnos', async () => {
    const c = await open();
    const dir = tempDir();
    const file = path.join(dir, 'plain');
    fs.writeFileSync(file, Buffer.alloc(8192));
    const regular = fs.openSync(file, 'r+');
    const unsealed = native.memfdCreate('unsealed', true);
    native.ftruncate(unsealed, 8192);
    const reg = (fd: number, addr: number, len: number, reserved = 0): Promise<Buffer> =>
      c.connection.call(MLX5CTL_IOCTL_UMEM_REG, [encodeStruct(mlx5ctlUmemReg, { addr: BigInt(addr), len: BigInt(len), reserved })], [fd]);
    const sealed = UmemBuffer.create(8192);
    await expectErrno(reg(regular, 0, 4096), Errno.EINVAL);
    await expectErrno(reg(unsealed, 0, 4096), Errno.EINVAL);
    await expectErrno(reg(sealed.fd, 0, 0), Errno.EINVAL);
    await expectErrno(reg(sealed.fd, 4096, 8192), Errno.EFAULT);
    await expectErrno(reg(sealed.fd, 0, 65 * 1024 * 1024), Errno.EINVAL);
    await expectErrno(reg(sealed.fd, 0, 4096, 1), Errno.EOPNOTSUPP);
    await expectErrno(c.connection.call(MLX5CTL_IOCTL_UMEM_REG, [encodeStruct(mlx5ctlUmemReg, { addr: 0n, len: 4096n })]), Errno.EBADF);
    const overflow = encodeStruct(mlx5ctlUmemReg, { addr: 0xfffffffffffff000n, len: 0x2000n });
    await expectErrno(c.connection.call(MLX5CTL_IOCTL_UMEM_REG, [overflow], [sealed.fd]), Errno.EINVAL);
    fs.closeSync(regular);
    native.close(unsealed);
    sealed.close();
    expect((await admin.status()).pinned_bytes).toBe(0);
    c.close();
  });

  it('refuses a registration over the session quota with ENOMEM', async () => {
    const c = await open();
    const big = UmemBuffer.create(6 * 1024 * 1024);
    const first = await c.umemReg(big);
    await expectErrno(c.umemReg(big), Errno.ENOMEM);
    await c.umemUnreg(first);
    big.close();
    c.close();
    await settled();
  });

  it('keeps sessions apart: another session cannot unregister or map my umem', async () => {
    const a = await open();
    const b = await open();
    const buf = UmemBuffer.create(8192);
    const id = await a.umemReg(buf);
    await expectErrno(b.umemUnreg(id), Errno.ENOENT);
    const pd = await runCommand(b, newInbox(Opcode.ALLOC_PD, 16), 16);
    const mk = newInbox(Opcode.CREATE_MKEY, 0x110);
    setBits(mk, 0x61, 1, 1);
    setBits(mk, 0x80 + 0x16, 2, 1);
    setBits(mk, 0x80 + 0x68, 24, pd.readUInt32BE(8) & 0xffffff);
    mk.writeBigUInt64BE(4096n, 0x28);
    setBits(mk, 0x320, 32, id);
    expect(outboxStatus(await b.cmdrpc(mk, 16))).not.toBe(0);
    a.close();
    b.close();
    buf.close();
    await settled();
  });

  it('frees PD, MKEY and UMEM (in that reverse order) when a client disappears', async () => {
    const c = await open();
    const target = await createUmemMkey(c, 64 * 1024);
    const mine = (await admin.status()).sessions.find((s) => s.umems === 1);
    expect(mine?.objects).toBe(3);
    expect(mine?.pinned_bytes).toBe(64 * 1024);
    c.connection.destroy();
    target.buffer.close();
    await settled();
    const released = broker.logs().filter((l) => l.event === 'object_release_failed');
    expect(released).toEqual([]);
  });

  it('unreg of a umem still under an mkey is EBUSY and leaves it registered', async () => {
    const c = await open();
    const target = await createUmemMkey(c, 8192);
    await expectErrno(c.umemUnreg(target.umemId), Errno.EBUSY);
    await target.release();
    expect((await admin.status()).pinned_bytes).toBe(0);
    c.close();
  });

  it('closes fds that arrive with frames that take none', async () => {
    const raw = new RawClient(path.join(broker.rundir, 'mlx5_core.ctl.0'));
    await raw.waitFrames(1);
    const before = fs.readdirSync(`/proc/${broker.proc.pid}/fd`).length;
    const memfds = [0, 1, 2].map(() => native.memfdCreate('stray', true));
    raw.send(encodeFrame(0x80105c00, 1, 0, Buffer.alloc(16)), memfds);
    await raw.waitFrames(2);
    expect(fs.readdirSync(`/proc/${broker.proc.pid}/fd`).length).toBe(before);
    for (const fd of memfds) native.close(fd);
    raw.destroy();
  });

  it('coredump --umem=2048 returns a ~2 MB dump in one firmware RPC and leaves nothing pinned', async () => {
    const before = broker.logs().filter((l) => l.event === 'rpc' && l.opcode_name === 'ACCESS_REG').length;
    const out = path.join(tempDir(), 'core.bin');
    const r = await runCli(['--rundir', broker.rundir, '0', 'coredump', '--umem=2048', '-o', out, '-j']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout) as { size: number; rpcs: number; more_dump: number };
    expect(info).toMatchObject({ rpcs: 1, more_dump: 0 });
    expect(info.size).toBeGreaterThan(1_900_000);
    const dump = fs.readFileSync(out);
    expect(dump.length).toBe(info.size);
    expect(dump.subarray(0, 8).toString('latin1')).toBe('MLX5CRDP');
    // The header says the dump comes from a simulated device, so a copy cannot pass for a real one.
    expect(dump.subarray(40, 64).toString('latin1').replace(/\0+$/, '')).toBe('SIMULATED ConnectX-7');
    await waitFor(() => broker.logs().filter((l) => l.event === 'rpc' && l.opcode_name === 'ACCESS_REG').length > before, 5000, 'audit');
    expect(broker.logs().filter((l) => l.event === 'rpc' && l.opcode_name === 'ACCESS_REG').length - before).toBe(1);
    await settled();
  });

  it('prints the upstream INFO lines after the hexdump', async () => {
    const r = await runCli(['--rundir', broker.rundir, '0', 'coredump', '--umem=2048']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^4d 4c 58 35 43 52 44 50 /);
    expect(r.stdout).toMatch(/\nINFO : Core dump done\nINFO : Core dump size \d+\nINFO : Core dump address 0x0\nINFO : Core dump cookie 0x[0-9a-f]+\nINFO : More Dump 0\n$/);
    const noUmem = await runCli(['--rundir', broker.rundir, '0', 'coredump']);
    expect(noUmem.code).toBe(1);
    expect(noUmem.stderr).toContain('umem mode');
  });

  it('continues by cookie when the umem is smaller than the dump', async () => {
    const r = await runCli(['--rundir', broker.rundir, '0', 'coredump', '--umem=512', '-j']);
    const info = JSON.parse(r.stdout) as { size: number; rpcs: number; more_dump: number };
    expect(info.rpcs).toBe(4);
    expect(info.size).toBeGreaterThan(1_900_000);
    await settled();
  });

  it('leaves no pinned bytes or objects when clients are killed mid-dump', async () => {
    for (let i = 0; i < 12; i++) {
      const child = spawn(process.execPath, [CLI_JS, '--rundir', broker.rundir, '0', 'coredump', '--umem=2048', '-o', '/dev/null'], { stdio: 'ignore' });
      const exited = new Promise((r) => child.on('exit', r));
      await new Promise((r) => setTimeout(r, 40 + i * 15));
      child.kill('SIGKILL');
      await exited;
    }
    await settled();
    const status = await admin.status();
    expect(status.sessions).toHaveLength(1);
    expect(status.pinned_bytes).toBe(0);
  });

  it('continues a resource dump in mkey mode when the requested size is smaller than the dump', async () => {
    const c = await open();
    const target = await createUmemMkey(c, 4096);
    const request = Buffer.alloc(256);
    setBits(request, 0x10, 16, 0xffff); // segment_type: the menu
    setBits(request, 0x100, 32, target.mkey); // mkey
    setBits(request, 0x120, 32, 1000); // size: less than the 2388-byte menu
    const parts: Buffer[] = [];
    for (let round = 0; round < 10; round++) {
      const inbox = newInbox(Opcode.ACCESS_REG, 16 + 256, 1);
      setBits(inbox, 0x50, 16, 0xc000);
      request.copy(inbox, 16);
      const reply = (await runCommand(c, inbox, 16 + 256)).subarray(16);
      const size = reply.readUInt32BE(0x24);
      parts.push(target.buffer.read(0, size));
      if ((reply[0] & 0x80) === 0) break;
      setBits(request, 0x00, 1, 1);
      setBits(request, 0x0c, 4, reply.readUInt8(1) & 0x0f);
      reply.copy(request, 0x18, 0x18, 0x20); // device_opaque
    }
    const dump = Buffer.concat(parts);
    expect(parts.map((p) => p.length)).toEqual([1000, 1000, 388]);
    expect(dump.length).toBe(2388);
    // Info segment header {length_dw, type}: 4 dwords, 0xfffe.
    expect([dump.readUInt16BE(0), dump.readUInt16BE(2)]).toEqual([4, 0xfffe]);
    await target.release();
    c.close();
    await settled();
  });
});
