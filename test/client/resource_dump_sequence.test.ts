/**
 * resourceDump against a device that answers out of sequence: the iterator yields what came in
 * order and then fails with EREMOTEIO, as rscdump.c does, instead of stitching foreign chunks.
 */
import type { Mlx5ctlClient } from '../../src/client/client';
import { resourceDump, ResourceDumpChunk } from '../../src/client/resource_dump';
import { RESOURCE_DUMP_REG_SIZE } from '../../src/fw/resource_dump';
import { Errno } from '../../src/uapi/errno';
import { layout } from '../../src/uapi/ifc';

const reg = layout('resource_dump');

/** A device whose replies carry the given seq_num values, each with more_dump set and 8 bytes. */
function deviceAnswering(seqNums: number[]): Mlx5ctlClient {
  let call = 0;
  return {
    cmdrpc: async (_inbox: Buffer, outlen: number) => {
      const out = Buffer.alloc(outlen);
      const reply = out.subarray(16, 16 + RESOURCE_DUMP_REG_SIZE);
      reg.uint('seq_num').set(reply, seqNums[call++] ?? 0);
      reg.uint('more_dump').set(reply, 1);
      reg.uint('size').set(reply, 8);
      return out;
    },
  } as unknown as Mlx5ctlClient;
}

it('stops with EREMOTEIO at the first reply out of sequence', async () => {
  const seen: ResourceDumpChunk[] = [];
  const run = async (): Promise<void> => {
    for await (const chunk of resourceDump(deviceAnswering([1, 2, 7]))) seen.push(chunk);
  };
  await expect(run()).rejects.toMatchObject({ errno: Errno.EREMOTEIO });
  expect(seen.map((c) => c.round)).toEqual([0, 1]);
  expect(seen[1]!.total).toBe(16);
});
