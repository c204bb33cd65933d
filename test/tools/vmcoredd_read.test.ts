/**
 * `mlx5ctl vmcoredd list|extract` on files built here byte by byte from the kernel's arithmetic
 * (test/vmcoredd/helpers.ts shares no code with src/vmcoredd): the round trip is byte-identical,
 * the output is crash's, and hostile inputs (random bytes, fuzzed headers, huge sizes, too many
 * notes) end in one error line and exit 1, never a stack trace.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';
import { pattern, prng, rawDeviceNote, rawNote, rawVmcore } from '../vmcoredd/helpers';

const dir = tempDir('vmcoredd-read-');
const up = (n: number) => Math.ceil(n / 4096) * 4096;
const vmcoredd = (...args: string[]) => runCli(['vmcoredd', ...args]);

const NAME44 = 'x'.repeat(44); // no NUL terminator, as the kernel stores a 44-byte name
const payloads: [string, Buffer][] = [
  ['mlx5_0000:08:00.0_crdump', pattern(10_000, 1)],
  ['cxgb4_0000:02:00.4', pattern(4032, 2)], // exactly fills one page
  [NAME44, Buffer.from('fw tracer')],
];
const prstatus = rawNote({ name: 'CORE', type: 1, desc: Buffer.alloc(336) });
const vmcoreinfo = rawNote({ name: 'VMCOREINFO', type: 0, desc: Buffer.from('OSRELEASE=6.1.0\nPAGESIZE=4096\n') });
const file = path.join(dir, 'vmcore');
fs.writeFileSync(file, rawVmcore(payloads.map(([n, p]) => rawDeviceNote(n, p)), [prstatus, prstatus, vmcoreinfo]));

const offsets: number[] = [];
for (let i = 0, off = 0x1000; i < payloads.length; off += up(64 + payloads[i]![1].length), i++) offsets.push(off + 64);

describe('vmcoredd list and extract on a kernel-built vmcore', () => {
  it('lists the dumps in crash dev -V format', async () => {
    const rows = payloads.map(([name, p], i) => `  ${i}    0x${offsets[i]!.toString(16).padEnd(16)} ${String(up(64 + p.length) - 64).padEnd(16)} ${name}\n`);
    expect(await vmcoredd('list', file)).toEqual({ code: 0, stderr: '', stdout: `INDEX  OFFSET             SIZE             NAME\n${rows.join('')}` });
  });

  it('extracts every dump byte-identical (payload, then the zero padding crash copies too)', async () => {
    for (const [i, [name, p]] of payloads.entries()) {
      const out = path.join(dir, `out${i}`);
      const size = up(64 + p.length) - 64;
      expect(await vmcoredd('extract', file, String(i), out)).toEqual({
        code: 0, stderr: '', stdout: `DEVICE: ${name}\n${size} bytes copied from 0x${offsets[i]!.toString(16)} to ${out}\n`,
      });
      expect(fs.readFileSync(out).equals(Buffer.concat([p, Buffer.alloc(size - p.length)]))).toBe(true);
    }
  });

  it('prints rd -64 lines without OUT', async () => {
    const r = await vmcoredd('extract', file, '2');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`DEVICE: ${NAME44}`);
    // "fw tracer" as two little-endian 64-bit words, then the ASCII column.
    expect(lines[1]).toBe(`${offsets[2]!.toString(16).padStart(16)}:  6563617274207766 0000000000000072   fw tracer.......`);
    expect(lines[2]).toBe(`${(offsets[2]! + 16).toString(16).padStart(16)}:  0000000000000000 0000000000000000   ................`);
    expect(lines).toHaveLength(1 + 4032 / 16 + 1);
  });

  it('gives crash\'s errors for bad indexes and dump-less files', async () => {
    expect(await vmcoredd('extract', file, '3')).toEqual({ code: 1, stdout: '', stderr: 'Error : vmcoredd: no device dump found at index: 3\n' });
    expect(await vmcoredd('extract', file, '-1')).toEqual({ code: 1, stdout: '', stderr: 'Error : vmcoredd: no device dump found at index: -1\n' });
    const empty = path.join(dir, 'empty');
    fs.writeFileSync(empty, rawVmcore([], [prstatus, vmcoreinfo]));
    expect(await vmcoredd('list', empty)).toEqual({ code: 1, stdout: '', stderr: 'dev: no device dumps found in this dumpfile\n' });
    expect(await vmcoredd('extract', empty, '0')).toEqual({ code: 1, stdout: '', stderr: 'Error : vmcoredd: no device dumps found in this dumpfile\n' });
    expect(await vmcoredd('list', path.join(dir, 'missing'))).toMatchObject({ code: 1, stdout: '' });
    expect(await vmcoredd('frobnicate')).toMatchObject({ code: 1, stderr: expect.stringMatching(/^Command "frobnicate" not found\nUsage: mlx5ctl vmcoredd/) });
  });
});

describe('vmcoredd on hostile files', () => {
  const good = fs.readFileSync(file);

  async function expectCleanFailureOrSuccess(bytes: Buffer, name: string): Promise<void> {
    const p = path.join(dir, name);
    fs.writeFileSync(p, bytes);
    const r = await vmcoredd('list', p);
    // Either the damage was harmless or it is reported on one line; never a crash.
    if (r.code === 0) expect(r.stdout.startsWith('INDEX') || r.stdout === '').toBe(true);
    else expect(r).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/^(Error : vmcoredd: [^\n]+|dev: no device dumps found in this dumpfile)\n$/) });
  }

  it('survives random bytes and fuzzed headers', async () => {
    const rnd = prng(0x6d6c7835);
    await expectCleanFailureOrSuccess(pattern(9000, 9), 'random');
    for (let i = 0; i < 12; i++) {
      const b = Buffer.from(good);
      // Corrupt one u32 in the ELF header, the phdr or the first note header.
      const at = [0, 16, 32, 52, 56, 64, 72, 96, 0x1000, 0x1004, 0x1008, 0x1000 + up(64 + 10_000)][i]!;
      b.writeUInt32LE(rnd() >>> 0, at);
      await expectCleanFailureOrSuccess(b, `fuzz${i}`);
    }
  });

  it('refuses a PT_NOTE of absurd size without allocating it', async () => {
    const b = Buffer.from(good);
    b.writeBigUInt64LE(0x7fffffffffffn, 64 + 32); // p_filesz
    const p = path.join(dir, 'huge');
    fs.writeFileSync(p, b);
    expect(await vmcoredd('list', p)).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/^Error : vmcoredd: .*huge: .+\n$/) });
  });

  it('lists only crash\'s 64 dumps of a file with more', async () => {
    const many = path.join(dir, 'many');
    fs.writeFileSync(many, rawVmcore(Array.from({ length: 70 }, (_, i) => rawDeviceNote(`d${i}`, Buffer.from([i]))), []));
    const r = await vmcoredd('-j', 'list', many);
    const json = JSON.parse(r.stdout) as { device_dumps: unknown[]; ignored: number };
    expect(json.device_dumps).toHaveLength(64);
    expect(json.ignored).toBe(6);
  });
});
