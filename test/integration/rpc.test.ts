import * as fs from 'fs';
import * as path from 'path';
import { Mlx5ctlClient } from '../../src/client/client';
import { newInbox, outboxStatus, outboxSyndrome } from '../../src/fw/mailbox';
import { Opcode } from '../../src/fw/opcodes';
import { FwStatus } from '../../src/fw/status';
import { Syndrome } from '../../src/fw/sim/errors';
import { Errno } from '../../src/uapi/errno';
import { encodeFrame } from '../../src/uapi/frame';
import { FWCTL_RPC, fwctlRpc, Scope } from '../../src/uapi/fwctl';
import { getBits, setBits } from '../../src/uapi/ifc/bits';
import { MLX5CTL_IOCTL_CMDRPC, mlx5ctlCmdrpc } from '../../src/uapi/mlx5ctl';
import { encodeStruct } from '../../src/uapi/struct';
import { RunningBroker, startBroker, waitFor } from '../helpers/broker';
import { RawClient } from '../helpers/raw_client';
import { tempDir } from '../helpers/sockets';

let broker: RunningBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(async () => {
  await broker.stop();
});
const open = (b = broker): Promise<Mlx5ctlClient> => Mlx5ctlClient.open('0', { rundir: b.rundir });

const queryCap = (type = 0, cur = 1): Buffer => newInbox(Opcode.QUERY_HCA_CAP, 16, (type << 1) | cur);

async function expectErrno(p: Promise<unknown>, errno: number): Promise<void> {
  await expect(p).rejects.toMatchObject({ errno });
}

