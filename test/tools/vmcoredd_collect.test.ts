/**
 * `mlx5ctl vmcoredd collect DEV -o FILE` against a real broker, then the file read back three
 * ways: binutils readelf (interop), `vmcoredd list` (crash's dev -V) and `vmcoredd extract`
 * (dev -v), compared with what the device gives directly. Truncated and corrupted copies of the
 * collected file must give one clear error line and exit 1.
 *
 * What is deterministic: the core dump header carries the uptime and a few cr-space words are
 * live (device timer 0x1000/0x1004, health counter 0x1010, port counters 0x40000/0x40004), so
 * comparisons mask exactly those bytes and require everything else to be identical.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { RunningBroker, runCli, startBroker } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';

const PCI = '0000:08:00.0';
// The broker runs the simulator, so every dump name says "simulated" (src/client/collect.ts).
const NAMES = ['crdump', 'crspace', 'health', 'rscdump_menu'].map((s) => `mlx5_${PCI}_simulated_${s}`);
const CRDUMP_SIZE = 64 + 0x1e0000;
const CRSPACE_SIZE = 16 * 1024 * 1024;
const LIVE_ADDRS = [0x1000, 0x1004, 0x1010, 0x40000, 0x40004];
const up = (n: number) => Math.ceil(n / 4096) * 4096;
const hex8 = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/** readelf's output with each line cut to 160 characters (a 16 MiB note is a 48 MB line). */
async function readelfLines(args: string[], file: string): Promise<string[]> {
  const probe = spawnSync('readelf', ['--version']);
  if (probe.error || probe.status !== 0) throw new Error('readelf (binutils) is required for the vmcoredd interop tests: apt-get install -y binutils');
  const proc = spawn('readelf', [...args, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  for await (const line of readline.createInterface({ input: proc.stdout, crlfDelay: Infinity })) lines.push(line.slice(0, 160));
  return lines;
}

function maskWords(buf: Buffer, base: number, addrs: number[]): Buffer {
  const out = Buffer.from(buf);
  for (const a of addrs) out.fill(0, base + a, base + a + 4);
  return out;
}

let broker: RunningBroker;
let dir: string;
let file: string;
let collected: { code: number | null; stdout: string; stderr: string };
let sizes: number[];
const cli = (...args: string[]) => runCli(['--rundir', broker.rundir, ...args]);

beforeAll(async () => {
  broker = await startBroker();
  dir = tempDir('vmcoredd-collect-');
  file = path.join(dir, 'vmcore');
  collected = await cli('vmcoredd', 'collect', '0', '-o', file);
  sizes = [...collected.stdout.matchAll(/^mlx5_\S+: (\d+) bytes$/gm)].map((m) => Number(m[1]));
});
afterAll(async () => {
  await broker.stop();
});

describe('vmcoredd collect', () => {
  it('writes one dump per kind and says so', () => {
    expect(collected.code).toBe(0);
    expect(collected.stderr).toBe('');
    const lines = collected.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 4).map((l) => l.split(':').slice(0, -1).join(':'))).toEqual(NAMES);
    expect(sizes.slice(0, 3)).toEqual([CRDUMP_SIZE, CRSPACE_SIZE, 64]);
    expect(sizes[3]).toBeGreaterThan(0);
    const total = fs.statSync(file).size;
    expect(lines[4]).toMatch(new RegExp(`^wrote ${file}: 4 device dumps, ${total} bytes in \\d+ ms$`));
    expect(fs.readdirSync(dir)).toEqual(['vmcore']); // no partial file left behind
  });

  it('says in -j that the device is simulated', async () => {
    const jsonFile = path.join(dir, 'vmcore.json-run');
    const r = await cli('-j', 'vmcoredd', 'collect', '0', '-o', jsonFile);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { simulated: boolean; dumps: { name: string }[] };
    expect(doc.simulated).toBe(true);
    expect(doc.dumps.map((d) => d.name)).toEqual(NAMES);
    fs.rmSync(jsonFile);
  });

  it('lists every note with readelf -n as it lists a real vmcore', async () => {
    const lines = await readelfLines(['-n'], file);
    expect(lines[1]).toMatch(/^Displaying notes found at file offset 0x00001000 with length 0x[0-9a-f]{8}:$/);
    const notes = lines.filter((l) => /^  \S/.test(l) && !l.startsWith('  Owner'));
    for (const [i, size] of sizes.entries()) {
      expect(notes[i]).toBe(`  LINUX                ${hex8(up(64 + size) - 20)}\tUnknown note type: (0x00000700)`);
    }
    const descs = lines.filter((l) => l.startsWith('   description data: '));
    for (const [i, name] of NAMES.entries()) {
      const hex = [...Buffer.from(name)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
      expect(descs[i]!.startsWith(`   description data: ${hex} 00 `)).toBe(true);
    }
    const rest = notes.slice(4);
    expect(rest.length).toBeGreaterThanOrEqual(2);
    expect(rest.slice(0, -1).every((l) => l === '  CORE                 0x00000150\tNT_PRSTATUS (prstatus structure)')).toBe(true);
    expect(rest[rest.length - 1]).toMatch(/^  VMCOREINFO           0x[0-9a-f]{8}\tUnknown note type: \(0x00000000\)$/);

    const phdrs = await readelfLines(['-h', '-l', '-W'], file);
    expect(phdrs).toContain('  Type:                              CORE (Core file)');
    expect(phdrs.find((l) => l.startsWith('  NOTE'))).toMatch(/^  NOTE +0x001000 /);
  });

  it('lists the dumps as crash dev -V does, and as JSON', async () => {
    let off = 0x1000;
    const rows = sizes.map((size, i) => {
      const row = { index: i, offset: off + 64, size: up(64 + size) - 64 };
      off += up(64 + size);
      return row;
    });
    const table =
      'INDEX  OFFSET             SIZE             NAME\n' +
      rows.map((r, i) => `  ${r.index}    0x${r.offset.toString(16).padEnd(16)} ${String(r.size).padEnd(16)} ${NAMES[i]}\n`).join('');
    expect(await cli('vmcoredd', 'list', file)).toEqual({ code: 0, stderr: '', stdout: table });
    const json = JSON.parse((await cli('-j', 'vmcoredd', 'list', file)).stdout) as { device_dumps: { index: number; name: string; offset: number; size: number }[] };
    expect(json.device_dumps.map((d) => [d.index, d.name, d.offset, d.size])).toEqual(rows.map((r, i) => [r.index, NAMES[i], r.offset, r.size]));
  });

  it('extracts each dump: what the device gives directly, plus page padding', async () => {
    const out = (i: number) => path.join(dir, `dump${i}.bin`);
    const got: Buffer[] = [];
    for (const i of [0, 1, 2, 3]) {
      const r = await cli('vmcoredd', 'extract', file, String(i), out(i));
      const padded = up(64 + sizes[i]!) - 64;
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^DEVICE: ${NAMES[i]}\n${padded} bytes copied from 0x[0-9a-f]+ to ${out(i)}\n$`));
      const bytes = fs.readFileSync(out(i));
      expect(bytes.length).toBe(padded);
      expect(bytes.subarray(sizes[i]!).equals(Buffer.alloc(padded - sizes[i]!))).toBe(true);
      got.push(bytes.subarray(0, sizes[i]!));
    }
    const [crdump, crspace, health, menu] = got as [Buffer, Buffer, Buffer, Buffer];

    // The core dump equals a direct `coredump --umem=2048 -o` but for uptime and live words.
    const direct = path.join(dir, 'direct.bin');
    expect((await cli('0', 'coredump', '--umem=2048', '-o', direct)).code).toBe(0);
    const directBytes = fs.readFileSync(direct);
    expect(crdump.subarray(0, 8).toString('latin1')).toBe('MLX5CRDP');
    expect(crdump.length).toBe(directBytes.length);
    const maskCore = (b: Buffer) => maskWords(b, 64, LIVE_ADDRS).fill(0, 24, 32);
    expect(maskCore(crdump).equals(maskCore(directBytes))).toBe(true);

    // cr-space: little-endian dwords; its first 0x1e0000 bytes are the core dump's (big-endian) body.
    expect(crspace.readUInt32LE(0xf0014)).toBe(0x218);
    const body = Buffer.from(crdump.subarray(64)).swap32();
    expect(maskWords(crspace.subarray(0, body.length), 0, LIVE_ADDRS).equals(maskWords(body, 0, LIVE_ADDRS))).toBe(true);

    // Health buffer: the devlink fw-health region's bytes.
    const region = JSON.parse((await cli('devlink', '-j', 'region', 'read', `pci/${PCI}/fw-health`, 'address', '0', 'length', '64')).stdout) as { read: { data: number[] } };
    expect([...health]).toEqual(region.read.data);

    // Resource-dump menu: the inline dump rscdump reads (same size, same first bytes).
    const rsc = JSON.parse((await cli('-j', '0', 'rscdump')).stdout) as { size: number };
    expect(menu.length).toBe(rsc.size);
  });

  it('shows a dump as rd -64 without OUT', async () => {
    const r = await cli('vmcoredd', 'extract', file, '2');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`DEVICE: ${NAMES[2]}`);
    expect(lines).toHaveLength(1 + (4096 - 64) / 16);
    // Offset 0x30 of the health buffer: fw version word 0x1c2703ea and hw_dev_id 0x218, big-endian bytes.
    expect(lines[4]).toMatch(/^ +[0-9a-f]+:  18020000ea03271c 0000000000000000   \.'\.\.\.\.\.\.\.\.\.\.\.\.\.\.$/);
  });
});

describe('vmcoredd on damaged copies of a collected file', () => {
  const damaged = (name: string, edit: (b: Buffer) => Buffer): string => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, edit(fs.readFileSync(file)));
    return p;
  };
  const expectError = async (args: string[], p: string, message: RegExp) => {
    const r = await cli('vmcoredd', ...args);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^Error : vmcoredd: ${p}: ${message.source}\\n$`));
  };

  it('refuses truncated files with a clear error', async () => {
    await expectError(['list', damaged('t40', (b) => b.subarray(0, 40))], path.join(dir, 't40'), /ELF header: bytes 0..64 are past the end of the 40-byte file/);
    await expectError(['list', damaged('t100', (b) => b.subarray(0, 100))], path.join(dir, 't100'), /program headers \(1 at 0x40\) extend past the end of the file/);
    await expectError(['list', damaged('t5000', (b) => b.subarray(0, 5000))], path.join(dir, 't5000'), /PT_NOTE .* extends past the end of the file/);
    // Cut inside the cr-space payload, and just before the VMCOREINFO note ends.
    const half = damaged('thalf', (b) => b.subarray(0, b.length >> 1));
    await expectError(['list', half], half, /PT_NOTE .* extends past the end of the file/);
    await expectError(['extract', half, '1', path.join(dir, 'x.bin')], half, /PT_NOTE .* extends past the end of the file/);
    expect(fs.existsSync(path.join(dir, 'x.bin'))).toBe(false);
    const lastPage = fs.statSync(file).size - 4096;
    const notes = damaged('tnotes', (b) => b.subarray(0, lastPage + 100));
    await expectError(['list', notes], notes, /PT_NOTE .* extends past the end of the file/);
    // Only the zero padding after the last note is gone: the dumps are intact, as the kernel reads them.
    const pad = damaged('tpad', (b) => b.subarray(0, b.length - 1));
    expect((await cli('vmcoredd', 'list', pad)).code).toBe(0);
  });

  it('refuses corrupted headers and notes with a clear error', async () => {
    const magic = damaged('magic', (b) => Buffer.from(b).fill(0, 0, 4));
    await expectError(['list', magic], magic, /not an ELF core file \(bad magic\)/);
    const phoff = damaged('phoff', (b) => {
      const c = Buffer.from(b);
      c.writeBigUInt64LE(0xffffffffffn, 32);
      return c;
    });
    await expectError(['list', phoff], phoff, /.+/);
    const descsz = damaged('descsz', (b) => {
      const c = Buffer.from(b);
      c.writeUInt32LE(0xfffffff0, 0x1000 + 4); // first note's n_descsz
      return c;
    });
    await expectError(['list', descsz], descsz, /note at 0x1000 .* overruns its segment/);
    const namesz = damaged('namesz', (b) => {
      const c = Buffer.from(b);
      c.writeUInt32LE(4, 0x1000); // "LINU": no longer a vmcoredd_header
      return c;
    });
    expect((await cli('vmcoredd', 'list', namesz)).code).toBe(1);
  });
});

describe('vmcoredd collect errors', () => {
  it('needs a device and -o, and names a missing device', async () => {
    expect(await cli('vmcoredd', 'collect', '0')).toEqual({ code: 1, stdout: '', stderr: 'Usage: mlx5ctl vmcoredd collect DEV -o FILE\n' });
    const r = await cli('vmcoredd', 'collect', '7', '-o', path.join(dir, 'none'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error : vmcoredd collect: open 7: /);
  });

  it('leaves nothing behind when the file cannot be written', async () => {
    const target = path.join(dir, 'no-such-dir', 'vmcore');
    const r = await cli('vmcoredd', 'collect', '0', '-o', target);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error : vmcoredd collect: .*ENOENT/);
    expect(fs.existsSync(path.dirname(target))).toBe(false);
  });
});
