import { PassThrough, Writable } from 'node:stream';
import {
  encodeVmcoreddHeader, planVmcore, prstatusNote, vmcoreinfoNote, VmcoreError, writableSink, writeVmcore,
  type ByteSink, type DeviceDump,
} from '../../src/vmcoredd';
import { pattern, rawDeviceNote, rawNote, rawVmcore } from './helpers';

function collectSink(): ByteSink & { bytes(): Buffer } {
  const parts: Buffer[] = [];
  return { write: async (c) => void parts.push(Buffer.from(c)), bytes: () => Buffer.concat(parts) };
}

async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof VmcoreError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('vmcoredd header', () => {
  it('matches vmcoredd_write_header for a 5000-byte dump', () => {
    const h = encodeVmcoreddHeader('mlx5_core_0000:08:00.0', 5000);
    expect(h.length).toBe(64);
    expect(h.readUInt32LE(0)).toBe(8);
    expect(h.readUInt32LE(4)).toBe(8192 - 20);
    expect(h.readUInt32LE(8)).toBe(0x700);
    expect(h.subarray(12, 20)).toEqual(Buffer.from('LINUX\0\0\0', 'latin1'));
    expect(h.subarray(20, 42).toString()).toBe('mlx5_core_0000:08:00.0');
    expect(h.subarray(42, 64).every((b) => b === 0)).toBe(true);
  });

  it('gives cxgb4 its documented n_descsz 0x02000fec', () => {
    expect(encodeVmcoreddHeader('cxgb4_0000:02:00.4', 33_558_232).readUInt32LE(4)).toBe(0x02000fec);
  });

  it('copies a 44-byte name without a terminator, like the kernel memcpy', () => {
    const name = 'n'.repeat(44);
    expect(encodeVmcoreddHeader(name, 1).subarray(20, 64).toString()).toBe(name);
  });

  it.each([
    ['', 'VMCOREDD_BAD_NAME'],
    ['x'.repeat(45), 'VMCOREDD_BAD_NAME'],
    ['a\0b', 'VMCOREDD_BAD_NAME'],
  ])('refuses name %j', (name, code) => {
    expect(() => encodeVmcoreddHeader(name, 1)).toThrow(expect.objectContaining({ code }));
  });

  it.each([0, -1, 1.5, 2 ** 32])('refuses size %p', (size) => {
    expect(() => encodeVmcoreddHeader('x', size)).toThrow(expect.objectContaining({ code: 'VMCOREDD_BAD_SIZE' }));
  });
});

describe('layout', () => {
  it('puts PT_NOTE on the first page and each dump on page multiples', () => {
    const l = planVmcore([1, 4032, 4033], 336 + 20, []);
    expect(l.noteOffset).toBe(4096);
    expect(l.dumps.map((d) => [d.noteOffset, d.payloadOffset, d.noteSize])).toEqual([
      [4096, 4160, 4096],
      [8192, 8256, 4096],
      [12288, 12352, 8192],
    ]);
    expect(l.origNotesOffset).toBe(20480);
    expect(l.noteSize).toBe(16384 + 356);
    expect(l.fileSize).toBe(20480 + 4096);
  });

  it('rounds the header to a page even with many PT_LOADs', () => {
    const loads = Array.from({ length: 80 }, (_, i) => ({ paddr: BigInt(i) * 0x100000n, size: 4096 }));
    const l = planVmcore([], 0, loads);
    expect(l.headerSize).toBe(8192); // 64 + 81*56 = 4600
    expect(l.loads[0]!.offset).toBe(8192);
    expect(l.loads[1]!.offset).toBe(8192 + 4096);
  });

  it('keeps the in-page offset of an unaligned PT_LOAD', () => {
    const l = planVmcore([10], 0, [{ paddr: 0x1000ff0n, size: 0x20 }]);
    expect(l.loads[0]).toMatchObject({ regionOffset: 8192, offset: 8192 + 0xff0, regionSize: 8192 });
  });
});