describe('CMDRPC (mlx5ctl uAPI)', () => {
  it('runs QUERY_HCA_CAP and returns the capability page', async () => {
    const c = await open();
    const out = await c.cmdrpc(queryCap(), 16 + 4096);
    expect(outboxStatus(out)).toBe(0);
    expect(getBits(out.subarray(16), 0x6a0, 32)).toBe(0x7);
    c.close();
  });

  it('stamps the session uid over whatever the client wrote', async () => {
    const a = await open();
    const b = await open();
    const [ua, ub] = [(await a.info()).uctxUid, (await b.info()).uctxUid];
    // Pretend to be the kernel (uid 0) and ask about another session's context: the firmware
    // sees a's real uid and refuses; a's own context answers.
    const spoof = newInbox(Opcode.QUERY_UCTX, 16, 0, 0);
    setBits(spoof, 0x50, 16, ub);
    const denied = await a.cmdrpc(spoof, 64);
    expect(outboxStatus(denied)).toBe(FwStatus.BAD_PARAM);
    expect(outboxSyndrome(denied)).toBe(Syndrome.UID_NOT_PRIVILEGED);
    setBits(spoof, 0x50, 16, ua);
    setBits(spoof, 0x10, 16, 0xbeef);
    expect(outboxStatus(await a.cmdrpc(spoof, 64))).toBe(0);
    a.close();
    b.close();
  });

  it('returns firmware failures in the outbox with result 0', async () => {
    const c = await open();
    // IPoIB offloads: a capability type the PRM defines and an Ethernet ConnectX-7 lacks.
    const out = await c.cmdrpc(queryCap(0x5), 16 + 4096);
    expect(outboxStatus(out)).toBe(FwStatus.BAD_PARAM);
    expect(outboxSyndrome(out)).toBe(Syndrome.CAP_TYPE_UNSUPPORTED);
    // An op_mod the PRM does not define goes to the firmware, which answers BAD_OP_MOD.
    const undefinedType = await c.cmdrpc(queryCap(0x3e), 16 + 4096);
    expect([outboxStatus(undefinedType), outboxSyndrome(undefinedType)]).toEqual([FwStatus.BAD_PARAM, Syndrome.BAD_OP_MOD]);
    c.close();
  });

  it('refuses opcodes outside the table with EBADMSG; reserved bits and op_mods are not refused', async () => {
    const c = await open();
    await expectErrno(c.cmdrpc(newInbox(Opcode.CREATE_UCTX, 64), 16), Errno.EBADMSG);
    await expectErrno(c.cmdrpc(newInbox(Opcode.CREATE_UMEM, 64), 16), Errno.EBADMSG);
    await expectErrno(c.cmdrpc(newInbox(0x7777, 16), 16), Errno.EBADMSG);
    // Reserved header bits are cleared and the command runs.
    const reserved = queryCap();
    reserved[4] = 0xff;
    expect(outboxStatus(await c.cmdrpc(reserved, 4112))).toBe(0);
    const badOpMod = newInbox(Opcode.ACCESS_REG, 16 + 16, 7);
    const out = await c.cmdrpc(badOpMod, 64);
    expect([outboxStatus(out), outboxSyndrome(out)]).toEqual([FwStatus.BAD_PARAM, Syndrome.BAD_OP_MOD]);
    c.close();
  });

  it('names the reserved fields it cleared in the audit record', async () => {
    const c = await open();
    const dirty = queryCap();
    dirty[4] = 0x80; // reserved_at_20
    dirty[9] = 0x01; // reserved_at_41, between other_function and function_id
    expect(outboxStatus(await c.cmdrpc(dirty, 4112))).toBe(0);
    c.close();
    const mine = (l: Record<string, unknown>): boolean => l.event === 'rpc' && Array.isArray(l.reserved_cleared) && l.reserved_cleared.includes('reserved_at_41');
    await waitFor(() => broker.logs().some(mine), 5000, 'audit line');
    const line = broker.logs().find(mine);
    expect(line).toMatchObject({ opcode_name: 'QUERY_HCA_CAP', result: 'delivered', status: 'OK', reserved_cleared: ['reserved_at_20', 'reserved_at_41'] });
  });

  it('applies the V4 length rules: EINVAL outside 16..262144, EFAULT for a short inbox', async () => {
    const raw = new RawClient(path.join(broker.rundir, 'mlx5_core.ctl.0'));
    await raw.waitFrames(1);
    const send = (seq: number, inlen: number, outlen: number, inbox: Buffer): void =>
      raw.send(encodeFrame(MLX5CTL_IOCTL_CMDRPC, seq, 0, encodeStruct(mlx5ctlCmdrpc, { inlen, outlen }), inbox));
    send(1, 8, 16, Buffer.alloc(8));
    send(2, 16, 8, queryCap());
    send(3, 16, 262145, queryCap());
    send(4, 32, 4112, queryCap());
    send(5, 16, 4112, queryCap());
    const f = await raw.waitFrames(6);
    expect(f.slice(1).map((x) => x.result)).toEqual([-Errno.EINVAL, -Errno.EINVAL, -Errno.EINVAL, -Errno.EFAULT, 0]);
    expect(f[5].body.length).toBe(24 + 4112);
    raw.destroy();
  });

  it('writes one audit record per RPC, delivered or refused', async () => {
    // Log lines are written once per event-loop turn: wait for the last earlier test's line.
    await waitFor(() => broker.logs().some((l) => l.event === 'rpc' && l.result === 'EFAULT'), 5000, 'audit lines');
    const rpcs = broker.logs().filter((l) => l.event === 'rpc');
    expect(rpcs.some((r) => r.opcode_name === 'QUERY_HCA_CAP' && r.result === 'delivered' && r.status === 'OK' && typeof r.us === 'number')).toBe(true);
    expect(rpcs.some((r) => r.opcode_name === 'CREATE_UCTX' && r.result === 'EBADMSG')).toBe(true);
    // Refusals by the uAPI's own checks are audited too, with the opcode the inbox named.
    expect(rpcs.some((r) => r.uapi === 'mlx5ctl' && r.result === 'EINVAL' && r.opcode_name === 'QUERY_HCA_CAP')).toBe(true);
    expect(rpcs.some((r) => r.uapi === 'mlx5ctl' && r.result === 'EFAULT')).toBe(true);
    for (const r of rpcs) expect(r).toEqual(expect.objectContaining({ session: expect.any(Number), pid: expect.any(Number), uid: expect.any(Number), fw_uid: expect.any(Number), scope: expect.any(String), bytes_in: expect.any(Number) }));
  });
});

