/**
 * Netlink codec fuzzing with a fixed-seed PRNG: random attribute trees in random multi-message
 * datagrams, encoded, then either decoded intact (must equal the model) or damaged (bytes
 * flipped, cut short, length fields overwritten) and decoded (only NetlinkParseError may come
 * out, never a RangeError from a read past the end). The damaged datagrams also go through a
 * NetlinkSocket with requests waiting: nothing may escape, and close() settles them all.
 *
 * MLX5CTL_FUZZ_CASES scales the case count; MLX5CTL_FUZZ_SEED replays a run.
 */
import { AttrWriter, parseAttrs, readNested, type Attrs } from '../../src/netlink/attributes';
import { NlmFlag, NlmsgType } from '../../src/netlink/constants';
import { NetlinkError, NetlinkParseError } from '../../src/netlink/errors';
import { decodeGenl, encodeGenlPayload } from '../../src/netlink/genl';
import { encodeMessage, parseDoneMessage, parseErrorMessage, splitMessages } from '../../src/netlink/message';
import { NetlinkSocket } from '../../src/netlink/socket';
import { envCount, fuzzSeed, Rng } from '../reliability/prng';
import { FakeKernel } from './fake_transport';

type Node = { type: number; bytes: Buffer } | { type: number; children: Node[] };

function randomTree(rng: Rng, depth: number): Node[] {
  return Array.from({ length: rng.int(6) }, () => {
    const type = rng.range(1, 0x3fff);
    if (depth < 3 && rng.chance(0.3)) return { type, children: randomTree(rng, depth + 1) };
    return { type, bytes: rng.bytes(rng.pick([0, 1, 2, 3, 4, 5, 8, rng.int(300)])) };
  });
}

function write(writer: AttrWriter, nodes: Node[]): AttrWriter {
  for (const node of nodes) {
    if ('children' in node) writer.nest(node.type, (inner) => write(inner, node.children));
    else writer.put(node.type, node.bytes);
  }
  return writer;
}

/** Decodes every attribute, descending into those the model says are nests. */
function read(attrs: Attrs, model: Node[]): Node[] {
  return attrs.list.map((attr, i) => {
    const expected = model[i];
    return expected && 'children' in expected
      ? { type: attr.type, children: read(readNested(attr), expected.children) }
      : { type: attr.type, bytes: Buffer.from(attr.data) };
  });
}

/** Decodes as a consumer would without a model: nests by their flag, control messages by type. */
function decodeBlind(datagram: Buffer): void {
  for (const message of splitMessages(datagram)) {
    if (message.header.type === NlmsgType.ERROR) parseErrorMessage(message);
    else if (message.header.type === NlmsgType.DONE) parseDoneMessage(message);
    else descend(decodeGenl(message).attrs);
  }
}

function descend(attrs: Attrs): void {
  for (const attr of attrs.list) if (attr.nested) descend(readNested(attr));
}

function show(value: unknown): string {
  return JSON.stringify(value);
}

function damage(rng: Rng, datagram: Buffer): Buffer {
  const out = Buffer.from(datagram);
  switch (rng.int(4)) {
    case 0: // flip a few bytes
      for (let i = rng.range(1, 4); i > 0 && out.length > 0; i--) out[rng.int(out.length)] ^= 1 << rng.int(8);
      return out;
    case 1: // cut short
      return out.subarray(0, rng.int(out.length));
    case 2: { // an nla_len or nlmsg_len somewhere becomes anything
      if (out.length < 2) return out;
      out.writeUInt16LE(rng.pick([0, 1, 3, 4, 5, 0xffff, rng.int(0x10000)]), rng.int(out.length - 1) & ~1);
      return out;
    }
    default: // trailing garbage
      return Buffer.concat([out, rng.bytes(rng.range(1, 20))]);
  }
}

describe('netlink codec fuzz', () => {
  const seed = fuzzSeed(0x6e6c6b31);
  const cases = envCount('MLX5CTL_FUZZ_CASES', 3000);

  it(`decodes intact datagrams exactly and damaged ones only with NetlinkParseError (seed ${seed}, ${cases} cases)`, () => {
    const rng = new Rng(seed);
    let damagedFailures = 0;
    for (let n = 0; n < cases; n++) {
      const models = Array.from({ length: rng.range(1, 4) }, () => ({ cmd: rng.int(256), seq: rng.u32(), tree: randomTree(rng, 0) }));
      const datagram = Buffer.concat(models.map((m) =>
        encodeMessage({ type: 0x20, flags: NlmFlag.MULTI, seq: m.seq, portId: 1 }, encodeGenlPayload(m.cmd, 1, write(new AttrWriter(16), m.tree).bytes()))));
      // Compared as text: jest's deep equality on thousands of Buffers would dominate the run.
      const decoded = splitMessages(datagram).map((message) => {
        const genl = decodeGenl(message);
        return { cmd: genl.cmd, seq: message.header.seq, tree: read(genl.attrs, models.find((m) => m.seq === message.header.seq)?.tree ?? []) };
      });
      if (show(decoded) !== show(models)) throw new Error(`seed ${seed} case ${n}: decoded ${show(decoded)}, encoded ${show(models)}`);
      const broken = damage(rng, datagram);
      try {
        decodeBlind(broken);
      } catch (error) {
        if (!(error instanceof NetlinkParseError)) throw new Error(`seed ${seed} case ${n}: ${String(error)}`);
        damagedFailures++;
      }
    }
    // The damage must actually exercise the error paths, not only pass through harmlessly.
    expect(damagedFailures).toBeGreaterThan(cases / 10);
  });

  it('a socket fed damaged replies never throws and settles every request on close', async () => {
    const rng = new Rng(seed ^ 0x55);
    const kernel = new FakeKernel((req, k) => {
      const good = Buffer.concat([k.reply(req, 0x20, encodeGenlPayload(1, 1, write(new AttrWriter(), randomTree(rng, 0)).bytes()), NlmFlag.MULTI), k.done(req)]);
      return [rng.chance(0.5) ? damage(rng, good) : good];
    });
    const socket = new NetlinkSocket(kernel);
    const outcomes = Array.from({ length: Math.min(200, cases) }, () =>
      socket.request(0x20, Buffer.alloc(4), { dump: true }).then(
        (reply) => {
          for (const message of reply.messages) descend(decodeGenl(message).attrs);
          return 'ok';
        },
        (error: unknown) => (error instanceof NetlinkError || error instanceof NetlinkParseError ? 'failed' : `unexpected ${String(error)}`),
      ).catch((error: unknown) => (error instanceof NetlinkParseError ? 'bad payload' : `unexpected ${String(error)}`)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.close();
    const settled = await Promise.all(outcomes);
    expect(settled.filter((s) => s.startsWith('unexpected'))).toEqual([]);
    expect(settled).toContain('ok');
    expect(settled).toContain('failed');
  });

  it('parseAttrs of pure noise fails cleanly or yields in-bounds attributes', () => {
    const rng = new Rng(seed ^ 0xaa);
    for (let n = 0; n < cases; n++) {
      const noise = rng.bytes(rng.int(64));
      try {
        for (const attr of parseAttrs(noise).list) {
          expect(attr.offset + 4 + attr.data.length).toBeLessThanOrEqual(noise.length);
        }
      } catch (error) {
        if (!(error instanceof NetlinkParseError)) throw error;
      }
    }
  });
});
