/** Kernel region semantics: snapshot-id namespace, refcounts, check order, read ranges. */
import { ManualClock } from '../../src/devlink/clock';
import { DevlinkError, Errno } from '../../src/devlink/errors';
import { DevlinkInstance } from '../../src/devlink/instance';
import { LocalDevlinkApi } from '../../src/devlink/local_api';

const H = 'pci/0000:08:00.0';

function setup() {
  const devlink = new DevlinkInstance(H, { clock: new ManualClock() });
  const a = devlink.regionCreate('a', { snapshot: () => Buffer.alloc(600, 1), read: (offset, length) => Buffer.alloc(length, offset & 0xff) }, 2, 600);
  const b = devlink.regionCreate('b', { snapshot: () => Buffer.alloc(16, 2) }, 4, 16);
  return { devlink, a, b, api: new LocalDevlinkApi([devlink]) };
}

async function errorOf(promise: Promise<unknown>): Promise<{ errno: number; extack?: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DevlinkError) return error.toJSON();
    throw error;
  }
  throw new Error('expected a DevlinkError');
}

describe('snapshot ids', () => {
  it('allocates the lowest free id across all regions of the devlink', async () => {
    const { api, devlink } = setup();
    expect((await api.regionNew({ handle: H, region: 'a' })).snapshotId).toBe(0);
    expect((await api.regionNew({ handle: H, region: 'b' })).snapshotId).toBe(1);
    await api.regionNew({ handle: H, region: 'b', snapshotId: 2 });
    expect((await api.regionNew({ handle: H, region: 'b' })).snapshotId).toBe(3);
    await api.regionDel({ handle: H, region: 'b', snapshotId: 1 });
    expect(devlink.snapshotIds.has(1)).toBe(false);
    expect((await api.regionNew({ handle: H, region: 'a' })).snapshotId).toBe(1);
  });

  it('counts one reference per snapshot sharing a driver id, freed at the last delete', async () => {
    const { devlink, a, b, api } = setup();
    const id = devlink.snapshotIdGet();
    a.createSnapshot(Buffer.alloc(600), id);
    b.createSnapshot(Buffer.alloc(16), id);
    expect(devlink.snapshotIds.count(id)).toBe(3);
    devlink.snapshotIdPut(id);
    expect(devlink.snapshotIds.count(id)).toBe(2);
    await api.regionDel({ handle: H, region: 'a', snapshotId: id });
    expect(devlink.snapshotIds.count(id)).toBe(1);
    await api.regionDel({ handle: H, region: 'b', snapshotId: id });
    expect(devlink.snapshotIds.has(id)).toBe(false);
  });

  it('releases the id when the snapshot op fails', async () => {
    const devlink = new DevlinkInstance(H);
    devlink.regionCreate('bad', { snapshot: () => { throw new DevlinkError(Errno.EIO, 'no'); } }, 1, 8);
    const api = new LocalDevlinkApi([devlink]);
    expect(await errorOf(api.regionNew({ handle: H, region: 'bad', snapshotId: 4 }))).toEqual({ errno: Errno.EIO, extack: 'no' });
    expect(devlink.snapshotIds.has(4)).toBe(false);
    expect(await errorOf(api.regionNew({ handle: H, region: 'bad' }))).toEqual({ errno: Errno.EIO, extack: 'no' });
    expect(devlink.snapshotIds.has(0)).toBe(false);
  });
});

describe('REGION_NEW check order', () => {
  it('checks ENOSPC before EEXIST, and EEXIST elsewhere has no extack', async () => {
    const { api } = setup();
    await api.regionNew({ handle: H, region: 'a', snapshotId: 7 });
    await api.regionNew({ handle: H, region: 'a', snapshotId: 8 });
    expect(await errorOf(api.regionNew({ handle: H, region: 'a', snapshotId: 7 }))).toEqual({
      errno: Errno.ENOSPC, extack: 'The region has reached the maximum number of stored snapshots',
    });
    expect(await errorOf(api.regionNew({ handle: H, region: 'b', snapshotId: 7 }))).toEqual({ errno: Errno.EEXIST });
    await api.regionNew({ handle: H, region: 'b', snapshotId: 9 });
    expect(await errorOf(api.regionNew({ handle: H, region: 'b', snapshotId: 9 }))).toEqual({
      errno: Errno.EEXIST, extack: 'The requested snapshot id is already in use',
    });
  });

  it('emits new/del notifications, and one DEL per snapshot on region destroy', async () => {
    const { devlink, a, api } = setup();
    const events: unknown[] = [];
    devlink.subscribe((event) => events.push(event));
    await api.regionNew({ handle: H, region: 'a', snapshotId: 5 });
    devlink.regionDestroy(a);
    expect(events).toEqual([
      { object: 'region', command: 'new', handle: H, region: 'a', snapshotId: 5 },
      { object: 'region', command: 'del', handle: H, region: 'a', snapshotId: 5 },
      { object: 'region', command: 'del', handle: H, region: 'a', size: 600 },
    ]);
    expect(devlink.snapshotIds.has(5)).toBe(false);
  });
});