describe('FWCTL_RPC (fwctl uAPI)', () => {
  it('runs at the requested scope and reports out_len', async () => {
    const c = await open();
    const out = await c.fwctlRpc(Scope.CONFIGURATION, queryCap(), 16 + 4096);
    expect(out.length).toBe(4112);
    expect(getBits(out.subarray(16), 0x183, 1)).toBe(1);
    c.close();
  });

  it('refuses a scope too low for the opcode with EBADMSG', async () => {
    const c = await open();
    await expectErrno(c.fwctlRpc(Scope.CONFIGURATION, newInbox(Opcode.NOP, 16), 16), Errno.EBADMSG);
    await expectErrno(c.fwctlRpc(Scope.DEBUG_READ_ONLY, newInbox(Opcode.SET_DIAGNOSTIC_PARAMS, 32), 16), Errno.EBADMSG);
    c.close();
  });

  it('applies the fwctl order: EINVAL, E2BIG, EMSGSIZE, EOPNOTSUPP, EFAULT, EMSGSIZE', async () => {
    const raw = new RawClient(path.join(broker.rundir, 'mlx5_core.ctl.0'));
    await raw.waitFrames(1);
    const rpc = (fields: Record<string, number>, size = 32): Buffer => encodeStruct(fwctlRpc, { size, ...fields }, size);
    const tail = rpc({ scope: 1, in_len: 16, out_len: 16 }, 40);
    tail[36] = 1;
    const cases: Buffer[] = [
      encodeFrame(FWCTL_RPC, 1, 0, rpc({}, 16).subarray(0, 16)),
      encodeFrame(FWCTL_RPC, 2, 0, tail, queryCap()),
      encodeFrame(FWCTL_RPC, 3, 0, rpc({ scope: 1, in_len: 16, out_len: 3 * 1024 * 1024 }), queryCap()),
      encodeFrame(FWCTL_RPC, 4, 0, rpc({ scope: 9, in_len: 16, out_len: 16 }), queryCap()),
      encodeFrame(FWCTL_RPC, 5, 0, rpc({ scope: 1, in_len: 64, out_len: 16 }), queryCap()),
      encodeFrame(FWCTL_RPC, 6, 0, rpc({ scope: 1, in_len: 8, out_len: 16 }), Buffer.alloc(8)),
      encodeFrame(FWCTL_RPC, 7, 0, rpc({ scope: 1, in_len: 16, out_len: 4112 }, 40), queryCap()),
    ];
    for (const c of cases) raw.send(c);
    const f = await raw.waitFrames(1 + cases.length);
    expect(f.slice(1).map((x) => x.result)).toEqual([-Errno.EINVAL, -Errno.E2BIG, -Errno.EMSGSIZE, -Errno.EOPNOTSUPP, -Errno.EFAULT, -Errno.EMSGSIZE, 0]);
    // A larger struct with a zero tail is accepted and echoed at the caller's size.
    expect(f[7].body.length).toBe(40 + 4112);
    raw.destroy();
  });

  it('taints the broker on the first write-scope RPC', async () => {
    const c = await open();
    expect((await c.status()).tainted).toBe(false);
    await c.fwctlRpc(Scope.DEBUG_WRITE, newInbox(Opcode.NOP, 16), 16);
    const status = await c.status();
    expect(status.tainted).toBe(true);
    await waitFor(() => broker.logs().some((l) => l.event === 'tainted'), 5000, 'taint line');
    expect(broker.logs().filter((l) => l.event === 'tainted' && l.first === true)).toHaveLength(1);
    c.close();
  });
});

describe('scopes from the policy', () => {
  it('caps a read-only peer: write scope is EPERM, write opcodes over mlx5ctl are EBADMSG', async () => {
    const dir = tempDir();
    const policy = path.join(dir, 'policy.json');
    const uid = process.getuid?.() ?? 0;
    fs.writeFileSync(policy, JSON.stringify({ rules: [{ uid, max_scope: 'DEBUG_READ_ONLY' }] }));
    const ro = await startBroker(['--policy', policy]);
    const c = await open(ro);
    expect(c.openInfo.maxScope).toBe(Scope.DEBUG_READ_ONLY);
    expect(outboxStatus(await c.cmdrpc(queryCap(), 4112))).toBe(0);
    await expectErrno(c.fwctlRpc(Scope.DEBUG_WRITE, newInbox(Opcode.NOP, 16), 16), Errno.EPERM);
    await expectErrno(c.fwctlRpc(Scope.DEBUG_WRITE_FULL, newInbox(Opcode.NOP, 16), 16), Errno.EPERM);
    await expectErrno(c.cmdrpc(newInbox(Opcode.SET_DIAGNOSTIC_PARAMS, 32), 16), Errno.EBADMSG);
    await expectErrno(c.status(), Errno.EPERM);
    c.close();
    await ro.stop();
    const logs = ro.logs();
    expect(logs.some((l) => l.event === 'tainted')).toBe(false);
  });

  it('refuses to start with an invalid policy file', async () => {
    const dir = tempDir();
    const policy = path.join(dir, 'bad.json');
    fs.writeFileSync(policy, '{"rules":[{"uid":0}]}');
    await expect(startBroker(['--policy', policy])).rejects.toThrow(/max_scope/);
  });
});
