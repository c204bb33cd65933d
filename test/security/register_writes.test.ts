/**
 * ACCESS_REG at CONFIGURATION, the lowest scope, by a peer whose policy caps its scope-less
 * mlx5ctl RPCs at CONFIGURATION (and whose FWCTL_RPCs name scope 0): the RESOURCE_DUMP register
 * answers with device data on either op_mod, so it is refused (EBADMSG) there; writes to the
 * driver's registers (PAOS, PTYS, MFRL, MTMP) are delivered, as fwctl delivers them, and refused
 * by the firmware for the tools UID, with the port left as it was; the write the tools UID may
 * make (clearing PPCNT) is audited as a state-changing write, without tainting. Reads that check
 * the port's state go at DEBUG_READ_ONLY, the peer's maximum.
 */
import { Mlx5ctlClient } from '../../src/client/client';
import { FwStatus } from '../../src/fw/status';
import { Errno } from '../../src/uapi/errno';
import { FWCTL_RPC, fwctlRpc, Scope } from '../../src/uapi/fwctl';
import { MLX5CTL_IOCTL_CMDRPC, mlx5ctlCmdrpc } from '../../src/uapi/mlx5ctl';
import { encodeStruct } from '../../src/uapi/struct';
import { accessRegInbox as accessReg } from '../helpers/attacks';
import { RunningBroker, startBroker, waitFor } from '../helpers/broker';
import { SELF, writePolicy } from './peers';

const RESOURCE_DUMP = 0xc000;
const PAOS = 0x5006;
const PTYS = 0x5004;
const PPCNT = 0x5008;
const MFRL = 0x9028;
const MTMP = 0x900a;
const WRITE = 0;
const READ = 1;
const OUTLEN = 16 + 0x100;

interface Answer {
  /** 0 (delivered) or the positive errno. */
  errno: number;
  /** The outbox when delivered (its status byte says what the firmware did). */
  outbox: Buffer;
}

async function cmdrpc(c: Mlx5ctlClient, box: Buffer): Promise<Answer> {
  const r = await c.connection.request(MLX5CTL_IOCTL_CMDRPC, [encodeStruct(mlx5ctlCmdrpc, { inlen: box.length, outlen: OUTLEN }), box]);
  return { errno: r.result === 0 ? 0 : -r.result, outbox: r.body.subarray(mlx5ctlCmdrpc.size) };
}

async function fwctl(c: Mlx5ctlClient, scope: number, box: Buffer): Promise<Answer> {
  const r = await c.connection.request(FWCTL_RPC, [encodeStruct(fwctlRpc, { size: 32, scope, in_len: box.length, out_len: OUTLEN }), box]);
  return { errno: r.result === 0 ? 0 : -r.result, outbox: r.body.subarray(fwctlRpc.size) };
}

const portData = (size: number): Buffer => {
  const d = Buffer.alloc(size);
  d.writeUInt8(1, 1); // local_port 1
  return d;
};

/** The menu segment, inline, as mlx5ctl's rscdump asks for it (inline_dump, segment_type 0xffff). */
function menuRequest(): Buffer {
  const d = Buffer.alloc(0x100);
  d.writeUInt8(0x40, 0);
  d.writeUInt16BE(0xffff, 2);
  return d;
}

const writes: [string, number, Buffer][] = [
  ['PAOS admin down', PAOS, (() => { const d = portData(16); d.writeUInt8(0x02, 2); d.writeUInt8(0x80, 4); return d; })()],
  ['PTYS 200GAUI-4 only', PTYS, (() => { const d = portData(0x44); d.writeUInt8(0x04, 3); d.writeUInt32BE(1 << 12, 0x14); return d; })()],
  ['MFRL reset level 3', MFRL, (() => { const d = Buffer.alloc(8); d.writeUInt8(0x08, 7); return d; })()],
  ['MTMP reset max temperature', MTMP, (() => { const d = Buffer.alloc(0x20); d.writeUInt8(0x40, 8); return d; })()],
];

