/**
 * Sessions cannot reach each other's objects or data. Session A holds a PD, a UMEM over its
 * buffer (filled with a pattern) and an MKEY over it. Session B tries every way in: UMEM_UNREG
 * of A's id (ENOENT: the broker's per-session table), CREATE_MKEY over A's UMEM or with A's PD,
 * DESTROY_MKEY / DEALLOC_PD / QUERY_MKEY of A's objects, QUERY_UCTX of A's UID, and a core dump
 * through A's MKEY (all refused by firmware status: the broker stamps B's UID, the firmware
 * checks ownership). Forging the header uid (as A's UID, or as 0, the kernel's) changes nothing.
 * A's buffer is untouched, and A's objects still work afterwards.
 */
import { Mlx5ctlClient } from '../../src/client/client';
import { coreDumpOnce, createUmemMkey, FirmwareCommandError, UmemMkey } from '../../src/client/coredump';
import { UmemBuffer } from '../../src/client/umem';
import { newInbox, outboxStatus, setInboxUid } from '../../src/fw/mailbox';
import { Opcode } from '../../src/fw/opcodes';
import { Errno } from '../../src/uapi/errno';
import { Scope } from '../../src/uapi/fwctl';
import { getBits, set64, setBits } from '../../src/uapi/ifc/bits';
import { RunningBroker, startBroker, waitFor } from '../helpers/broker';

let broker: RunningBroker;
let a: Mlx5ctlClient;
let b: Mlx5ctlClient;
let target: UmemMkey;
let aUid: number;
let bUid: number;
const PATTERN = 0xa5;

beforeAll(async () => {
  broker = await startBroker();
  a = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
  b = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
  aUid = (await a.info()).uctxUid;
  bUid = (await b.info()).uctxUid;
  target = await createUmemMkey(a, 64 * 1024);
  target.buffer.write(0, Buffer.alloc(64 * 1024, PATTERN));
});

afterAll(async () => {
  await target.release();
  a.close();
  b.close();
  await broker.stop();
});

const withId = (opcode: number, id: number, len = 16): Buffer => {
  const box = newInbox(opcode, len);
  setBits(box, 0x48, 24, id);
  return box;
};

/** CREATE_MKEY as the tool builds it, over `umem` in `pd`. */
function mkeyInbox(pd: number, umem: number, bytes: number): Buffer {
  const mk = newInbox(Opcode.CREATE_MKEY, 0x110);
  setBits(mk, 0x61, 1, 1);
  setBits(mk, 0x80 + 0x14, 1, 1);
  setBits(mk, 0x80 + 0x15, 1, 1);
  setBits(mk, 0x80 + 0x16, 2, 1);
  setBits(mk, 0x80 + 0x38, 8, 0x5c);
  setBits(mk, 0x80 + 0x68, 24, pd);
  set64(mk, 0x80 + 0xc0, BigInt(bytes));
  setBits(mk, 0x320, 32, umem);
  return mk;
}

const fwStatus = async (c: Mlx5ctlClient, box: Buffer): Promise<number> => outboxStatus(await c.cmdrpc(box, 0x100));

function untouched(): boolean {
  return target.buffer.read(0, 64 * 1024).every((byte) => byte === PATTERN);
}

describe('cross-session isolation', () => {
  it('keeps A and B on different firmware UIDs', () => {
    expect(aUid).not.toBe(bUid);
  });

  it("refuses B's UMEM_UNREG of A's umem id with ENOENT", async () => {
    await expect(b.umemUnreg(target.umemId)).rejects.toMatchObject({ errno: Errno.ENOENT });
    expect((await a.status()).sessions.find((s) => s.fw_uid === aUid)?.umems).toBe(1);
  });

  it("refuses B's CREATE_MKEY over A's umem, and with A's PD", async () => {
    const pdB = getBits(await b.cmdrpc(newInbox(Opcode.ALLOC_PD, 16), 16), 0x48, 24);
    expect(await fwStatus(b, mkeyInbox(pdB, target.umemId, 4096))).not.toBe(0);
    const bufB = UmemBuffer.create(8192);
    const umemB = await b.umemReg(bufB);
    expect(await fwStatus(b, mkeyInbox(target.pd, umemB, 4096))).not.toBe(0);
    // Both at once, over fwctl too.
    expect(outboxStatus(await b.fwctlRpc(Scope.DEBUG_READ_ONLY, mkeyInbox(target.pd, target.umemId, 4096), 0x100))).not.toBe(0);
    await b.umemUnreg(umemB);
    bufB.close();
  });

  it("refuses B's DESTROY_MKEY, DEALLOC_PD and QUERY_MKEY of A's objects, and QUERY_UCTX of A's UID", async () => {
    const index = target.mkey >>> 8;
    expect(await fwStatus(b, withId(Opcode.DESTROY_MKEY, index))).not.toBe(0);
    expect(await fwStatus(b, withId(Opcode.DEALLOC_PD, target.pd))).not.toBe(0);
    expect(await fwStatus(b, withId(Opcode.QUERY_MKEY, index))).not.toBe(0);
    const q = newInbox(Opcode.QUERY_UCTX, 16);
    setBits(q, 0x50, 16, aUid);
    expect(await fwStatus(b, q)).not.toBe(0);
  });

  it('ignores a forged header uid (A\'s, or the kernel\'s 0): the broker stamps B\'s', async () => {
    for (const forged of [aUid, 0]) {
      const destroy = withId(Opcode.DESTROY_MKEY, target.mkey >>> 8);
      setInboxUid(destroy, forged);
      expect(await fwStatus(b, destroy)).not.toBe(0);
      const dealloc = withId(Opcode.DEALLOC_PD, target.pd);
      setInboxUid(dealloc, forged);
      expect(outboxStatus(await b.fwctlRpc(Scope.DEBUG_READ_ONLY, dealloc, 0x100))).not.toBe(0);
    }
    await waitFor(() => broker.logs().filter((l) => l.event === 'rpc' && l.opcode_name === 'DEALLOC_PD').length >= 3, 5000, 'audit');
    const audited = broker.logs().filter((l) => l.event === 'rpc' && (l.opcode_name === 'DESTROY_MKEY' || l.opcode_name === 'DEALLOC_PD') && l.session !== undefined);
    // Every one of B's attempts ran, and was audited, under B's UID.
    expect(audited.filter((l) => l.fw_uid === bUid).length).toBeGreaterThanOrEqual(6);
    expect(audited.some((l) => l.fw_uid === aUid)).toBe(false);
  });

  it("refuses a core dump through A's mkey from B, and A's memory stays as A left it", async () => {
    await expect(coreDumpOnce(b, target, 4096)).rejects.toBeInstanceOf(FirmwareCommandError);
    await expect(coreDumpOnce(b, { ...target, address: 4096n }, 4096)).rejects.toBeInstanceOf(FirmwareCommandError);
    expect(untouched()).toBe(true);
  });

  it("leaves A's objects working: A's own dump lands in A's buffer", async () => {
    const r = await coreDumpOnce(a, target, 64 * 1024);
    expect(r.size).toBe(64 * 1024);
    expect(target.buffer.read(0, 8).toString('latin1')).toBe('MLX5CRDP');
    // Continue to the end so the firmware forgets this dump.
    let cookie = r.cookie;
    for (let more = r.more; more; ) {
      const next = await coreDumpOnce(a, target, 64 * 1024, cookie);
      cookie = next.cookie;
      more = next.more && next.size > 0;
    }
  });
});
