/**
 * The resource-dump stream printer on streams built here byte by byte (independently of the
 * simulator): menu records, a resource segment with payload, errors, notices, and chains that run
 * off the data.
 */
import { parseResourceDump as parseDump, segmentTypeName } from '../../../src/fw/resource_dump_parse';
import { dumpLines } from '../../../tools/mlx5ctl/pretty/rscdump';

function seg(type: number, body: Buffer): Buffer {
  const total = 4 + body.length;
  const b = Buffer.alloc(total);
  b.writeUInt16BE(total / 4, 0);
  b.writeUInt16BE(type, 2);
  body.copy(b, 4);
  return b;
}

function header(called: number, index1 = 0): Buffer {
  const info = seg(0xfffe, Buffer.from([0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]));
  const cmd = Buffer.alloc(16);
  cmd.writeUInt16BE(called, 0);
  cmd.writeUInt32BE(index1, 4);
  return Buffer.concat([info, seg(0xfffa, cmd)]);
}

function menuRecord(type: number, name: string, idx1: string): Buffer {
  const r = Buffer.alloc(52);
  r.writeUInt16BE(0x3, 0); // must_have_index1 (bit 0xe) and support_index1 (bit 0xf)
  r.writeUInt16BE(type, 2);
  r.write(name, 4, 'latin1');
  r.write(idx1, 0x14, 'latin1');
  r.write('N/A', 0x24, 'latin1');
  return r;
}

const TERMINATE = seg(0xfffb, Buffer.alloc(0));

describe('resource dump printer', () => {
  it('prints the menu like the upstream tool', () => {
    const records = [menuRecord(0x2, 'HW_CQPC', 'QPN'), menuRecord(0x1000, 'FULL_QPC', 'QPN')];
    const menuBody = Buffer.concat([Buffer.from([0, 0, 0, 2]), ...records]);
    const data = Buffer.concat([header(0xffff), seg(0xffff, menuBody), TERMINATE]);
    const text = dumpLines(parseDump(data)).map((l) => (l.info !== undefined ? `INFO : ${l.info}` : l.line ?? l.raw ?? `Error : ${l.error}`));
    expect(text.slice(0, 5)).toEqual([
      `INFO : Resource dump size ${data.length}`,
      'INFO : Info Segment: type 0xfffe, length 16',
      '\tdump_version 1, hw_version 2, fw_version 03',
      'INFO : Command Segment: type 0xfffa, length 20',
      '\tsegment_called 0xffff, vhca_id 0x0, index1 0x0, index2 0x0, num_of_obj1 0, num_of_obj2 0',
    ]);
    expect(text[5]).toBe(`INFO : Menu Segment: type 0xffff, length ${4 + menuBody.length}`);
    expect(text[6]).toBe(`INFO : Resource dump menu size ${data.length} num of records 2`);
    expect(text.slice(7, 11)).toEqual(['Menu Record 0', '\tsegment_type: 0x2 (A Resource)', '\tsupport_index1: 1', '\tmust_have_index1: 1']);
    expect(text).toContain('\tsegment_name: FULL_QPC');
    expect(text).toContain('\tsegment_type: 0x1000 (Device dump)');
    expect(text.slice(-2)).toEqual(['INFO : Terminate Segment: type 0xfffb, length 4', 'INFO : end: Terminate']);
  });

  it('prints resource segments with their indexes and a hexdump of the payload', () => {
    const body = Buffer.alloc(12 + 20);
    body.writeUInt32BE(5, 4);
    body.writeUInt32BE(7, 8);
    body.fill(0xab, 12);
    const data = Buffer.concat([header(0x1000, 5), seg(0x1000, body), TERMINATE]);
    const lines = dumpLines(parseDump(data));
    expect(lines).toContainEqual({ info: '\tindex1 0x5, index2 0x7' });
    expect(lines).toContainEqual({ raw: `${'ab '.repeat(16)}\n${'ab '.repeat(4)}\n` });
  });

  it('stops at an error segment and keeps going past notices', () => {
    const notice = Buffer.alloc(44);
    notice.writeUInt16BE(0x12, 2);
    notice.write('just so you know', 12, 'latin1');
    const err = Buffer.alloc(44);
    err.writeUInt16BE(0x34, 2);
    err.write('no such QP', 12, 'latin1');
    const data = Buffer.concat([header(0x1000), seg(0xfff9, notice), seg(0xfffc, err), TERMINATE]);
    const lines = dumpLines(parseDump(data));
    expect(lines).toContainEqual({ line: '\tnotice: syndrome 0x12, just so you know' });
    expect(lines[lines.length - 1]).toEqual({ line: '\terror: syndrome 0x34, no such QP' });
  });

  it('reports a chain that runs off the data instead of looping', () => {
    const zero = Buffer.alloc(8);
    zero.writeUInt16BE(0x1000, 2); // length_dw 0
    const looped = dumpLines(parseDump(Buffer.concat([header(0x1000), zero])));
    expect(looped[looped.length - 1].error).toMatch(/^Segment overflow \d+, data size 44$/);
    const noTerminate = Buffer.concat([header(0x1000), seg(0x1000, Buffer.alloc(12))]);
    const cut = dumpLines(parseDump(noTerminate));
    expect(cut[cut.length - 1].error).toBe(`Segment overflow ${noTerminate.length}, data size ${noTerminate.length}`);
  });

  it('names the segment types', () => {
    expect([0xfff9, 0xfffa, 0xfffb, 0xfffc, 0xfffd, 0xfffe, 0xffff, 0x1000, 0x2, 0xff00].map(segmentTypeName)).toEqual([
      'Notice', 'Command', 'Terminate', 'Error', 'Reference', 'Info', 'Menu', 'Device dump', 'A Resource', 'Unknown',
    ]);
  });
});