let broker: RunningBroker;
let c: Mlx5ctlClient;
beforeAll(async () => {
  broker = await startBroker(['--policy', writePolicy([{ uid: SELF, max_scope: 'DEBUG_READ_ONLY', default_scope: 'CONFIGURATION' }])]);
  c = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
});
afterAll(async () => {
  c.close();
  await broker.stop();
});

const status = (a: Answer): number => a.outbox.readUInt8(0);
/** PAOS admin and oper status, PTYS ext_eth_proto_admin, MFRL's levels, read at DEBUG_READ_ONLY. */
async function portState(): Promise<number[]> {
  const paos = await fwctl(c, Scope.DEBUG_READ_ONLY, accessReg(PAOS, READ, portData(16)));
  const ptysReq = portData(0x44);
  ptysReq.writeUInt8(0x04, 3);
  const ptys = await fwctl(c, Scope.DEBUG_READ_ONLY, accessReg(PTYS, READ, ptysReq));
  const mfrl = await fwctl(c, Scope.DEBUG_READ_ONLY, accessReg(MFRL, READ, Buffer.alloc(8)));
  for (const a of [paos, ptys, mfrl]) expect([a.errno, status(a)]).toEqual([0, 0]);
  return [paos.outbox.readUInt8(16 + 2) & 0xf, paos.outbox.readUInt8(16 + 3) & 0xf, ptys.outbox.readUInt32BE(16 + 0x14), mfrl.outbox.readUInt8(16 + 7)];
}

describe('ACCESS_REG at CONFIGURATION', () => {
  it('refuses RESOURCE_DUMP with op_mod 0 as with op_mod 1 (EBADMSG), and serves it at DEBUG_READ_ONLY', async () => {
    for (const opMod of [WRITE, READ]) {
      expect((await cmdrpc(c, accessReg(RESOURCE_DUMP, opMod, menuRequest()))).errno).toBe(Errno.EBADMSG);
      expect((await fwctl(c, Scope.CONFIGURATION, accessReg(RESOURCE_DUMP, opMod, menuRequest()))).errno).toBe(Errno.EBADMSG);
    }
    const served = await fwctl(c, Scope.DEBUG_READ_ONLY, accessReg(RESOURCE_DUMP, WRITE, menuRequest()));
    expect([served.errno, status(served)]).toEqual([0, 0]);
  });

  it.each(writes)('delivers a %s write, which the firmware refuses for the tools UID; the port is unchanged', async (_what, reg, data) => {
    const before = await portState();
    expect(before.slice(0, 2)).toEqual([1, 1]); // admin up, oper up
    for (const answer of [await cmdrpc(c, accessReg(reg, WRITE, data)), await fwctl(c, Scope.CONFIGURATION, accessReg(reg, WRITE, data))]) {
      expect([answer.errno, status(answer)]).toEqual([0, FwStatus.BAD_PARAM]);
    }
    expect(await portState()).toEqual(before);
  });

  it('audits a write the firmware accepts as a state change, and one it refuses as none; neither taints', async () => {
    const clear = portData(0x100);
    clear.writeUInt8(0x80, 4); // clr
    const cleared = await fwctl(c, Scope.CONFIGURATION, accessReg(PPCNT, WRITE, clear));
    expect([cleared.errno, status(cleared)]).toEqual([0, 0]);
    await waitFor(() => broker.logs().some((l) => l.event === 'rpc' && l.register === 'PPCNT'), 5000, 'the PPCNT audit line');
    const logs = broker.logs().filter((l) => l.event === 'rpc');
    const line = (reg: string): Record<string, unknown> | undefined => logs.find((l) => l.register === reg && l.write === true);
    expect(line('PPCNT')).toMatchObject({ level: 'info', uid: SELF, opcode_name: 'ACCESS_REG', op_mod: 0, scope: 'CONFIGURATION', write: true, state_changed: true, status: 'OK' });
    expect(line('PAOS')).toMatchObject({ write: true, state_changed: false, status: 'BAD_PARAM' });
    // A read is no write, and a dump register's op_mod 0 is a read.
    expect(logs.filter((l) => l.op_mod === 1 || l.register === 'RESOURCE_DUMP').every((l) => l.write === undefined)).toBe(true);
    expect(broker.logs().some((l) => l.event === 'tainted')).toBe(false);
  });
});
