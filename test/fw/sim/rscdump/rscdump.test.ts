import { SimDevice } from '../../../../src/fw/sim/device';
import { renderDump } from '../../../../src/fw/sim/rscdump';
import { setDumpMemoryWriter } from '../../../../src/fw/sim/registers';
import { FwStatus } from '../../../../src/fw/status';

const REG = 0xc000;

/** resource_dump register (256 B) built by hand: offsets from the PRM table, not the code under test. */
interface DumpIn {
  inline?: boolean;
  seq?: number;
  more?: boolean;
  type: number;
  index1?: number;
  index2?: number;
  num1?: number;
  num2?: number;
  opaque?: bigint;
  mkey?: number;
  size?: number;
  address?: bigint;
}

function dumpReg(d: DumpIn): Buffer {
  const b = Buffer.alloc(256);
  b.writeUInt32BE(((d.more ? 1 : 0) << 31 | (d.inline === false ? 0 : 1) << 30 | ((d.seq ?? 0) & 0xf) << 16) >>> 0, 0);
  b.writeUInt16BE(d.type, 2);
  b.writeUInt32BE(d.index1 ?? 0, 8);
  b.writeUInt32BE(d.index2 ?? 0, 12);
  b.writeUInt16BE(d.num1 ?? 0, 16);
  b.writeUInt16BE(d.num2 ?? 0, 18);
  b.writeBigUInt64BE(d.opaque ?? 0n, 24);
  b.writeUInt32BE(d.mkey ?? 0, 32);
  b.writeUInt32BE(d.size ?? 0, 36);
  b.writeBigUInt64BE(d.address ?? 0n, 40);
  return b;
}

interface DumpOut {
  status: number;
  syndrome: number;
  more: boolean;
  seq: number;
  opaque: bigint;
  size: number;
  inline: Buffer;
  raw: Buffer;
}

function call(dev: SimDevice, data: Buffer, opMod = 1, uid = 0): DumpOut {
  const inbox = Buffer.alloc(16 + 256);
  inbox.writeUInt16BE(0x805, 0);
  inbox.writeUInt16BE(uid, 2);
  inbox.writeUInt16BE(opMod, 6);
  inbox.writeUInt16BE(REG, 10);
  data.copy(inbox, 16);
  const out = dev.executeSync(inbox, 16 + 256);
  const r = out.subarray(16);
  return {
    status: out.readUInt8(0),
    syndrome: out.readUInt32BE(4),
    more: r.readUInt32BE(0) >>> 31 === 1,
    seq: (r.readUInt32BE(0) >>> 16) & 0xf,
    opaque: r.readBigUInt64BE(24),
    size: r.readUInt32BE(36),
    inline: Buffer.from(r.subarray(0x30, 0x30 + r.readUInt32BE(36))),
    raw: Buffer.from(r),
  };
}

/** mlx5ctl's rscdump_collect loop: copy seq/indexes/more/opaque back until more_dump clears. */
function collect(dev: SimDevice, first: DumpIn, opMod = 1): { stream: Buffer; rpcs: number; seqs: number[] } {
  const chunks: Buffer[] = [];
  const seqs: number[] = [];
  let req = dumpReg(first);
  for (let rpcs = 1; ; rpcs++) {
    const out = call(dev, req, opMod);
    expect(out.status).toBe(0);
    expect(out.size).toBeLessThanOrEqual(208);
    const inSeq = (req.readUInt32BE(0) >>> 16) & 0xf;
    if (out.seq !== 0) expect(out.seq).toBe((inSeq + 1) & 0xf);
    seqs.push(out.seq);
    chunks.push(out.inline);
    if (!out.more) return { stream: Buffer.concat(chunks), rpcs, seqs };
    req = Buffer.from(req);
    req.writeUInt32BE(((out.raw.readUInt32BE(0) & 0x800f0000) | 0x40000000 | (req.readUInt32BE(0) & 0xffff)) >>> 0, 0);
    out.raw.copy(req, 8, 8, 20); // index1, index2, num_of_obj1/2
    out.raw.copy(req, 24, 24, 32); // device_opaque
  }
}

interface Segment {
  type: number;
  body: Buffer;
}

/** Splits a stream after the 16 B info and 20 B cmd segments into its chain. */
function parse(stream: Buffer): { info: Buffer; cmd: Buffer; segments: Segment[] } {
  const info = stream.subarray(0, 16);
  const cmd = stream.subarray(16, 36);
  const segments: Segment[] = [];
  for (let at = 36; at < stream.length; ) {
    const len = stream.readUInt16BE(at) * 4;
    segments.push({ type: stream.readUInt16BE(at + 2), body: stream.subarray(at, at + len) });
    expect(len).toBeGreaterThanOrEqual(4);
    at += len;
  }
  return { info, cmd, segments };
}

