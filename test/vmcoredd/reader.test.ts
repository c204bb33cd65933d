import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  bufferSource, devListJson, formatDevCopied, formatDevDumpTitle, formatDevList, formatRd64, getDeviceDump,
  openSource, parseVmcore, prstatusNote, rd64Lines, readDeviceDump, vmcoreinfoNote, writableSink, writeVmcore,
  writeVmcoreFile, type DeviceDumpEntry,
} from '../../src/vmcoredd';
import { pattern, rawDeviceNote, rawNote, rawVmcore, withTmpDir } from './helpers';

const entry = (index: number, offset: number, size: number, name: string): DeviceDumpEntry => ({
  index, offset, size, name, nameBytes: Buffer.from(name), noteOffset: offset - 64,
});

describe('collect → list → extract', () => {
  it('round-trips three dumps byte for byte through a real file', () =>
    withTmpDir(async (dir) => {
      const file = join(dir, 'vmcore');
      const payloads = [pattern(5000, 11), pattern(4032, 12), pattern(300_000, 13)];
      await writeVmcoreFile(file, [
        { name: 'mlx5_core_0000:08:00.0', payload: payloads[0]! },
        { name: 'mlx5_core_0000:08:00.1', payload: payloads[1]! },
        { name: 'streamed', payload: { size: payloads[2]!.length, async *chunks() { yield payloads[2]!.subarray(0, 1000); yield payloads[2]!.subarray(1000); } } },
      ], { notes: [prstatusNote(1), vmcoreinfoNote('PAGESIZE=4096\n')] });

      const src = await openSource(file);
      try {
        const info = await parseVmcore(src);
        expect(info).toMatchObject({ elfClass: 64, littleEndian: true, type: 4, machine: 62, ignoredDeviceDumps: 0 });
        expect(info.notes.map((n) => `${n.owner}/${n.type}`)).toEqual(['LINUX/1792', 'LINUX/1792', 'LINUX/1792', 'CORE/1', 'VMCOREINFO/0']);
        expect(info.deviceDumps.map((d) => [d.index, d.name, d.offset, d.size])).toEqual([
          [0, 'mlx5_core_0000:08:00.0', 0x1040, 8128],
          [1, 'mlx5_core_0000:08:00.1', 0x3040, 4032],
          [2, 'streamed', 0x4040, 303_040],
        ]);
        for (const [i, p] of payloads.entries()) {
          const d = getDeviceDump(info, i);
          const out = join(dir, `dump${i}.bin`);
          const ws = createWriteStream(out);
          const sink = writableSink(ws);
          for await (const c of readDeviceDump(src, d, 4096)) await sink.write(c);
          await new Promise<void>((r) => ws.end(r));
          const got = await readFile(out);
          // crash copies SIZE bytes: the payload, then the page padding as zeros.
          expect(got.length).toBe(d.size);
          expect(got.subarray(0, p.length).equals(p)).toBe(true);
          expect(got.subarray(p.length).every((b) => b === 0)).toBe(true);
          expect(formatDevCopied(d, out)).toBe(`${d.size} bytes copied from 0x${d.offset.toString(16)} to ${out}\n`);
        }
      } finally {
        await src.close();
      }
    }));

  it('reads a hand-built image that shares no code with the writer', async () => {
    const img = rawVmcore([rawDeviceNote('cxgb4_0000:02:00.4', Buffer.from('abc'))], [rawNote({ name: 'CORE', type: 1, desc: Buffer.alloc(336) })]);
    const info = await parseVmcore(bufferSource(img));
    expect(info.deviceDumps).toEqual([entry(0, 0x1040, 4032, 'cxgb4_0000:02:00.4')]);
  });

  it('keeps only the first 64 dumps, as crash does, and counts the rest', async () => {
    const notes = Array.from({ length: 70 }, (_, i) => rawDeviceNote(`d${i}`, Buffer.from([i])));
    const info = await parseVmcore(bufferSource(rawVmcore(notes, [])));
    expect(info.deviceDumps).toHaveLength(64);
    expect(info.deviceDumps[63]!.name).toBe('d63');
    expect(info.ignoredDeviceDumps).toBe(6);
  });

  it('reports crash\'s errors for dev -v', async () => {
    const none = await parseVmcore(bufferSource(rawVmcore([], [rawNote({ name: 'CORE', type: 1, desc: Buffer.alloc(8) })])));
    expect(() => getDeviceDump(none, 0)).toThrow(expect.objectContaining({ code: 'VMCOREDD_NO_DUMPS', message: 'no device dumps found in this dumpfile' }));
    const one = await parseVmcore(bufferSource(rawVmcore([rawDeviceNote('a', Buffer.from('x'))], [])));
    expect(() => getDeviceDump(one, 1)).toThrow(expect.objectContaining({ code: 'VMCOREDD_BAD_INDEX', message: 'no device dump found at index: 1' }));
    expect(() => getDeviceDump(one, -1)).toThrow(expect.objectContaining({ code: 'VMCOREDD_BAD_INDEX' }));
  });

  it('writes and reads a 44-byte name without terminator', async () => {
    const name = 'n'.repeat(44);
    const parts: Buffer[] = [];
    await writeVmcore({ write: async (c) => void parts.push(Buffer.from(c)) }, [{ name, payload: Buffer.from('p') }]);
    const info = await parseVmcore(bufferSource(Buffer.concat(parts)));
    expect(info.deviceDumps[0]!.name).toBe(name);
  });
});

