/**
 * Every refused request leaves exactly one audit line at warn with its errno: the handler's own
 * record where it has one (rpc, devlink), else the dispatcher's `ioctl` line (session, pid, uid,
 * cmd and its name, errno) — for a broker operation above the peer's scope (EPERM), an unknown
 * ioctl (ENOTTY), an argument struct the frame cannot hold (E2BIG before any handler runs) and a
 * malformed control message (EINVAL). The peer is allowed DEBUG_READ_ONLY.
 */
import { Mlx5ctlClient } from '../../src/client/client';
import { newInbox } from '../../src/fw/mailbox';
import { Opcode } from '../../src/fw/opcodes';
import { MLX5CTLD_ADMIN, MLX5CTLD_DEVLINK } from '../../src/uapi/control';
import { Errno } from '../../src/uapi/errno';
import { FWCTL_RPC } from '../../src/uapi/fwctl';
import { encodeControl } from '../../src/uapi/message';
import { MLX5CTL_IOCTL_CMDRPC, mlx5ctlCmdrpc } from '../../src/uapi/mlx5ctl';
import { encodeStruct } from '../../src/uapi/struct';
import { RunningBroker, startBroker, waitFor } from '../helpers/broker';
import { SELF, writePolicy } from './peers';

const DEV = 'pci/0000:08:00.0';
const UNKNOWN_IOCTL = 0xd5ee;

let broker: RunningBroker;
let c: Mlx5ctlClient;
let session: unknown;
beforeAll(async () => {
  broker = await startBroker(['--policy', writePolicy([{ uid: SELF, max_scope: 'DEBUG_READ_ONLY' }])]);
  c = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
  await waitFor(() => broker.logs().some((l) => l.event === 'session_open'), 5000, 'session_open');
  session = broker.logs().find((l) => l.event === 'session_open')?.session;
});
afterAll(async () => {
  c.close();
  await broker.stop();
});

/**
 * Sends one frame and returns its result and the session's log lines it produced: everything
 * between the previous marker and a marker request (a devlink healthShow, audited `ok`) sent
 * right after it on the same session, which runs requests in order.
 */
async function linesOf(cmd: number, parts: Buffer[]): Promise<{ errno: number; lines: Record<string, unknown>[] }> {
  const marker = (l: Record<string, unknown>): boolean => l.event === 'devlink' && l.method === 'healthShow' && l.session === session;
  const start = broker.logs().length;
  const reply = await c.connection.request(cmd, parts);
  await c.connection.request(MLX5CTLD_DEVLINK, [encodeControl({ method: 'healthShow', body: {} })]);
  await waitFor(() => broker.logs().slice(start).some(marker), 5000, 'the marker line');
  const after = broker.logs().slice(start);
  const lines = after.slice(0, after.findIndex(marker)).filter((l) => l.session === session);
  return { errno: reply.result === 0 ? 0 : -reply.result, lines };
}

const ioctlLine = (cmdName: string, result: string): Record<string, unknown> => ({
  level: 'warn', event: 'ioctl', session, uid: SELF, pid: process.pid, cmd_name: cmdName, result,
});

describe('refusal audit', () => {
  it('ADMIN status above the peer\'s scope: one warn line with EPERM', async () => {
    const { errno, lines } = await linesOf(MLX5CTLD_ADMIN, [encodeControl({ op: 'status' })]);
    expect(errno).toBe(Errno.EPERM);
    expect(lines).toEqual([expect.objectContaining({ ...ioctlLine('MLX5CTLD_ADMIN', 'EPERM'), cmd: '0xc008d501' })]);
  });

  it('an unknown ioctl: one warn line with ENOTTY', async () => {
    const { errno, lines } = await linesOf(UNKNOWN_IOCTL, [Buffer.alloc(8)]);
    expect(errno).toBe(Errno.ENOTTY);
    expect(lines).toEqual([expect.objectContaining({ ...ioctlLine('unknown', 'ENOTTY'), cmd: '0xd5ee' })]);
  });

  it('an argument struct larger than any the broker reads: one warn line with E2BIG', async () => {
    const arg = Buffer.alloc(8);
    arg.writeUInt32LE(1 << 20, 0);
    const { errno, lines } = await linesOf(FWCTL_RPC, [arg]);
    expect(errno).toBe(Errno.E2BIG);
    expect(lines).toEqual([expect.objectContaining(ioctlLine('FWCTL_RPC', 'E2BIG'))]);
  });

  it('a malformed devlink request: one warn line with EINVAL', async () => {
    const { errno, lines } = await linesOf(MLX5CTLD_DEVLINK, [encodeControl({ verb: 'show' })]);
    expect(errno).toBe(Errno.EINVAL);
    expect(lines).toEqual([expect.objectContaining(ioctlLine('MLX5CTLD_DEVLINK', 'EINVAL'))]);
  });

  it('keeps the handler\'s own record as the only line: a refused RPC, a refused devlink write', async () => {
    const box = newInbox(Opcode.CREATE_UMEM, 0x40);
    const rpc = await linesOf(MLX5CTL_IOCTL_CMDRPC, [encodeStruct(mlx5ctlCmdrpc, { inlen: box.length, outlen: 0x40 }), box]);
    expect(rpc.errno).toBe(Errno.EBADMSG);
    expect(rpc.lines).toEqual([expect.objectContaining({ level: 'warn', event: 'rpc', result: 'EBADMSG', opcode_name: 'CREATE_UMEM' })]);

    const devlink = await linesOf(MLX5CTLD_DEVLINK, [encodeControl({ method: 'regionNew', body: { handle: DEV, region: 'cr-space' } })]);
    expect(devlink.errno).toBe(Errno.EPERM);
    expect(devlink.lines).toEqual([expect.objectContaining({ level: 'warn', event: 'devlink', method: 'regionNew', result: 'EPERM' })]);
  });

  it('logs no broker fault for any of them', () => {
    expect(broker.logs().filter((l) => l.level === 'error')).toEqual([]);
  });
});
