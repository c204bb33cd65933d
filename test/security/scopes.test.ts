/**
 * Each scope's limits, for a peer whose policy rule grants CONFIGURATION, DEBUG_READ_ONLY,
 * DEBUG_WRITE or DEBUG_WRITE_FULL: representative RPCs over both uAPIs, devlink reads and
 * writes, fault injection, admin status, cr-space and UMEM, each allowed or refused with the
 * errno of its channel (EBADMSG: opcode not allowed at the RPC's scope; EPERM: scope above the
 * peer's, or a broker operation the peer's scope does not cover). Refusals are audited.
 */
import { Mlx5ctlClient } from '../../src/client/client';
import { UmemBuffer } from '../../src/client/umem';
import { newInbox } from '../../src/fw/mailbox';
import { Opcode } from '../../src/fw/opcodes';
import { MLX5CTLD_ADMIN, MLX5CTLD_CRSPACE, MLX5CTLD_DEVLINK, MLX5CTLD_SIM } from '../../src/uapi/control';
import { Errno } from '../../src/uapi/errno';
import { FWCTL_RPC, fwctlRpc, Scope, ScopeValue } from '../../src/uapi/fwctl';
import { setBits } from '../../src/uapi/ifc/bits';
import { encodeControl } from '../../src/uapi/message';
import { MLX5CTL_IOCTL_CMDRPC, mlx5ctlCmdrpc } from '../../src/uapi/mlx5ctl';
import { encodeStruct } from '../../src/uapi/struct';
import { RunningBroker, startBroker, waitFor } from '../helpers/broker';
import { SELF, writePolicy } from './peers';

const DEV = 'pci/0000:08:00.0';

function inbox(opcode: number, len = 0x100, opMod = 0): Buffer {
  return newInbox(opcode, len, opMod);
}

function accessReg(reg: number, opMod: number): Buffer {
  const b = newInbox(Opcode.ACCESS_REG, 16 + 0x10, opMod);
  setBits(b, 0x50, 16, reg);
  return b;
}

/** result 0 (delivered; the firmware's status is in the outbox) or the positive errno. */
async function cmdrpc(c: Mlx5ctlClient, box: Buffer): Promise<number> {
  const r = await c.connection.request(MLX5CTL_IOCTL_CMDRPC, [encodeStruct(mlx5ctlCmdrpc, { inlen: box.length, outlen: 0x1010 }), box]);
  return r.result === 0 ? 0 : -r.result;
}

async function fwctl(c: Mlx5ctlClient, scope: number, box: Buffer): Promise<number> {
  const r = await c.connection.request(FWCTL_RPC, [encodeStruct(fwctlRpc, { size: 32, scope, in_len: box.length, out_len: 0x1010 }), box]);
  return r.result === 0 ? 0 : -r.result;
}

/** A control request: the errno of the frame, or of the {ok:false} body (devlink, sim). */
async function control(c: Mlx5ctlClient, cmd: number, json: unknown): Promise<number> {
  const r = await c.connection.request(cmd, [encodeControl(json)]);
  return r.result === 0 ? 0 : -r.result;
}

const ok = 0;
const need = (scope: ScopeValue, min: ScopeValue, refused: number): number => (scope >= min ? ok : refused);

interface Check {
  what: string;
  run(c: Mlx5ctlClient): Promise<number>;
  /** Expected errno (0 = allowed) for a peer of scope S. */
  expect(S: ScopeValue): number;
}