const str = (b: Buffer, from: number, len: number): string => b.toString('latin1', from, from + len).replace(/\0+$/, '');

describe('resource dump: inline mode', () => {
  it('dumps the menu: info, cmd, a 45-record menu and terminate, 2388 bytes in 208-byte pieces', () => {
    const dev = new SimDevice();
    const { stream, rpcs, seqs } = collect(dev, { type: 0xffff });
    expect(stream.length).toBe(2388);
    expect(rpcs).toBe(Math.ceil(2388 / 208));
    expect(seqs.slice(0, 3)).toEqual([1, 2, 3]);
    const { info, cmd, segments } = parse(stream);
    expect(info.readUInt32BE(0)).toBe((4 << 16) | 0xfffe);
    expect(info.readUInt32BE(8)).toBe(0x218);
    expect(cmd.readUInt32BE(0)).toBe((5 << 16) | 0xfffa);
    expect(cmd.readUInt16BE(4)).toBe(0xffff);
    expect(segments.map((s) => s.type)).toEqual([0xffff, 0xfffb]);
    const menu = segments[0]!.body;
    expect(menu.readUInt16BE(6)).toBe(45);
    const records = Array.from({ length: 45 }, (_, i) => menu.subarray(8 + 52 * i, 8 + 52 * (i + 1)));
    const byName = new Map(records.map((r) => [str(r, 4, 16), r]));
    expect(byName.get('HW_CQPC')?.readUInt16BE(2)).toBe(0x2);
    expect(byName.get('FULL_QPC')?.readUInt16BE(2)).toBe(0x1000);
    expect(byName.get('FULL_CQC')?.readUInt16BE(2)).toBe(0x1200);
    expect(byName.get('PRM_QUERY_MKEY')?.readUInt16BE(2)).toBe(0x4030);
    const fte = byName.get('QUERY_FTE')!;
    expect([str(fte, 0x14, 16), str(fte, 0x24, 16)]).toEqual(['TABLE_ID', 'FLOW_IX']);
    expect(fte.readUInt16BE(0) & 0x1).toBe(1); // support_index1 (bit 0xf)
    expect(stream.equals(renderDump(dev.state, { segmentType: 0xffff }))).toBe(true);
  });

  it('also answers the kernel rsc_dump.c, which writes the register (op_mod 0)', () => {
    const { stream } = collect(new SimDevice(), { type: 0xffff }, 0);
    expect(stream.length).toBe(2388);
  });

  it('dumps an object segment built from the object store, as its PRM context', () => {
    const dev = new SimDevice();
    dev.state.objects.add('cq', 0, { logSize: 10, eqn: 3, period: 16, count: 64, dbr: 0x1234 }, 0xabc400);
    const { stream } = collect(dev, { type: 0x1200, index1: 0xabc400 });
    const { cmd, segments } = parse(stream);
    expect(cmd.readUInt32BE(8)).toBe(0xabc400);
    expect(segments.map((s) => s.type)).toEqual([0x1200, 0xfffb]);
    const seg = segments[0]!.body;
    expect(seg.readUInt32BE(8)).toBe(0xabc400); // index1
    // The 64-byte cqc (mlx5_ifc.h): log_cq_size at bit 0x63, c_eqn at 0xa0, dbr_addr at 0x1c0.
    const cqc = seg.subarray(16);
    expect(cqc.length).toBe(64);
    expect((cqc.readUInt32BE(12) >>> 24) & 0x1f).toBe(10);
    expect(cqc.readUInt32BE(20)).toBe(3);
    expect(cqc.readBigUInt64BE(56)).toBe(0x1234n);
  });

  it('reports a bad index as an ERROR segment with syndrome and text', () => {
    const { stream } = collect(new SimDevice(), { type: 0x1000, index1: 0xfff77 });
    const { segments } = parse(stream);
    expect(segments.map((s) => s.type)).toEqual([0xfffc, 0xfffb]);
    const err = segments[0]!.body;
    expect(err.readUInt16BE(6)).toBe(0x2);
    expect(str(err, 16, 32)).toBe('Invalid index1 0xfff77');
    const unknown = parse(collect(new SimDevice(), { type: 0x7777 }).stream).segments[0]!.body;
    expect(unknown.readUInt16BE(2)).toBe(0xfffc);
  });

  it('dumps many objects with num_of_obj1 = all, seq_num wrapping after 15', () => {
    const dev = new SimDevice();
    for (let i = 0; i < 60; i++) dev.state.objects.add('cq', 0, { n: i }, 0xa00100 + i);
    const { stream, seqs } = collect(dev, { type: 0x1200, index1: 0xa00100, num1: 0xffff });
    expect(seqs.length).toBeGreaterThan(16);
    expect(seqs[14]).toBe(15);
    expect(seqs[15]).toBe(0);
    expect(seqs[16]).toBe(1);
    const { segments } = parse(stream);
    expect(segments.filter((s) => s.type === 0x1200).map((s) => s.body.readUInt32BE(8))).toEqual(Array.from({ length: 60 }, (_, i) => 0xa00100 + i));
  });

  it('refuses a continuation with a wrong seq_num or a stale opaque', () => {
    const dev = new SimDevice();
    const first = call(dev, dumpReg({ type: 0xffff }));
    expect(first.more).toBe(true);
    expect(first.opaque).not.toBe(0n);
    const badSeq = call(dev, dumpReg({ type: 0xffff, seq: 5, more: true, opaque: first.opaque }));
    expect(badSeq.status).toBe(FwStatus.BAD_PARAM);
    expect(badSeq.syndrome).toBe(0x6a1e0020);
    const stale = call(dev, dumpReg({ type: 0xffff, seq: 1, more: true, opaque: 0x1234n }));
    expect(stale.status).toBe(FwStatus.BAD_PARAM);
    expect(stale.syndrome).toBe(0x6a1e0021);
    // The refused requests did not disturb the dump in progress.
    const next = call(dev, dumpReg({ type: 0xffff, seq: 1, more: true, opaque: first.opaque }));
    expect(next.status).toBe(0);
    expect(next.seq).toBe(2);
  });

  it('lets only the UID that started a dump continue it', () => {
    const dev = new SimDevice();
    const first = call(dev, dumpReg({ type: 0xffff }));
    const other = call(dev, dumpReg({ type: 0xffff, seq: 1, more: true, opaque: first.opaque }), 1, 7);
    expect(other.status).toBe(FwStatus.BAD_PARAM);
    expect(other.syndrome).toBe(0x6a1e0021);
  });

  it('forgets a finished dump', () => {
    const dev = new SimDevice();
    const out = call(dev, dumpReg({ type: 0x7777 }));
    expect(out.more).toBe(false);
    expect(call(dev, dumpReg({ type: 0x7777, seq: out.seq, opaque: out.opaque })).status).toBe(FwStatus.BAD_PARAM);
  });
});

