/**
 * MLX5CTLD_CRSPACE against a real broker: single and gathered reads (little-endian values that
 * match the simulated cr-space map), ajv validation and range checks, one audit line per request,
 * and the scope rule: a DEBUG_READ_ONLY peer reads, a CONFIGURATION-only peer gets EPERM.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Mlx5ctlClient } from '../../src/client/client';
import { crspaceChunks, crspaceSize, PlannedCrspaceReader, readCrspace, readCrspaceRanges } from '../../src/client/crspace';
import { MLX5CTLD_CRSPACE } from '../../src/uapi/control';
import { Errno, ErrnoError } from '../../src/uapi/errno';
import { RunningBroker, startBroker, waitFor } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';

const uid = process.getuid?.() ?? 0;

async function withBroker(maxScope: string | undefined, fn: (broker: RunningBroker, client: Mlx5ctlClient) => Promise<void>): Promise<void> {
  const args: string[] = [];
  if (maxScope !== undefined) {
    const policy = path.join(tempDir('crspace-policy-'), 'policy.json');
    fs.writeFileSync(policy, JSON.stringify({ rules: [{ uid, max_scope: maxScope }] }));
    args.push('--policy', policy);
  }
  const broker = await startBroker(args);
  const client = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
  try {
    await fn(broker, client);
  } finally {
    client.close();
    await broker.stop();
  }
}

async function errnoOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ErrnoError) return err.errno;
    throw err;
  }
  throw new Error('expected the request to fail');
}

describe('MLX5CTLD_CRSPACE with the default policy', () => {
  let broker: RunningBroker;
  let client: Mlx5ctlClient;
  beforeAll(async () => {
    broker = await startBroker();
    client = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
  });
  afterAll(async () => {
    client.close();
    await broker.stop();
  });

  it('reads the device-id word and reports the cr-space size', async () => {
    const r = await readCrspace(client, 0xf0014, 1);
    expect([...r.words]).toEqual([0x218]);
    expect(r.bytes).toEqual(Buffer.from([0x18, 0x02, 0x00, 0x00])); // little-endian host value
    expect(r.size).toBe(16 * 1024 * 1024);
    expect(await crspaceSize(client)).toBe(16 * 1024 * 1024);
  });

  it('gathers ranges in request order, equal to the same reads one by one', async () => {
    const ranges = [{ addr: 0xf0010, dwords: 3 }, { addr: 0x200, dwords: 16 }, { addr: 0x48000, dwords: 129 }];
    const gathered = await readCrspaceRanges(client, ranges);
    const single = [];
    for (const r of ranges) single.push(...(await readCrspace(client, r.addr, r.dwords)).words);
    expect([...gathered.words]).toEqual(single);
    expect(gathered.words[1]).toBe(0x218);
    // Health buffer dword 12 (offset 0x30): fw version word, as devlink's fw-health region shows.
    expect(gathered.words[3 + 12]).toBe(0x1c2703ea);
  });

  it('validates requests with ajv and checks the range against the cr-space', async () => {
    const ask = (body: unknown) => errnoOf(client.control(MLX5CTLD_CRSPACE, body));
    expect(await ask({ addr: 2, dwords: 1 })).toBe(Errno.EINVAL);
    expect(await ask({ addr: 0, dwords: 0 })).toBe(Errno.EINVAL);
    expect(await ask({ addr: 0, dwords: 65537 })).toBe(Errno.EINVAL);
    expect(await ask({ addr: 0, dwords: 1, extra: 1 })).toBe(Errno.EINVAL);
    expect(await ask({ addr: '0', dwords: 1 })).toBe(Errno.EINVAL);
    expect(await ask({ addr: 0x1000000 - 4, dwords: 2 })).toBe(Errno.EINVAL);
    expect(await ask({ addr: 0x1000000, dwords: 1 })).toBe(Errno.EINVAL);
    expect(await ask({ ranges: [] })).toBe(Errno.EINVAL);
    expect(await ask({ ranges: [{ addr: 0, dwords: 40000 }, { addr: 0x100000, dwords: 40000 }] })).toBe(Errno.EINVAL);
    // The last dword of the space is readable; 65536 dwords is the largest request.
    expect((await readCrspace(client, 0x1000000 - 4, 1)).words.length).toBe(1);
    expect((await readCrspace(client, 0, 65536)).bytes.length).toBe(256 * 1024);
  });

  it('writes one audit line per request, refused ones included', async () => {
    const count = () => broker.logs().filter((l) => l['event'] === 'crspace').length;
    // The broker batches log writes: let earlier lines land before counting.
    await readCrspace(client, 0x123450, 1); // a marker no other test reads
    await waitFor(() => broker.logs().some((l) => l['event'] === 'crspace' && l['addr'] === '0x123450'), 5000, 'audit line');
    const before = count();
    await readCrspace(client, 0x40000, 2);
    await errnoOf(client.control(MLX5CTLD_CRSPACE, { addr: 1, dwords: 1 })); // refused by ajv
    await errnoOf(client.control(MLX5CTLD_CRSPACE, { addr: 0xfffffc, dwords: 2 })); // past the end
    await waitFor(() => count() >= before + 3, 5000, 'audit lines');
    const lines = broker.logs().filter((l) => l['event'] === 'crspace').slice(before);
    expect(lines).toHaveLength(3);
    const who = { session: expect.any(Number), pid: process.pid, uid, us: expect.any(Number) };
    expect(lines[0]).toMatchObject({ ...who, level: 'info', addr: '0x40000', dwords: 2, ranges: 1, result: 'ok' });
    expect(lines[1]).toMatchObject({ ...who, level: 'warn', addr: '0x1', dwords: 1, result: 'EINVAL' });
    expect(lines[2]).toMatchObject({ ...who, level: 'warn', addr: '0xfffffc', dwords: 2, result: 'EINVAL' });
  });

  it('streams a range as little-endian chunks and serves a planned read sequence', async () => {
    const chunks: Buffer[] = [];
    for await (const c of crspaceChunks(client, 0xf0000, 0x40000, 4096)) chunks.push(c);
    expect(chunks).toHaveLength(16);
    expect(Buffer.concat(chunks).readUInt32LE(0x14)).toBe(0x218);

    const pieces = [{ addr: 0x100, dwords: 4 }, { addr: 0xf0014, dwords: 1 }, { addr: 0x200, dwords: 16 }];
    const reader = new PlannedCrspaceReader(client, pieces);
    expect([...(await reader.read(0xf0014, 1))]).toEqual([0x218]); // not next in the plan: direct
    for (const p of pieces) expect([...(await reader.read(p.addr, p.dwords))]).toEqual([...(await readCrspace(client, p.addr, p.dwords)).words]);
    expect(reader.requests).toBe(2); // one direct read, one gathered request for the plan
  });
});

describe('MLX5CTLD_CRSPACE scope', () => {
  it('serves a DEBUG_READ_ONLY peer', () =>
    withBroker('DEBUG_READ_ONLY', async (_broker, client) => {
      expect(client.openInfo.maxScope).toBe(1);
      expect([...(await readCrspace(client, 0xf0014, 1)).words]).toEqual([0x218]);
    }));

  it('refuses a CONFIGURATION-only peer with EPERM, audited', () =>
    withBroker('CONFIGURATION', async (broker, client) => {
      expect(await errnoOf(readCrspace(client, 0xf0014, 1))).toBe(Errno.EPERM);
      await waitFor(() => broker.logs().some((l) => l['event'] === 'crspace'), 5000, 'audit line');
      expect(broker.logs().filter((l) => l['event'] === 'crspace')).toEqual([
        expect.objectContaining({ level: 'warn', uid, addr: '0xf0014', dwords: 1, result: 'EPERM' }),
      ]);
    }));
});