const checks: Check[] = [
  // mlx5ctl uAPI: no scope field; the RPC runs at its opcode's minimum, up to the peer's scope.
  { what: 'cmdrpc QUERY_HCA_CAP', run: (c) => cmdrpc(c, inbox(Opcode.QUERY_HCA_CAP, 16, 1)), expect: () => ok },
  { what: 'cmdrpc QUERY_ADAPTER', run: (c) => cmdrpc(c, inbox(Opcode.QUERY_ADAPTER, 16)), expect: () => ok },
  { what: 'cmdrpc ACCESS_REG write (PAOS)', run: (c) => cmdrpc(c, accessReg(0x5006, 0)), expect: () => ok },
  { what: 'cmdrpc ACCESS_REG read (MGIR)', run: (c) => cmdrpc(c, accessReg(0x9020, 1)), expect: (S) => need(S, Scope.DEBUG_READ_ONLY, Errno.EBADMSG) },
  { what: 'cmdrpc NOP', run: (c) => cmdrpc(c, inbox(Opcode.NOP, 16)), expect: (S) => need(S, Scope.DEBUG_READ_ONLY, Errno.EBADMSG) },
  { what: 'cmdrpc QUERY_UCTX', run: (c) => cmdrpc(c, inbox(Opcode.QUERY_UCTX, 16)), expect: (S) => need(S, Scope.DEBUG_READ_ONLY, Errno.EBADMSG) },
  { what: 'cmdrpc ALLOC_PD', run: (c) => cmdrpc(c, inbox(Opcode.ALLOC_PD, 16)), expect: (S) => need(S, Scope.DEBUG_READ_ONLY, Errno.EBADMSG) },
  { what: 'cmdrpc SET_DIAGNOSTIC_PARAMS', run: (c) => cmdrpc(c, inbox(Opcode.SET_DIAGNOSTIC_PARAMS)), expect: (S) => need(S, Scope.DEBUG_WRITE, Errno.EBADMSG) },
  // Never allowed, at any scope: raw UMEM (arbitrary DMA) and user-context management.
  { what: 'cmdrpc CREATE_UMEM', run: (c) => cmdrpc(c, inbox(Opcode.CREATE_UMEM)), expect: () => Errno.EBADMSG },
  { what: 'cmdrpc CREATE_UCTX', run: (c) => cmdrpc(c, inbox(Opcode.CREATE_UCTX, 64)), expect: () => Errno.EBADMSG },
  { what: 'cmdrpc DESTROY_UCTX', run: (c) => cmdrpc(c, inbox(Opcode.DESTROY_UCTX, 16)), expect: () => Errno.EBADMSG },
  { what: 'cmdrpc unknown opcode 0x7fff', run: (c) => cmdrpc(c, inbox(0x7fff, 16)), expect: () => Errno.EBADMSG },
  // fwctl uAPI: the requested scope is checked against the peer's (EPERM), then the opcode's (EBADMSG).
  ...([0, 1, 2, 3] as ScopeValue[]).flatMap((s): Check[] => [
    { what: `fwctl@${s} QUERY_HCA_CAP`, run: (c) => fwctl(c, s, inbox(Opcode.QUERY_HCA_CAP, 16, 1)), expect: (S) => (s > S ? Errno.EPERM : ok) },
    { what: `fwctl@${s} ACCESS_REG read`, run: (c) => fwctl(c, s, accessReg(0x9020, 1)), expect: (S) => (s > S ? Errno.EPERM : need(s, Scope.DEBUG_READ_ONLY, Errno.EBADMSG)) },
    { what: `fwctl@${s} SET_DIAGNOSTIC_PARAMS`, run: (c) => fwctl(c, s, inbox(Opcode.SET_DIAGNOSTIC_PARAMS)), expect: (S) => (s > S ? Errno.EPERM : need(s, Scope.DEBUG_WRITE, Errno.EBADMSG)) },
    { what: `fwctl@${s} CREATE_UMEM`, run: (c) => fwctl(c, s, inbox(Opcode.CREATE_UMEM)), expect: (S) => (s > S ? Errno.EPERM : Errno.EBADMSG) },
  ]),
  { what: 'fwctl@4 (unknown scope)', run: (c) => fwctl(c, 4, inbox(Opcode.QUERY_HCA_CAP, 16, 1)), expect: () => Errno.EOPNOTSUPP },
  // devlink: reads need DEBUG_READ_ONLY, writes DEBUG_WRITE.
  { what: 'devlink healthShow', run: (c) => control(c, MLX5CTLD_DEVLINK, { method: 'healthShow', body: {} }), expect: (S) => need(S, Scope.DEBUG_READ_ONLY, Errno.EPERM) },
  { what: 'devlink devInfo', run: (c) => control(c, MLX5CTLD_DEVLINK, { method: 'devInfo', body: {} }), expect: (S) => need(S, Scope.DEBUG_READ_ONLY, Errno.EPERM) },
  { what: 'devlink portShow', run: (c) => control(c, MLX5CTLD_DEVLINK, { method: 'portShow', body: {} }), expect: (S) => need(S, Scope.DEBUG_READ_ONLY, Errno.EPERM) },
  { what: 'devlink regionShow', run: (c) => control(c, MLX5CTLD_DEVLINK, { method: 'regionShow', body: {} }), expect: (S) => need(S, Scope.DEBUG_READ_ONLY, Errno.EPERM) },
  { what: 'devlink healthDumpClear', run: (c) => control(c, MLX5CTLD_DEVLINK, { method: 'healthDumpClear', body: { handle: DEV, reporter: 'fw' } }), expect: (S) => need(S, Scope.DEBUG_WRITE, Errno.EPERM) },
  { what: 'devlink regionNew', run: (c) => control(c, MLX5CTLD_DEVLINK, { method: 'regionNew', body: { handle: DEV, region: 'cr-space' } }), expect: (S) => need(S, Scope.DEBUG_WRITE, Errno.EPERM) },
  { what: 'cr-space read', run: (c) => control(c, MLX5CTLD_CRSPACE, { addr: 0, dwords: 4 }), expect: (S) => need(S, Scope.DEBUG_READ_ONLY, Errno.EPERM) },
  // The broker's own operations: full scope only.
  { what: 'sim status', run: (c) => control(c, MLX5CTLD_SIM, { op: 'status' }), expect: (S) => need(S, Scope.DEBUG_WRITE_FULL, Errno.EPERM) },
  { what: 'sim inject', run: (c) => control(c, MLX5CTLD_SIM, { op: 'inject', fault: 'fw-error', value: 0 }), expect: (S) => need(S, Scope.DEBUG_WRITE_FULL, Errno.EPERM) },
  { what: 'admin status', run: (c) => control(c, MLX5CTLD_ADMIN, { op: 'status' }), expect: (S) => need(S, Scope.DEBUG_WRITE_FULL, Errno.EPERM) },
  // UMEM registration needs DEBUG_READ_ONLY, like the PD and MKEY commands that use the memory.
  {
    what: 'UMEM_REG + UNREG',
    run: async (c) => {
      const buf = UmemBuffer.create(4096);
      try {
        await c.umemUnreg(await c.umemReg(buf));
        return ok;
      } catch (err) {
        return (err as { errno: number }).errno;
      } finally {
        buf.close();
      }
    },
    expect: (S) => need(S, Scope.DEBUG_READ_ONLY, Errno.EPERM),
  },
];

