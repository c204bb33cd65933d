/**
 * Firmware objects per session and per uid. A DEBUG_READ_ONLY peer once allocated 10.5 M PDs
 * (about 400 bytes of broker heap each) until the broker died, writing 3.4 GB of audit on the
 * way. Creates past a quota are refused with ENOMEM before they reach the firmware (the errno the
 * kernel gives for the firmware's own LIM_ERR), audited with the limit that refused them, and
 * the quota comes back when objects are destroyed or their session is released.
 */
import { Mlx5ctlClient } from '../../src/client/client';
import { UmemBuffer } from '../../src/client/umem';
import { newInbox, outboxStatus } from '../../src/fw/mailbox';
import { Opcode } from '../../src/fw/opcodes';
import { Errno } from '../../src/uapi/errno';
import { getBits, setBits } from '../../src/uapi/ifc/bits';
import { RunningBroker, startBroker, waitFor } from '../helpers/broker';
import { failures } from '../reliability/observe';
import { SELF } from './peers';

const PER_SESSION = 8;
const PER_UID = 12;
let broker: RunningBroker;
let admin: Mlx5ctlClient;
const open = (): Promise<Mlx5ctlClient> => Mlx5ctlClient.open('0', { rundir: broker.rundir });

beforeAll(async () => {
  broker = await startBroker(['--max-session-objects', String(PER_SESSION), '--max-uid-objects', String(PER_UID)]);
  admin = await open();
});
afterAll(async () => {
  admin.close();
  await broker.stop();
  expect(failures(broker.logs())).toEqual([]);
});

async function allocPd(c: Mlx5ctlClient): Promise<number> {
  const out = await c.cmdrpc(newInbox(Opcode.ALLOC_PD, 16), 16);
  expect(outboxStatus(out)).toBe(0);
  return getBits(out, 0x48, 24);
}

async function deallocPd(c: Mlx5ctlClient, pd: number): Promise<void> {
  const inbox = newInbox(Opcode.DEALLOC_PD, 16);
  setBits(inbox, 0x48, 24, pd);
  expect(outboxStatus(await c.cmdrpc(inbox, 16))).toBe(0);
}

const quotaLines = (reason: string): Record<string, unknown>[] =>
  broker.logs().filter((l) => l.event === 'rpc' && l.reason === reason);

describe('firmware object quotas', () => {
  it('refuses the session quota with ENOMEM, audited, and gives it back on destroy', async () => {
    const a = await open();
    // Pipelined: the charge is taken before each create runs, so none overshoots.
    const pds = await Promise.allSettled(Array.from({ length: PER_SESSION + 4 }, () => allocPd(a)));
    const made = pds.filter((p): p is PromiseFulfilledResult<number> => p.status === 'fulfilled').map((p) => p.value);
    const refused = pds.filter((p) => p.status === 'rejected');
    expect(made).toHaveLength(PER_SESSION);
    expect(refused).toHaveLength(4);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ errno: Errno.ENOMEM });
    await waitFor(() => quotaLines('objects_per_session').length === 4, 5000, 'quota refusals audited');
    expect(quotaLines('objects_per_session')[0]).toMatchObject({ level: 'warn', result: 'ENOMEM', opcode_name: 'ALLOC_PD', limit: PER_SESSION, uid: SELF });
    // A UMEM counts too.
    const buf = UmemBuffer.create(4096);
    await expect(a.umemReg(buf)).rejects.toMatchObject({ errno: Errno.ENOMEM });
    await deallocPd(a, made[0]);
    const umem = await a.umemReg(buf);
    await expect(allocPd(a)).rejects.toMatchObject({ errno: Errno.ENOMEM });
    await a.umemUnreg(umem);
    made[0] = await allocPd(a);
    for (const pd of made) await deallocPd(a, pd);
    expect((await admin.status()).sessions.find((s) => s.objects > 0)).toBeUndefined();
    buf.close();
    a.close();
  });

  it("holds a uid's sessions together to the per-uid quota, and frees it with a session", async () => {
    const a = await open();
    const b = await open();
    for (let i = 0; i < PER_SESSION; i++) await allocPd(a);
    for (let i = PER_SESSION; i < PER_UID; i++) await allocPd(b);
    await expect(allocPd(b)).rejects.toMatchObject({ errno: Errno.ENOMEM });
    await waitFor(() => quotaLines('objects_per_uid').length > 0, 5000, 'per-uid refusal audited');
    expect(quotaLines('objects_per_uid')[0]).toMatchObject({ result: 'ENOMEM', limit: PER_UID });
    a.close(); // its PDs go at release, and with them its share of the uid's quota
    await waitFor(async () => (await admin.status()).sessions.length === 2 && (await admin.status()).releasing === 0, 5000, 'a released');
    for (let i = 0; i < PER_SESSION - (PER_UID - PER_SESSION); i++) await allocPd(b);
    await expect(allocPd(b)).rejects.toMatchObject({ errno: Errno.ENOMEM }); // b at its session quota
    b.close();
  });
});
