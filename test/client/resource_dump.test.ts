/**
 * resourceDump against a real broker: the async iterator yields the dump chunk by chunk, inline
 * (208 B per read) and through a UMEM give the same bytes, and stopping early or finishing gives
 * back every pinned byte and firmware object.
 */
import { resourceDump, ResourceDumpChunk, resourceDumpSegments, ResourceDumpMenuRecord } from '../../src/client';
import { Errno } from '../../src/uapi/errno';
import { useBrokerClient } from '../helpers/broker_client';

const session = useBrokerClient('0');

async function chunksOf(iterator: AsyncIterable<ResourceDumpChunk>): Promise<ResourceDumpChunk[]> {
  const chunks: ResourceDumpChunk[] = [];
  for await (const c of iterator) chunks.push(c);
  return chunks;
}

async function ownSession(): Promise<{ umems: number; objects: number; pinned_bytes: number }> {
  const status = await session.client.status();
  const own = status.sessions.find((s) => s.pid === process.pid);
  if (own === undefined) throw new Error('this session is missing from the broker status');
  return own;
}

it('streams the menu inline in 208-byte reads, the last one clearing more', async () => {
  const chunks = await chunksOf(resourceDump(session.client));
  expect(chunks.length).toBeGreaterThan(1);
  expect(chunks.map((c) => c.round)).toEqual(chunks.map((_, i) => i));
  expect(chunks.slice(0, -1).every((c) => c.more && c.data.length === 208)).toBe(true);
  expect(chunks[chunks.length - 1]!.more).toBe(false);
  expect(chunks[chunks.length - 1]!.total).toBe(chunks.reduce((n, c) => n + c.data.length, 0));
});

it('gives the same bytes through a UMEM in fewer reads, and releases it', async () => {
  const inline = Buffer.concat((await chunksOf(resourceDump(session.client))).map((c) => c.data));
  const viaUmem = await chunksOf(resourceDump(session.client, { umemBytes: 64 * 1024 }));
  expect(viaUmem).toHaveLength(1);
  expect(Buffer.concat(viaUmem.map((c) => c.data)).equals(inline)).toBe(true);
  expect(await ownSession()).toMatchObject({ umems: 0, objects: 0, pinned_bytes: 0 });
});

it('releases the UMEM when the caller stops after the first chunk', async () => {
  for await (const chunk of resourceDump(session.client, { umemBytes: 4096 })) {
    expect(chunk.round).toBe(0);
    expect((await ownSession()).umems).toBe(1);
    break;
  }
  expect(await ownSession()).toMatchObject({ umems: 0, objects: 0, pinned_bytes: 0 });
});

it('refuses a segment type wider than 16 bits with EINVAL', async () => {
  await expect(chunksOf(resourceDump(session.client, { type: 0x10000 }))).rejects.toMatchObject({ errno: Errno.EINVAL });
});

it('parses into segments as it streams: the menu of every type the device dumps, then TERMINATE', async () => {
  const kinds: string[] = [];
  let menu: ResourceDumpMenuRecord[] = [];
  const segments = resourceDumpSegments(resourceDump(session.client));
  let step = await segments.next();
  for (; !step.done; step = await segments.next()) {
    kinds.push(step.value.kind);
    if (step.value.kind === 'menu') menu = step.value.records;
  }
  expect(kinds).toEqual(['menu', 'terminate']);
  expect(step.value.complete).toBe(true);
  expect(step.value.command.segment_called).toBe(0xffff);
  expect(menu.length).toBeGreaterThan(10);
  expect(menu.find((r) => r.segment_name === 'FULL_QPC')).toMatchObject({ segment_type: 0x1000, index1_name: 'QPN', must_have_index1: 1 });
});