describe('REGION_READ', () => {
  it('reads whole regions in 256-byte chunks and clamps ranges', async () => {
    const { api } = setup();
    await api.regionNew({ handle: H, region: 'a', snapshotId: 1 });
    const whole = await api.regionRead({ handle: H, region: 'a', snapshotId: 1 });
    expect(whole.map((chunk) => [chunk.address, Buffer.from(chunk.data, 'base64').length])).toEqual([[0, 256], [256, 256], [512, 88]]);
    const clamped = await api.regionRead({ handle: H, region: 'a', snapshotId: 1, address: 590, length: 1000 });
    expect(clamped.map((chunk) => [chunk.address, Buffer.from(chunk.data, 'base64').length])).toEqual([[590, 10]]);
    // The range needs both address and length.
    expect(await api.regionRead({ handle: H, region: 'a', snapshotId: 1, address: 590 })).toHaveLength(3);
    expect(await api.regionRead({ handle: H, region: 'a', snapshotId: 1, address: 600, length: 5 })).toEqual([]);
    expect(await errorOf(api.regionRead({ handle: H, region: 'a', snapshotId: 1, address: 601, length: 5 }))).toEqual({ errno: Errno.EINVAL });
  });

  it('reads live through the read op, and refuses mixing direct and snapshot', async () => {
    const { api } = setup();
    const live = await api.regionRead({ handle: H, region: 'a', direct: true, address: 300, length: 2 });
    expect(live).toEqual([{ address: 300, data: Buffer.from([44, 44]).toString('base64') }]);
    expect(await errorOf(api.regionRead({ handle: H, region: 'a' }))).toEqual({ errno: Errno.EINVAL, extack: 'No snapshot id provided' });
    expect(await errorOf(api.regionRead({ handle: H, region: 'a', direct: true, snapshotId: 1 }))).toEqual({
      errno: Errno.EINVAL, extack: 'Direct region read does not use snapshot',
    });
  });

  describe('regionReadBytes (the broker\'s binary reply)', () => {
    /** What regionRead's chunks hold, back to back, and the first chunk's address. */
    async function fromChunks(api: LocalDevlinkApi, request: Parameters<LocalDevlinkApi['regionRead']>[0]): Promise<{ address: number; data: Buffer }> {
      const chunks = await api.regionRead(request);
      return { address: chunks[0]?.address ?? 0, data: Buffer.concat(chunks.map((c) => Buffer.from(c.data, 'base64'))) };
    }

    it('gives the bytes and address of regionRead for whole regions, ranges, clamped and empty ones', async () => {
      const { api, a, devlink } = setup();
      const id = devlink.snapshotIdGet();
      a.createSnapshot(Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 7) & 0xff)), id);
      for (const range of [{}, { address: 100, length: 300 }, { address: 590, length: 1000 }, { address: 600, length: 5 }, { address: 256, length: 256 }]) {
        const request = { handle: H, region: 'a', snapshotId: id, ...range };
        const bytes = await api.regionReadBytes(request);
        expect(bytes).toEqual(await fromChunks(api, request));
      }
      expect((await api.regionReadBytes({ handle: H, region: 'a', snapshotId: id, address: 100, length: 3 })).data).toEqual(Buffer.from([700 & 0xff, 707 & 0xff, 714 & 0xff]));
    });

    it('reads live through the read op, chunk by chunk as regionRead does', async () => {
      const { api } = setup();
      const request = { handle: H, region: 'a', direct: true, address: 200, length: 300 };
      const bytes = await api.regionReadBytes(request);
      expect(bytes).toEqual(await fromChunks(api, request));
      // The read op sees 256-byte chunk offsets: 200 and 456.
      expect(bytes.data[0]).toBe(200);
      expect(bytes.data[256]).toBe(456 & 0xff);
    });

    it('fails as regionRead fails, in the same order', async () => {
      const { api } = setup();
      const bad = [
        { handle: H, region: 'a' },
        { handle: H, region: 'a', direct: true, snapshotId: 1 },
        { handle: H, region: 'a', snapshotId: 9 },
        { handle: H, region: 'b', direct: true },
        { handle: H, region: 'nope', snapshotId: 1 },
      ];
      await api.regionNew({ handle: H, region: 'a', snapshotId: 1 });
      bad.push({ handle: H, region: 'a', snapshotId: 1, address: 601, length: 5 } as (typeof bad)[number]);
      for (const request of bad) expect(await errorOf(api.regionReadBytes(request))).toEqual(await errorOf(api.regionRead(request)));
    });
  });
});