const SCOPES: [string, ScopeValue][] = [['CONFIGURATION', 0], ['DEBUG_READ_ONLY', 1], ['DEBUG_WRITE', 2], ['DEBUG_WRITE_FULL', 3]];

describe.each(SCOPES)('a peer allowed %s', (name, S) => {
  let broker: RunningBroker;
  let c: Mlx5ctlClient;
  beforeAll(async () => {
    broker = await startBroker(['--policy', writePolicy([{ uid: SELF, max_scope: name }])]);
    c = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
  });
  afterAll(async () => {
    c.close();
    await broker.stop();
  });

  it('is told its scope at open', () => {
    expect(c.openInfo.maxScope).toBe(S);
  });

  it('gets exactly what its scope allows', async () => {
    const got: [string, string][] = [];
    const want: [string, string][] = [];
    for (const check of checks) {
      got.push([check.what, errnoLabel(await check.run(c))]);
      want.push([check.what, errnoLabel(check.expect(S))]);
    }
    expect(got).toEqual(want);
  });

  it('audits refusals, and taints only for write scopes', async () => {
    // The log is written in batches; a status round trip comes after every line above.
    await waitFor(() => broker.logs().filter((l) => l.event === 'rpc').length >= 10, 5000, 'audit lines');
    const logs = broker.logs();
    const refusedRpcs = logs.filter((l) => l.event === 'rpc' && (l.result === 'EBADMSG'));
    expect(refusedRpcs.length).toBeGreaterThan(0);
    expect(refusedRpcs.every((l) => l.uid === SELF && typeof l.fw_uid === 'number' && typeof l.opcode_name === 'string')).toBe(true);
    if (S < Scope.DEBUG_WRITE) expect(logs.filter((l) => l.event === 'devlink' && l.result === 'EPERM').length).toBeGreaterThan(0);
    expect(logs.some((l) => l.event === 'tainted')).toBe(S >= Scope.DEBUG_WRITE);
  });
});

describe('default_scope caps the scope-less mlx5ctl uAPI', () => {
  it('refuses a write opcode over CMDRPC that the same peer may send over FWCTL_RPC at scope 2', async () => {
    const broker = await startBroker(['--policy', writePolicy([{ uid: SELF, max_scope: 'DEBUG_WRITE_FULL', default_scope: 'DEBUG_READ_ONLY' }])]);
    const c = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
    expect(await cmdrpc(c, inbox(Opcode.SET_DIAGNOSTIC_PARAMS))).toBe(Errno.EBADMSG);
    expect(await cmdrpc(c, accessReg(0x9020, 1))).toBe(ok);
    expect(await fwctl(c, 2, inbox(Opcode.SET_DIAGNOSTIC_PARAMS))).toBe(ok);
    c.close();
    await broker.stop();
  });
});

function errnoLabel(errno: number): string {
  return errno === 0 ? 'allowed' : (Object.entries(Errno).find(([, v]) => v === errno)?.[0] ?? `E${errno}`);
}
