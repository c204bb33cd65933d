import {
  deviceRegdump, formatCrdError, formatDword, parseCsvText, regdumpChunks, RegdumpError, TLV_SIGNATURE, walkTlvChain,
} from '../../src/regdump';
import { fakeCr, MSTFLINT_DIR, requireMstflint } from './helpers';

const LINE = /^0x[0-9a-f]{8} 0x[0-9a-f]{8}$/;

async function text(it: AsyncIterable<string>): Promise<string> {
  let s = '';
  for await (const c of it) s += c;
  return s;
}

async function failure(p: Promise<unknown>): Promise<RegdumpError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RegdumpError) return err;
    throw err;
  }
  throw new Error('expected a RegdumpError');
}

/** A TLV chain at `start` through the given blocks; the last TLV has a bad signature. */
function tlvChain(start: number, blocks: { address: number; dwords: number }[]): Map<number, number> {
  const m = new Map<number, number>();
  let at = start;
  for (const b of blocks) {
    m.set(at, TLV_SIGNATURE).set(at + 4, b.dwords | (1 << 21) | (3 << 28)).set(at + 8, b.address);
    at = b.address;
  }
  m.set(at, 0);
  return m;
}

describe('regdump generator', () => {
  it('formats mstregdump lines', () => {
    expect(formatDword(0xf0014, 0x218)).toBe('0x000f0014 0x00000218\n');
    expect(formatDword(0xffffffff, 0xdeadbeef)).toBe('0xffffffff 0xdeadbeef\n');
  });

  it('dumps CSV rows in order, then the TLV blocks, batching reads', async () => {
    const reads: [number, number][] = [];
    const cr = fakeCr(tlvChain(0x18, [{ address: 0x1000, dwords: 2 }, { address: 0x2000, dwords: 1 }]));
    const read = async (a: number, n: number) => (reads.push([a, n]), cr(a, n));
    const out = await text(regdumpChunks(() => parseCsvText('0x100,5,\n0x40,2,\n0x900,1,UNKNOWN\n'), read, { batchDwords: 3 }));
    const addrs = out.trimEnd().split('\n').map((l) => (expect(l).toMatch(LINE), parseInt(l.slice(2, 10), 16)));
    expect(addrs).toEqual([0x100, 0x104, 0x108, 0x10c, 0x110, 0x40, 0x44, 0x1000, 0x1004, 0x2000]);
    expect(reads.filter(([, n]) => n > 1)).toEqual([[0x100, 3], [0x10c, 2], [0x40, 2], [0x1000, 2]]);
    const full = await text(regdumpChunks(() => parseCsvText('0x900,1,UNKNOWN\n'), cr, { full: true, tlvStart: null }));
    expect(full).toBe(formatDword(0x900, (await cr(0x900, 1))[0]!));
  });

  it('walks the TLV chain and stops on a bad signature or address 0xFFFFFFFF', async () => {
    const chain = tlvChain(0x18, [{ address: 0x5000, dwords: 0xfffff }, { address: 0x6000, dwords: 7 }]);
    expect(await walkTlvChain(fakeCr(chain), 0x18)).toEqual([
      { address: 0x5000, dwords: 0xfffff, writable: false, fw: true, version: 3 },
      { address: 0x6000, dwords: 7, writable: false, fw: true, version: 3 },
    ]);
    chain.set(0x5008, 0xffffffff);
    expect(await walkTlvChain(fakeCr(chain), 0x18)).toHaveLength(1);
    expect(await walkTlvChain(fakeCr(new Map([[0x18, 0x12345678]])), 0x18)).toEqual([]);
  });

  it('refuses a TLV chain that loops forever', async () => {
    const loop = new Map([[0x18, TLV_SIGNATURE], [0x1c, 1], [0x20, 0x18]]);
    expect((await failure(walkTlvChain(fakeCr(loop), 0x18))).code).toBe('EXCEED_VALUE');
  });

  it('turns a failed read into CRD_CR_READ_ERR after the lines already printed, as mstflint does', async () => {
    const bad = async (a: number, n: number) => {
      if (a === 0x40) throw Object.assign(new Error('nope'), { errno: -95 });
      return fakeCr()(a, n);
    };
    const chunks: string[] = [];
    const err = await failure((async () => { for await (const c of regdumpChunks(() => parseCsvText('0x0,1,\n0x40,1,\n'), bad, { tlvStart: null })) chunks.push(c); })());
    expect(chunks).toEqual([formatDword(0, (await fakeCr()(0, 1))[0]!)]);
    expect([err.code, err.rc, formatCrdError(err)]).toEqual(['CR_READ_ERR', 2, '-E- Cr read (0x00000040) failed: Operation not supported(95)\n']);
  });

  it('validates the whole CSV before the first line', async () => {
    const chunks: string[] = [];
    const err = await failure((async () => { for await (const c of regdumpChunks(() => parseCsvText('0x0,1,\n0xZ,1,\n'), fakeCr())) chunks.push(c); })());
    expect([chunks.length, err.rc]).toEqual([0, 5]);
  });

  it('stops on a cause bit (--cause) without printing the offending dword', async () => {
    let n = 0;
    const cr = fakeCr();
    const read = async (a: number, c: number) => (a === 0x9000 ? Uint32Array.of(++n >= 3 ? 1 << 4 : 0) : cr(a, c));
    const chunks: string[] = [];
    const err = await failure((async () => { for await (const c of regdumpChunks(() => parseCsvText('0x100,4,\n'), read, { tlvStart: null, cause: { addr: 0x9000, bit: 4 } })) chunks.push(c); })());
    expect(chunks).toHaveLength(2);
    expect([err.code, err.rc, err.message]).toEqual(['CAUSE_BIT', 11, 'Cause bit set by read from address 0x108']);
  });

  it('identifies a ConnectX-7 and streams all 230,590 CSV lines plus TLVs through a counting sink', async () => {
    requireMstflint(`${MSTFLINT_DIR}/ConnectX7.csv`);
    const cr = fakeCr(new Map([[0xf0014, 0x00010218], ...tlvChain(0x18, [{ address: 0x7000000, dwords: 10 }])]));
    let calls = 0;
    const read = async (a: number, n: number) => (calls++, cr(a, n));
    const dump = await deviceRegdump(read, { batchDwords: 16384 });
    expect([dump.typeName, dump.csvPath]).toEqual(['ConnectX7', `${MSTFLINT_DIR}/ConnectX7.csv`]);
    let lines = 0;
    let bytes = 0;
    let biggest = 0;
    let devid = '';
    let last = '';
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = 0;
    for await (const chunk of dump.chunks) {
      lines += chunk.length / 22;
      bytes += chunk.length;
      biggest = Math.max(biggest, chunk.length);
      const i = chunk.indexOf('0x000f0014 ');
      if (i >= 0) devid = chunk.slice(i, i + 21);
      last = chunk.slice(-22);
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed - heapBefore);
    }
    expect(lines).toBe(230_590 + 10);
    expect(bytes).toBe((230_590 + 10) * 22); // about 5.07 MB, never held at once
    expect(biggest).toBeLessThanOrEqual(16384 * 22);
    expect(devid).toBe('0x000f0014 0x00010218');
    expect(last).toBe(formatDword(0x7000024, (await cr(0x7000024, 1))[0]!));
    expect(calls).toBeLessThan(15_213 + 64);
    expect(heapPeak).toBeLessThan(64 << 20);
  });

  it('reports an unknown device or a failed id read like dm_get_device_id', async () => {
    const unknown = await failure(deviceRegdump(fakeCr(new Map([[0xf0014, 0x1234]]))));
    expect([unknown.rc, formatCrdError(unknown)]).toEqual([4, "FATAL - Can't find device id.\n-E- Unknown/Unsupported device\n"]);
    const eperm = async () => {
      throw Object.assign(new Error('x'), { errno: 1 });
    };
    expect(formatCrdError(await failure(deviceRegdump(eperm)))).toBe('FATAL - crspace read (0xf0014) failed: Operation not permitted\n-E- Unknown/Unsupported device\n');
  });

  it('reports a missing CSV database as CRD_OPEN_FILE_ERROR', async () => {
    const dump = await deviceRegdump(fakeCr(new Map([[0xf0014, 0x218]])), { dbDir: '/nonexistent' });
    const err = await failure(text(dump.chunks));
    expect([err.rc, formatCrdError(err)]).toEqual([7, "-E- Failed to open csv file : '/nonexistent/ConnectX7.csv'\n"]);
  });
});