describe('resource dump: mkey mode', () => {
  it('is refused when the mkey does not exist, and the refused dump is not kept', () => {
    const dev = new SimDevice();
    const out = call(dev, dumpReg({ type: 0xffff, inline: false, mkey: 0xfff1234, size: 4096 }));
    expect(out.status).not.toBe(0);
    expect(out.syndrome).not.toBe(0);
  });

  it('is refused with size 0', () => {
    const out = call(new SimDevice(), dumpReg({ type: 0xffff, inline: false, mkey: 0x1234, size: 0 }));
    expect(out.status).toBe(FwStatus.BAD_PARAM);
    expect(out.syndrome).toBe(0x6a1e0023);
  });

  it('writes the stream through the installed writer, size bytes at a time', () => {
    const dev = new SimDevice();
    const memory: Buffer[] = [];
    setDumpMemoryWriter(dev.state, { write: ({ data, mkey }) => { expect(mkey).toBe(0x4201); memory.push(Buffer.from(data)); } });
    let req = dumpReg({ type: 0xffff, inline: false, mkey: 0x4201, size: 1024 });
    for (;;) {
      const out = call(dev, req, 0);
      expect(out.status).toBe(0);
      if (!out.more) break;
      req = Buffer.from(req);
      req.writeUInt32BE(((out.raw.readUInt32BE(0) & 0x800f0000) | (req.readUInt32BE(0) & 0xffff)) >>> 0, 0);
      out.raw.copy(req, 24, 24, 32);
    }
    expect(memory.map((m) => m.length)).toEqual([1024, 1024, 340]);
    expect(Buffer.concat(memory).equals(renderDump(dev.state, { segmentType: 0xffff }))).toBe(true);
  });
});