describe('writeVmcore', () => {
  it('produces exactly the bytes of an independently built vmcore', async () => {
    const p0 = pattern(5000, 1);
    const p1 = pattern(4032, 2);
    const sink = collectSink();
    await writeVmcore(sink, [
      { name: 'mlx5_core_0000:08:00.0', payload: p0 },
      { name: 'mlx5_core_0000:08:00.1', payload: p1 },
    ], { notes: [prstatusNote(1), vmcoreinfoNote('PAGESIZE=4096\n')] });
    const orig = [
      rawNote({ name: 'CORE', type: 1, desc: (() => { const d = Buffer.alloc(336); d.writeInt32LE(1, 32); return d; })() }),
      rawNote({ name: 'VMCOREINFO', type: 0, desc: Buffer.from('PAGESIZE=4096\n') }),
    ];
    const expected = rawVmcore([rawDeviceNote('mlx5_core_0000:08:00.0', p0), rawDeviceNote('mlx5_core_0000:08:00.1', p1)], orig);
    expect(sink.bytes().equals(expected)).toBe(true);
  });

  it('streams a payload from an async source', async () => {
    const data = pattern(100_000, 3);
    const sink = collectSink();
    const dump: DeviceDump = {
      name: 'streamed',
      payload: {
        size: data.length,
        async *chunks() {
          for (let i = 0; i < data.length; i += 7777) yield data.subarray(i, i + 7777);
        },
      },
    };
    await writeVmcore(sink, [dump]);
    expect(sink.bytes().equals(rawVmcore([rawDeviceNote('streamed', data)], []))).toBe(true);
  });

  it.each([
    [10, 'VMCOREDD_SIZE_MISMATCH'],
    [12, 'VMCOREDD_SIZE_MISMATCH'],
  ])('rejects a stream of the wrong length (%p bytes for 11)', async (n, code) => {
    const dump: DeviceDump = { name: 'short', payload: { size: 11, async *chunks() { yield Buffer.alloc(n); } } };
    expect(await errorCode(writeVmcore(collectSink(), [dump]))).toBe(code);
  });

  it('validates every dump before writing anything', async () => {
    const sink = collectSink();
    expect(await errorCode(writeVmcore(sink, [{ name: 'ok', payload: Buffer.alloc(1) }, { name: '', payload: Buffer.alloc(1) }]))).toBe('VMCOREDD_BAD_NAME');
    expect(sink.bytes().length).toBe(0);
  });

  it('streams 64 MiB without holding it: memory stays far below the payload size', async () => {
    const chunk = Buffer.alloc(1 << 20, 0x5a);
    const total = 64;
    let written = 0;
    const counting: ByteSink = { write: async (c) => void (written += c.length) };
    const before = process.memoryUsage().arrayBuffers;
    let peak = 0;
    await writeVmcore(counting, [{
      name: 'big',
      payload: {
        size: total * chunk.length,
        async *chunks() {
          for (let i = 0; i < total; i++) {
            peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
            yield chunk;
          }
        },
      },
    }]);
    expect(written).toBe(4096 + (64 << 20) + 4096); // header page, dump + its padding page, no original notes
    expect(peak).toBeLessThan(16 << 20);
  });

  it('honours Writable backpressure', async () => {
    const seen: number[] = [];
    const slow = new Writable({
      highWaterMark: 1024,
      write(c: Buffer, _e, cb) {
        seen.push(c.length);
        setImmediate(cb);
      },
    });
    await writeVmcore(writableSink(slow), [{ name: 'bp', payload: pattern(50_000, 4) }]);
    await new Promise<void>((r) => slow.end(r));
    expect(seen.reduce((a, b) => a + b, 0)).toBe(4096 + 53248);
  });

  it('surfaces a stream error instead of hanging', async () => {
    const s = new PassThrough({ highWaterMark: 16 });
    setImmediate(() => s.destroy(new Error('EPIPE-ish')));
    await expect(writeVmcore(writableSink(s), [{ name: 'x', payload: Buffer.alloc(1 << 20) }])).rejects.toThrow('EPIPE-ish');
  });
});
