/**
 * The public resource-dump parser on streams built here byte by byte: cut into chunks at every
 * place (each segment comes back from the push that completes it, and the result is the same as
 * parsing the whole), cut short at every length, and corrupt (zero lengths, chains off the end,
 * random bytes), never throwing and never looping.
 */
import { parseResourceDump, ResourceDumpParser, ResourceDumpSegment, resourceDumpSegments } from '../../src/fw/resource_dump_parse';
import { Rng } from '../reliability/prng';

function seg(type: number, body: Buffer): Buffer {
  const b = Buffer.alloc(4 + body.length);
  b.writeUInt16BE(b.length / 4, 0);
  b.writeUInt16BE(type, 2);
  body.copy(b, 4);
  return b;
}

function header(called: number): Buffer {
  const info = seg(0xfffe, Buffer.from([0, 0, 0, 1, 0, 0, 2, 0x18, 0x1c, 0x27, 0x03, 0xea]));
  const cmd = Buffer.alloc(16);
  cmd.writeUInt16BE(called, 0);
  cmd.writeUInt16BE(3, 2); // vhca_id
  cmd.writeUInt32BE(0x11, 4); // index1
  return Buffer.concat([info, seg(0xfffa, cmd)]);
}

function textBody(syndrome: number, text: string): Buffer {
  const b = Buffer.alloc(44);
  b.writeUInt16BE(syndrome, 2);
  b.write(text, 12, 'latin1');
  return b;
}

function resourceBody(index1: number, index2: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt32BE(index1, 4);
  b.writeUInt32BE(index2, 8);
  return Buffer.concat([b, payload]);
}

function menuBody(names: string[]): Buffer {
  const records = names.map((name, i) => {
    const r = Buffer.alloc(52);
    r.writeUInt16BE(0x3, 0); // support_index1 and must_have_index1
    r.writeUInt16BE(0x100 + i, 2);
    r.write(name, 4, 'latin1');
    r.write('QPN', 0x14, 'latin1');
    return r;
  });
  const count = Buffer.alloc(4);
  count.writeUInt16BE(names.length, 2);
  return Buffer.concat([count, ...records]);
}

async function* chunksOf(buffers: Buffer[]): AsyncGenerator<Buffer> {
  yield* buffers;
}

const PAYLOAD = Buffer.from(Array.from({ length: 24 }, (_, i) => i));
const NOTICE = seg(0xfff9, textBody(0x12, 'just so you know'));
const RESOURCE = seg(0x1000, resourceBody(5, 7, PAYLOAD));
const MENU = seg(0xffff, menuBody(['FULL_QPC', 'HW_CQC']));
const TERMINATE = seg(0xfffb, Buffer.alloc(0));
const DUMP = Buffer.concat([header(0x1000), NOTICE, RESOURCE, MENU, TERMINATE]);
const OFFSETS = [36, 36 + NOTICE.length, 36 + NOTICE.length + RESOURCE.length, 36 + NOTICE.length + RESOURCE.length + MENU.length];

