/**
 * dumpRounds, the read loop the client library's resourceDump and the CLI's rscdump share: it
 * continues the request with what each reply returned, stops when more_dump clears, and fails
 * with its own errors on a reply out of sequence and on a device that never stops.
 */
import { DumpEndlessError, DumpOutOfSequenceError, dumpRounds, DumpRound, INLINE_TARGET, MAX_DUMP_ROUNDS, RESOURCE_DUMP_REG_SIZE } from '../../src/fw/resource_dump';
import { Errno } from '../../src/uapi/errno';
import { layout } from '../../src/uapi/ifc';

const reg = layout('resource_dump');

interface Answer {
  seq: number;
  more: boolean;
  fill: number;
}

/** A device answering `answer(round)`, 8 inline bytes of `fill` each; records each request's seq_num. */
function device(answer: (round: number) => Answer, seen: number[] = []): (inbox: Buffer, outlen: number) => Promise<Buffer> {
  let round = 0;
  return async (inbox, outlen) => {
    // The ACCESS_REG inbox carries the register after its 16-byte header.
    seen.push(reg.uint('seq_num').get(inbox.subarray(16)));
    const a = answer(round++);
    const out = Buffer.alloc(outlen);
    const reply = out.subarray(16, 16 + RESOURCE_DUMP_REG_SIZE);
    reg.uint('seq_num').set(reply, a.seq);
    reg.uint('more_dump').set(reply, a.more ? 1 : 0);
    reg.uint('size').set(reply, 8);
    reply.fill(a.fill, 0x30, 0x38);
    return out;
  };
}

async function collect(rounds: AsyncGenerator<DumpRound>): Promise<DumpRound[]> {
  const all: DumpRound[] = [];
  for await (const r of rounds) all.push(r);
  return all;
}

it('continues with each reply\'s seq_num until more_dump clears, chunks in order', async () => {
  const seen: number[] = [];
  const rounds = await collect(dumpRounds(device((n) => ({ seq: n + 1, more: n < 2, fill: 0xa0 + n }), seen), { type: 0xffff }, INLINE_TARGET));
  expect(rounds.map((r) => [r.round, r.data.toString('hex'), r.total, r.more])).toEqual([
    [0, 'a0'.repeat(8), 8, true],
    [1, 'a1'.repeat(8), 16, true],
    [2, 'a2'.repeat(8), 24, false],
  ]);
  expect(seen).toEqual([0, 1, 2]);
});

it('fails with DumpOutOfSequenceError (EREMOTEIO) at the first reply that does not continue the request', async () => {
  const got: DumpRound[] = [];
  const run = async (): Promise<void> => {
    for await (const r of dumpRounds(device((n) => ({ seq: [1, 2, 7][n]!, more: true, fill: n })), { type: 0xffff }, INLINE_TARGET)) got.push(r);
  };
  const err = await run().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DumpOutOfSequenceError);
  expect(err).toMatchObject({ errno: Errno.EREMOTEIO, round: 2 });
  expect(got.map((r) => r.round)).toEqual([0, 1]);
});

it('fails with DumpEndlessError (EIO) after MAX_DUMP_ROUNDS reads with more_dump set', async () => {
  let reads = 0;
  const endless = device((n) => ({ seq: (n + 1) & 0xf, more: true, fill: 0 }));
  const counted = (inbox: Buffer, outlen: number): Promise<Buffer> => {
    reads++;
    return endless(inbox, outlen);
  };
  const err = await collect(dumpRounds(counted, { type: 0xffff }, INLINE_TARGET)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DumpEndlessError);
  expect(err).toMatchObject({ errno: Errno.EIO });
  expect(reads).toBe(MAX_DUMP_ROUNDS);
}, 60_000);