describe('CORE_DUMP register (implemented by the memory feature, wired into ACCESS_REG here)', () => {
  const coreDump = (dev: SimDevice, type: number, mkey = 0x55, size = 2 << 20): { status: number; syndrome: number } => {
    const inbox = Buffer.alloc(16 + 64);
    inbox.writeUInt16BE(0x805, 0);
    inbox.writeUInt16BE(1, 6);
    inbox.writeUInt16BE(0x402e, 10);
    inbox.writeUInt8(type, 16 + 3);
    inbox.writeUInt32BE(mkey, 16 + 0x10);
    inbox.writeUInt32BE(size, 16 + 0x14);
    inbox.writeBigUInt64BE(0x7f0000000000n, 16 + 0x18);
    const out = dev.executeSync(inbox, 16 + 64);
    return { status: out.readUInt8(0), syndrome: out.readUInt32BE(4) };
  };

  it('answers CR_DUMP_TO_MEM without a valid mkey with an error status and syndrome', () => {
    const r = coreDump(new SimDevice(), 2);
    expect(r.status).not.toBe(0);
    expect(r.syndrome).not.toBe(0);
    expect(coreDump(new SimDevice(), 0)).toEqual({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e0010 });
    expect(coreDump(new SimDevice(), 2, 0x55, 0).status).toBe(FwStatus.BAD_PARAM);
  });

  it('is advertised in the register table (not BAD_PARAM "register not supported")', () => {
    expect(coreDump(new SimDevice(), 2).syndrome).not.toBe(0x6a1e0001);
  });
});

describe('resource dump: object images are what QUERY_* returns', () => {
  // A frozen clock: traffic counters in contexts move with time, and the dump and the query
  // must see the same moment for a byte-for-byte comparison.
  const frozen = { nowMs: () => 123456 };

  /** QUERY_* as the kernel sends it: opcode, then the object number at its PRM offset. */
  function query(dev: SimDevice, opcode: number, idBit: number, idWidth: number, id: number, outLen: number): Buffer {
    const inbox = Buffer.alloc(16);
    inbox.writeUInt16BE(opcode, 0);
    const dw = idBit >>> 5;
    const shift = 32 - (idBit % 32) - idWidth;
    inbox.writeUInt32BE((inbox.readUInt32BE(dw * 4) | (id << shift)) >>> 0, dw * 4);
    const out = dev.executeSync(inbox, outLen);
    expect(out.readUInt8(0)).toBe(0);
    return out;
  }

  const single = (dev: SimDevice, type: number, index1: number): Buffer => {
    const { segments } = parse(collect(dev, { type, index1 }).stream);
    expect(segments.map((s) => s.type)).toEqual([type, 0xfffb]);
    return segments[0]!.body.subarray(16); // after the 16-byte resource segment header
  };

  // [object type, QUERY opcode, id bit, id width, outbox bytes, context byte offset, context bytes, FULL_* segment, PRM_QUERY_* segment]
  const cases = [
    ['cq', 0x402, 0x48, 24, 0x110, 0x10, 0x40, 0x1200, 0x4001],
    ['eq', 0x303, 0x58, 8, 0x110, 0x10, 0x40, 0x1300, 0x4002],
    ['qp', 0x50b, 0x48, 24, 0x110, 0x18, 0xe8, 0x1000, 0x4000],
    ['tir', 0x903, 0x48, 24, 0x110, 0x20, 0xf0, 0x1600, 0x4006],
  ] as const;

  it.each(cases)('%s: the context segment is the context, the PRM segment the whole outbox', (type, opcode, idBit, idWidth, outLen, ctxAt, ctxLen, full, prm) => {
    const dev = new SimDevice({ clock: frozen });
    const obj = dev.state.objects.list(type)[0];
    expect(obj).toBeDefined();
    const out = query(dev, opcode, idBit, idWidth, obj!.id, outLen);
    const ctx = out.subarray(ctxAt, ctxAt + ctxLen);
    expect(ctx.some((b) => b !== 0)).toBe(true);
    expect(single(dev, full, obj!.id).equals(ctx)).toBe(true);
    expect(single(dev, prm, obj!.id).subarray(0, outLen).equals(out)).toBe(true);
  });

  it('keeps the generic image for objects without a QUERY command (PDs)', () => {
    const dev = new SimDevice({ clock: frozen });
    dev.state.objects.add('pd', 0, { marker: 0x1234 }, 0x77);
    const img = single(dev, 0x1700, 0x77);
    expect(img.readUInt32BE(0)).toBe(0x77);
    expect(img.readUInt32BE(8)).toBe(0x1234);
  });
});