describe('parseResourceDump', () => {
  test('decodes the header and every kind of segment by its PRM field names', () => {
    const dump = parseResourceDump(DUMP);
    expect(dump.size).toBe(DUMP.length);
    expect(dump.complete).toBe(true);
    expect(dump.overflow).toBeUndefined();
    expect(dump.info).toEqual({ dump_version: 1, hw_version: 0x218, fw_version: 0x1c2703ea });
    expect(dump.command).toEqual({
      segment_header: { length_dw: 5, segment_type: 0xfffa }, segment_called: 0x1000, vhca_id: 3, index1: 0x11, index2: 0, num_of_obj1: 0, num_of_obj2: 0,
    });
    expect(dump.segments.map((s) => [s.kind, s.offset, s.length])).toEqual([
      ['notice', OFFSETS[0], 48],
      ['resource', OFFSETS[1], 16 + PAYLOAD.length],
      ['menu', OFFSETS[2], 8 + 2 * 52],
      ['terminate', OFFSETS[3], 4],
    ]);
    const [notice, resource, menu] = dump.segments;
    expect(notice).toMatchObject({ kind: 'notice', fields: { syndrome_id: 0x12, notice: 'just so you know' } });
    expect(resource).toMatchObject({ kind: 'resource', fields: { index1: 5, index2: 7 } });
    expect(resource?.kind === 'resource' && resource.payload).toEqual(PAYLOAD);
    expect(menu?.kind === 'menu' && menu.records.map((r) => [r.segment_type, r.segment_name, r.index1_name, r.support_index1, r.must_have_index1, r.support_index2])).toEqual([
      [0x100, 'FULL_QPC', 'QPN', 1, 1, 0],
      [0x101, 'HW_CQC', 'QPN', 1, 1, 0],
    ]);
  });

  test('stops at an ERROR segment and ignores what follows it', () => {
    const data = Buffer.concat([header(0x1000), seg(0xfffc, textBody(0x34, 'no such QP')), RESOURCE, TERMINATE]);
    const dump = parseResourceDump(data);
    expect(dump.segments).toEqual([{ kind: 'error', offset: 36, type: 0xfffc, length: 48, fields: { syndrome_id: 0x34, error: 'no such QP' } }]);
    expect(dump.complete).toBe(true);
    expect(dump.size).toBe(data.length);
  });

  test('a reference segment', () => {
    const body = Buffer.alloc(16);
    body.writeUInt16BE(0x2000, 2);
    body.writeUInt32BE(9, 4);
    body.writeUInt32BE(1, 8);
    body.writeUInt16BE(4, 12);
    const dump = parseResourceDump(Buffer.concat([header(0x1000), seg(0xfffd, body), TERMINATE]));
    expect(dump.segments[0]).toEqual({ kind: 'reference', offset: 36, type: 0xfffd, length: 20, fields: { reference_segment_type: 0x2000, index1: 9, index2: 1, num_of_obj1: 4, num_of_obj2: 0 } });
  });
});

describe('ResourceDumpParser on split streams', () => {
  test('one byte at a time: each segment comes back from the push of its last byte', () => {
    const parser = new ResourceDumpParser();
    const seen: Array<[number, ResourceDumpSegment]> = [];
    for (let i = 0; i < DUMP.length; i++) {
      for (const s of parser.push(DUMP.subarray(i, i + 1))) seen.push([i, s]);
      if (i === 34) expect(parser.header).toBeUndefined();
      if (i === 35) expect(parser.header?.command.segment_called).toBe(0x1000);
    }
    expect(seen.map(([i, s]) => i + 1 - s.offset - s.length)).toEqual([0, 0, 0, 0]);
    expect(parser.end()).toEqual(parseResourceDump(DUMP));
  });

  test('cut in two at every place, and in chunks of every size, it parses as the whole', () => {
    const whole = parseResourceDump(DUMP);
    for (let cut = 0; cut <= DUMP.length; cut++) {
      const parser = new ResourceDumpParser();
      const returned = [...parser.push(DUMP.subarray(0, cut)), ...parser.push(DUMP.subarray(cut))];
      expect(returned).toEqual(whole.segments);
      expect(parser.end()).toEqual(whole);
    }
    for (let size = 1; size <= DUMP.length; size++) {
      const parser = new ResourceDumpParser();
      for (let at = 0; at < DUMP.length; at += size) parser.push(DUMP.subarray(at, at + size));
      expect(parser.end()).toEqual(whole);
    }
  });

  test('resourceDumpSegments streams the segments of chunks as resourceDump yields them, and returns the dump', async () => {
    async function* chunks(): AsyncGenerator<{ data: Buffer }> {
      for (let at = 0; at < DUMP.length; at += 50) yield { data: DUMP.subarray(at, at + 50) };
    }
    const iterator = resourceDumpSegments(chunks());
    const kinds: string[] = [];
    let step = await iterator.next();
    while (!step.done) {
      kinds.push(step.value.kind);
      step = await iterator.next();
    }
    expect(kinds).toEqual(['notice', 'resource', 'menu', 'terminate']);
    expect(step.value).toEqual(parseResourceDump(DUMP));
  });
});