describe('other ELF shapes', () => {
  it('parses ELF32 big-endian with two unmerged PT_NOTEs', async () => {
    const note = Buffer.alloc(64 + 16);
    note.writeUInt32BE(8, 0);
    note.writeUInt32BE(16 + 44, 4);
    note.writeUInt32BE(0x700, 8);
    note.write('LINUX', 12);
    note.write('be_dump', 20);
    const core = Buffer.alloc(12 + 8 + 8);
    core.writeUInt32BE(5, 0);
    core.writeUInt32BE(8, 4);
    core.writeUInt32BE(1, 8);
    core.write('CORE', 12);
    const img = Buffer.alloc(0x200);
    img.set([0x7f, 0x45, 0x4c, 0x46, 1, 2, 1], 0);
    img.writeUInt16BE(4, 16);
    img.writeUInt16BE(20, 18); // EM_PPC
    img.writeUInt32BE(52, 28); // e_phoff
    img.writeUInt16BE(32, 42);
    img.writeUInt16BE(2, 44);
    const ph = (i: number, off: number, len: number) => {
      const o = 52 + i * 32;
      img.writeUInt32BE(4, o);
      img.writeUInt32BE(off, o + 4);
      img.writeUInt32BE(len, o + 16);
      img.writeUInt32BE(len, o + 20);
    };
    ph(0, 0x100, core.length);
    ph(1, 0x140, note.length);
    core.copy(img, 0x100);
    note.copy(img, 0x140);
    const info = await parseVmcore(bufferSource(img));
    expect(info).toMatchObject({ elfClass: 32, littleEndian: false, machine: 20 });
    expect(info.notes.map((n) => n.owner)).toEqual(['CORE', 'LINUX']);
    expect(info.deviceDumps).toEqual([entry(0, 0x180, 16, 'be_dump')]);
  });

  it('follows PN_XNUM to section header 0', async () => {
    const img = rawVmcore([rawDeviceNote('x', Buffer.from('1'))], []);
    const shoff = 0x800;
    img.writeBigUInt64LE(BigInt(shoff), 40);
    img.writeUInt16LE(0xffff, 56);
    img.writeUInt32LE(1, shoff + 44);
    expect((await parseVmcore(bufferSource(img))).deviceDumps).toHaveLength(1);
  });

  it('stops at a zero note header, as the kernel does', async () => {
    const img = rawVmcore([rawDeviceNote('x', Buffer.from('1'))], [Buffer.alloc(64)]);
    expect((await parseVmcore(bufferSource(img))).notes).toHaveLength(1);
  });
});

describe('crash printers', () => {
  it('prints crash\'s own dev -V example exactly', () => {
    expect(formatDevList([entry(0, 0x240, 33558464, 'cxgb4_0000:02:00.4'), entry(1, 0x2001240, 33558464, 'cxgb4_0000:03:00.4')])).toBe(
      'INDEX  OFFSET             SIZE             NAME\n' +
        '  0    0x240              33558464         cxgb4_0000:02:00.4\n' +
        '  1    0x2001240          33558464         cxgb4_0000:03:00.4\n',
    );
  });

  it('centres two- and three-digit indexes like mkstring(CENTER)', () => {
    expect(formatDevList([entry(10, 0x1040, 4032, 'a')]).split('\n')[1]).toBe(' 10    0x1040             4032             a');
    expect(formatDevList([entry(100, 0x1040, 4032, 'a')]).split('\n')[1]).toBe(' 100   0x1040             4032             a');
  });

  it('prints crash\'s dev -v example line and title', () => {
    const b = Buffer.alloc(16);
    b.writeBigUInt64LE(0x00000038040b69e2n, 0);
    b.writeBigUInt64LE(0x00af985c000e0001n, 8);
    expect(formatRd64(b, 0x2001240)).toBe('         2001240:  00000038040b69e2 00af985c000e0001   .i..8.......\\...\n');
    expect(formatDevDumpTitle(entry(1, 0x2001240, 33558464, 'cxgb4_0000:03:00.4'))).toBe('DEVICE: cxgb4_0000:03:00.4\n');
  });

  it('pads a one-word last line so the ASCII column lines up', () => {
    expect(formatRd64(Buffer.from('ABCDEFGH'), 0x10)).toBe(`${'10'.padStart(16)}:  4847464544434241 ${' '.repeat(17)}  ABCDEFGH\n`);
  });

  it('streams rd -64 output across odd chunk boundaries identically', async () => {
    const data = pattern(1000, 5);
    async function* chunks() {
      for (let i = 0; i < data.length; i += 37) yield data.subarray(i, i + 37);
    }
    let text = '';
    for await (const t of rd64Lines(chunks(), 0x3040)) text += t;
    expect(text).toBe(formatRd64(data, 0x3040));
    expect(text.split('\n')).toHaveLength(Math.ceil(1000 / 16) + 1);
  });

  it('has a JSON form', () => {
    expect(devListJson({ deviceDumps: [entry(0, 0x1040, 4032, 'a')], ignoredDeviceDumps: 0 })).toEqual({
      device_dumps: [{ index: 0, name: 'a', offset: 0x1040, offset_hex: '0x1040', size: 4032, note_offset: 0x1000 }],
      ignored: 0,
    });
  });

  it('lists a parsed file the way dev -V would', async () => {
    const info = await parseVmcore(bufferSource(rawVmcore([rawDeviceNote('mlx5_core_0000:08:00.0', pattern(5000, 1))], [])));
    expect(formatDevList(info.deviceDumps)).toBe(
      'INDEX  OFFSET             SIZE             NAME\n  0    0x1040             8128             mlx5_core_0000:08:00.0\n',
    );
  });
});
