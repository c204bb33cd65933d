/**
 * Hostile input: truncations, byte flips and crafted sizes must give a VmcoreError (or a clean
 * parse), never another exception, a hang, or a read larger than the file could justify.
 */
import { bufferSource, parseVmcore, readDeviceDump, VmcoreError, type PositionalSource } from '../../src/vmcoredd';
import { pattern, prng, rawDeviceNote, rawNote, rawVmcore } from './helpers';

const base = rawVmcore(
  [rawDeviceNote('mlx5_core_0000:08:00.0', pattern(5000, 1)), rawDeviceNote('second', pattern(10, 2))],
  [rawNote({ name: 'CORE', type: 1, desc: Buffer.alloc(336) }), rawNote({ name: 'VMCOREINFO', type: 0, desc: Buffer.from('PAGESIZE=4096\n') })],
);

const noteEnd = 4096 + Number(base.readBigUInt64LE(64 + 32));

/** A source that records the largest single read, to prove no read is sized by a hostile field. */
function watched(img: Buffer): PositionalSource & { maxRead: number } {
  const inner = bufferSource(img);
  const s = {
    size: inner.size,
    maxRead: 0,
    read(buf: Buffer, pos: number, len: number) {
      s.maxRead = Math.max(s.maxRead, len);
      return inner.read(buf, pos, len);
    },
  };
  return s;
}

/** Parses and drains every dump; returns the error code, or 'ok'. Anything else fails the test. */
async function outcome(img: Buffer): Promise<string> {
  const src = watched(img);
  try {
    const info = await parseVmcore(src);
    for (const d of info.deviceDumps) for await (const c of readDeviceDump(src, d)) void c;
    return 'ok';
  } catch (err) {
    if (err instanceof VmcoreError) return err.code;
    throw err;
  } finally {
    expect(src.maxRead).toBeLessThanOrEqual(Math.max(1 << 20, 64 * 1024));
  }
}

function patched(f: (b: Buffer) => void): Buffer {
  const b = Buffer.from(base);
  f(b);
  return b;
}

describe('fuzz', () => {
  it('parses the untouched image', async () => {
    expect(await outcome(base)).toBe('ok');
  });

  it('reports truncation at every cut in the headers and notes, and at sampled cuts after', async () => {
    const cuts = new Set<number>();
    for (let i = 0; i < 200; i++) cuts.add(i);
    for (let i = 200; i < base.length; i += 61) cuts.add(i);
    for (const n of [4096, 4096 + 12, 4096 + 20, 4096 + 64, 12288, 12288 + 20, base.length - 1]) cuts.add(n);
    for (const cut of cuts) {
      const code = await outcome(base.subarray(0, cut));
      // Cutting only the zero padding after the last note loses nothing a reader needs.
      const want = cut >= noteEnd ? 'ok' : expect.stringMatching(/^VMCORE_(TRUNCATED|BAD_ELF)$/);
      expect([cut, code]).toEqual([cut, want]);
    }
  });

  it('survives 3000 random byte flips in the header and note headers', async () => {
    const r = prng(0xc0ffee);
    const hot = [[0, 200], [4096, 4096 + 64], [12288, 12288 + 64], [16384, 16384 + 400]] as const;
    const seen = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const b = Buffer.from(base);
      const flips = 1 + (r() % 4);
      for (let f = 0; f < flips; f++) {
        const [lo, hi] = hot[r() % hot.length]!;
        b[lo + (r() % (hi - lo))] = r() & 0xff;
      }
      const code = await outcome(b);
      seen.set(code, (seen.get(code) ?? 0) + 1);
    }
    expect(seen.get('ok')).toBeGreaterThan(0);
    expect([...seen.keys()].filter((k) => k !== 'ok').length).toBeGreaterThan(2);
  });

  it.each<[string, (b: Buffer) => void, string]>([
    ['n_descsz 0xffffffff', (b) => b.writeUInt32LE(0xffffffff, 4096 + 4), 'VMCORE_BAD_NOTE'],
    ['n_namesz 0xfffffff0', (b) => b.writeUInt32LE(0xfffffff0, 4096), 'VMCORE_BAD_NOTE'],
    ['n_descsz below 44', (b) => b.writeUInt32LE(40, 4096 + 4), 'VMCOREDD_BAD_HEADER'],
    ['namesz 16 for LINUX', (b) => b.writeUInt32LE(16, 4096), 'VMCOREDD_BAD_HEADER'],
    ['e_phnum 65534', (b) => b.writeUInt16LE(65534, 56), 'VMCORE_TRUNCATED'],
    ['e_phnum PN_XNUM without sections', (b) => b.writeUInt16LE(0xffff, 56), 'VMCORE_BAD_PHDR'],
    ['PN_XNUM with e_shoff past EOF', (b) => { b.writeUInt16LE(0xffff, 56); b.writeBigUInt64LE(1n << 40n, 40); }, 'VMCORE_TRUNCATED'],
    ['PN_XNUM with sh_info 0xffffffff', (b) => { b.writeUInt16LE(0xffff, 56); b.writeBigUInt64LE(0x800n, 40); b.writeUInt32LE(0xffffffff, 0x800 + 44); }, 'VMCORE_BAD_PHDR'],
    ['e_phoff past EOF', (b) => b.writeBigUInt64LE(1n << 50n, 32), 'VMCORE_TRUNCATED'],
    ['e_phoff 2^64-1', (b) => b.writeBigUInt64LE(0xffffffffffffffffn, 32), 'VMCORE_BAD_PHDR'],
    ['e_phentsize 55', (b) => b.writeUInt16LE(55, 54), 'VMCORE_BAD_PHDR'],
    ['p_offset past EOF', (b) => b.writeBigUInt64LE(1n << 40n, 64 + 8), 'VMCORE_TRUNCATED'],
    ['p_filesz 2^63', (b) => b.writeBigUInt64LE(1n << 63n, 64 + 32), 'VMCORE_BAD_PHDR'],
    ['p_filesz one past EOF', (b) => b.writeBigUInt64LE(BigInt(base.length - 4096 + 1), 64 + 32), 'VMCORE_TRUNCATED'],
    ['p_filesz cutting a note', (b) => b.writeBigUInt64LE(100n, 64 + 32), 'VMCORE_BAD_NOTE'],
    ['bad magic', (b) => (b[1] = 0), 'VMCORE_BAD_ELF'],
    ['ELF class 3', (b) => (b[4] = 3), 'VMCORE_BAD_ELF'],
    ['data encoding 0', (b) => (b[5] = 0), 'VMCORE_BAD_ELF'],
  ])('%s', async (_name, f, code) => {
    expect(await outcome(patched(f))).toBe(code);
  });

  it('refuses a segment of endless tiny notes instead of walking forever', async () => {
    const tiny = Buffer.alloc(16);
    tiny.writeUInt32LE(1, 0); // namesz 1 ("" + NUL), descsz 0
    const img = rawVmcore([], Array.from({ length: 70_000 }, () => tiny));
    const t0 = Date.now();
    expect(await outcome(img)).toBe('VMCORE_TOO_MANY_NOTES');
    expect(Date.now() - t0).toBeLessThan(5000);
    await expect(parseVmcore(bufferSource(img), { maxNotes: 10 })).rejects.toMatchObject({ code: 'VMCORE_TOO_MANY_NOTES' });
  });

  it('rejects files too short to be ELF', async () => {
    expect(await outcome(Buffer.alloc(0))).toBe('VMCORE_BAD_ELF');
    expect(await outcome(Buffer.from('\x7fELF'))).toBe('VMCORE_BAD_ELF');
  });
});