describe('truncated and corrupt streams', () => {
  test('cut short at every length: never complete, never throws, and says where the chain stopped', () => {
    for (let cut = 0; cut < DUMP.length; cut++) {
      const dump = parseResourceDump(DUMP.subarray(0, cut));
      expect(dump.complete).toBe(false);
      expect(dump.size).toBe(cut);
      if (cut < 36) {
        expect(dump.headerTruncated).toBe(true);
        expect(dump.segments).toEqual([]);
        continue;
      }
      const whole = OFFSETS.filter((o, i) => o + [NOTICE, RESOURCE, MENU, TERMINATE][i]!.length <= cut).length;
      const last = dump.segments[dump.segments.length - 1];
      const partial = OFFSETS.some((o) => o < cut && o + 4 <= cut) && dump.segments.length > whole;
      if (partial) {
        // The segment the cut fell in: its header arrived, its body did not.
        expect(last?.truncated).toBe(true);
        expect(dump.overflow).toBe(last!.offset + last!.length);
      } else if (dump.segments.length > 0) {
        expect(dump.overflow).toBe(OFFSETS[whole] ?? cut);
      } else {
        expect(dump.overflow).toBeUndefined();
      }
      expect(dump.segments.filter((s) => !s.truncated)).toHaveLength(whole);
    }
  });

  test('a truncated resource keeps the payload bytes that arrived; resourceDumpSegments yields it last', async () => {
    const data = Buffer.concat([header(0x1000), RESOURCE.subarray(0, 16 + 10)]);
    const dump = parseResourceDump(data);
    expect(dump.segments).toEqual([{ kind: 'resource', offset: 36, type: 0x1000, length: 40, truncated: true, fields: { index1: 5, index2: 7 }, payload: PAYLOAD.subarray(0, 10) }]);
    expect(dump.overflow).toBe(76);
    const streamed: ResourceDumpSegment[] = [];
    for await (const s of resourceDumpSegments(chunksOf([data.subarray(0, 40), data.subarray(40)]))) streamed.push(s);
    expect(streamed).toEqual(dump.segments);
  });

  test('a truncated ERROR segment ends the walk, its text read as far as it came, and the dump is not complete', () => {
    const dump = parseResourceDump(Buffer.concat([header(0x1000), seg(0xfffc, textBody(0x34, 'no such QP')).subarray(0, 20)]));
    expect(dump.segments).toEqual([{ kind: 'error', offset: 36, type: 0xfffc, length: 48, truncated: true, fields: { syndrome_id: 0x34, error: 'no s' } }]);
    expect(dump.complete).toBe(false);
    expect(dump.overflow).toBeUndefined();
  });

  test('a zero length_dw stops the walk there instead of looping', () => {
    const zero = Buffer.from([0, 0, 0x10, 0x00, 0xaa, 0xbb, 0xcc, 0xdd]);
    const dump = parseResourceDump(Buffer.concat([header(0x1000), NOTICE, zero, TERMINATE]));
    expect(dump.segments.map((s) => [s.kind, s.offset, s.length])).toEqual([['notice', 36, 48], ['resource', 84, 0]]);
    expect(dump.overflow).toBe(84);
    expect(dump.complete).toBe(false);
  });

  test('a chain that ends without TERMINATE, or with stray bytes, overflows where it stopped', () => {
    expect(parseResourceDump(Buffer.concat([header(0x1000), NOTICE]))).toMatchObject({ complete: false, overflow: 84 });
    expect(parseResourceDump(Buffer.concat([header(0x1000), NOTICE, Buffer.from([1, 2])]))).toMatchObject({ complete: false, overflow: 84 });
  });

  test('bytes after TERMINATE count in the size but are never parsed', () => {
    const dump = parseResourceDump(Buffer.concat([DUMP, Buffer.from([0, 0, 0, 0, 0xff])]));
    expect(dump.size).toBe(DUMP.length + 5);
    expect(dump.segments).toHaveLength(4);
    expect(dump.complete).toBe(true);
  });

  test('random bytes after a valid header: no throw, segments in order inside the data, chunking does not matter', () => {
    const rng = new Rng(Number(process.env.MLX5CTL_FUZZ_SEED ?? 0x5eed));
    for (let n = 0; n < 500; n++) {
      const tail = Buffer.from(Array.from({ length: rng.range(0, 300) }, () => rng.int(256)));
      // Keep length_dw small often, so chains of several segments are walked.
      for (let at = 0; at + 1 < tail.length; at += 2 + rng.int(40)) if (rng.int(2) === 0) tail[at] = 0;
      const data = Buffer.concat([header(rng.int(0x10000)), tail]);
      const whole = parseResourceDump(data);
      let next = 36;
      for (const s of whole.segments) {
        expect(s.offset).toBe(next);
        expect(s.offset + 4).toBeLessThanOrEqual(data.length);
        next = s.offset + s.length;
      }
      const parser = new ResourceDumpParser();
      for (let at = 0; at < data.length; ) {
        const size = 1 + rng.int(64);
        parser.push(data.subarray(at, at + size));
        at += size;
      }
      expect(parser.end()).toEqual(whole);
    }
  });
});
