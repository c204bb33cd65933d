/**
 * `mlx5ctl DEV regdump` against a real broker: mstregdump's output for the ConnectX-7 CSV
 * (one `0x%08x 0x%08x` line per dword, in CSV row order; expected addresses computed here from
 * the CSV, independently of src/regdump), --csv/--full on a small database, mstregdump's error
 * texts and exit codes, a closed pipe, and the scope rule through the CLI. The simulator's text
 * dumps start with a note on stderr saying it is simulated (stdout keeps mstregdump's format).
 * Needs Debian's mstflint for /usr/share/mstflint/ConnectX7.csv (.ci/run installs it).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Mlx5ctlClient } from '../../src/client/client';
import { readCrspace } from '../../src/client/crspace';
import { descriptorPath } from '../../src/config/paths';
import { CLI_JS, RunningBroker, runCli, startBroker } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';

const CX7_CSV = '/usr/share/mstflint/ConnectX7.csv';
const LINE = /^0x[0-9a-f]{8} 0x[0-9a-f]{8}$/;
const uid = process.getuid?.() ?? 0;

function requireMstflint(): void {
  if (!fs.existsSync(CX7_CSV)) throw new Error(`${CX7_CSV} missing: install Debian's mstflint (apt-get install mstflint; .ci/run does)`);
}

/** Every dword address the CSV names, in row order (comments and blank lines skipped). */
function csvAddresses(file: string): number[] {
  const out: number[] = [];
  for (const raw of fs.readFileSync(file, 'latin1').split('\n')) {
    const fields = raw.replace(/#.*/, '').replace(/\s/g, '').split(',').filter((f) => f.length > 0);
    if (fields.length < 2) continue;
    const addr = parseInt(fields[0]!, 16);
    const dwords = parseInt(fields[1]!, 10);
    for (let i = 0; i < dwords; i++) out.push(addr + 4 * i);
  }
  return out;
}

/** What a text dump of the simulated device (broker default sim:cx7) prints on stderr, and only that. */
const SIM_NOTE = "regdump: 0000:08:00.0 is a simulated ConnectX7 (backend sim:cx7), not a real device: mstregdump's format has no header to say so\n";

const hex8 = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

let broker: RunningBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(async () => {
  await broker.stop();
});

const regdump = (...args: string[]) => runCli(['--rundir', broker.rundir, '0', 'regdump', ...args]);

describe('mlx5ctl DEV regdump with ConnectX7.csv', () => {
  it('prints exactly one line per dword of the CSV, in row order', async () => {
    requireMstflint();
    const expected = csvAddresses(CX7_CSV);
    expect(expected).toHaveLength(230590);
    const r = await regdump();
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(SIM_NOTE);
    const lines = r.stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(expected.length);
    expect(lines.every((l) => LINE.test(l))).toBe(true);
    expect(lines.every((l, i) => l.startsWith(`${hex8(expected[i]!)} `))).toBe(true);
    expect(lines).toContain('0x000f0014 0x00000218');
  });

  it('holds the values the broker reads directly (static addresses)', async () => {
    requireMstflint();
    const r = await regdump();
    const byAddr = new Map(r.stdout.trimEnd().split('\n').map((l) => [parseInt(l.slice(2, 10), 16), l.slice(11)]));
    const client = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
    try {
      for (const addr of [0x0, 0x8, 0xf0010, 0xf0014, 0x48000, 0x9c015c]) {
        expect(byAddr.get(addr)).toBe(hex8((await readCrspace(client, addr, 1)).words[0]!));
      }
    } finally {
      client.close();
    }
  });

  it('stops quietly when the reader closes the pipe', async () => {
    requireMstflint();
    const proc = spawn(process.execPath, [CLI_JS, '--rundir', broker.rundir, '0', 'regdump'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.stdout.once('data', () => proc.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
    expect(code).toBe(0); // main.ts: a closed pipe is the reader's choice
    expect(stderr).toBe(SIM_NOTE);
  });
});

describe('mlx5ctl DEV regdump with its own CSV', () => {
  const dir = tempDir('regdump-csv-');
  const csv = path.join(dir, 'small.csv');
  fs.writeFileSync(csv, '#Addr, Size, Enable addr\n0x0f0014,1,\n0x000200,2,\n0x000100,1,UNKNOWN\n');

  it('dumps the rows of --csv, and the enabled-only rows with --full', async () => {
    const client = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
    const v = async (a: number) => hex8((await readCrspace(client, a, 1)).words[0]!);
    const base = `0x000f0014 0x00000218\n0x00000200 ${await v(0x200)}\n0x00000204 ${await v(0x204)}\n`;
    const extra = `0x00000100 ${await v(0x100)}\n`;
    client.close();
    expect(await regdump('--csv', csv)).toEqual({ code: 0, stderr: SIM_NOTE, stdout: base });
    expect(await regdump('--full', `--csv=${csv}`)).toEqual({ code: 0, stderr: SIM_NOTE, stdout: base + extra });
    expect(await regdump('-full', '--csv', csv)).toEqual({ code: 0, stderr: SIM_NOTE, stdout: base + extra });
  });

  it('says in -j that the device is simulated, and which backend it is', async () => {
    const r = await regdump('-j', '--csv', csv);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ device: 'ConnectX7', simulated: true, backend: 'sim:cx7' });
  });

  it('prints no note for a device behind a real backend, and the same lines', async () => {
    const sim = await regdump('--csv', csv);
    // The broker's descriptor, rewritten as it reads for a kernel fwctl device (same socket).
    const file = descriptorPath(broker.rundir, 'mlx5_core.ctl.0');
    const original = fs.readFileSync(file, 'utf8');
    expect(original).toContain('BACKEND=sim:cx7\n');
    fs.writeFileSync(file, original.replace('BACKEND=sim:cx7\n', 'BACKEND=fwctl:/dev/fwctl/fwctl0\n'));
    try {
      expect(await regdump('--csv', csv)).toEqual({ code: 0, stderr: '', stdout: sim.stdout });
      const doc = JSON.parse((await regdump('-j', '--csv', csv)).stdout) as Record<string, unknown>;
      expect(doc).toMatchObject({ simulated: false, backend: 'fwctl:/dev/fwctl/fwctl0' });
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  it("gives mstregdump's messages and exit codes", async () => {
    const missing = await regdump('--db', dir);
    expect(missing.code).toBe(7);
    expect(missing.stdout).toBe(`-E- Failed to open csv file : '${dir}/ConnectX7.csv'\n`);
    expect(missing.stderr).toMatch(/install Debian's mstflint .* or pass --csv FILE/);

    expect((await regdump('--csv', path.join(dir, 'nope.csv'))).code).toBe(7);

    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, '0x0z0014,1,\n');
    expect(await regdump('--csv', bad)).toEqual({ code: 5, stderr: '', stdout: '-E- Error - the character z is not valid for address!\n' });

    const unknown = await regdump('--bogus');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^Unknown argument: --bogus\.\nUsage: mlx5ctl <device> regdump/);
    expect(await regdump('--help')).toMatchObject({ code: 0, stderr: '' });
  });
});

describe('mlx5ctl DEV regdump and scopes', () => {
  async function withPolicy(maxScope: string, fn: (rundir: string) => Promise<void>): Promise<void> {
    const dir = tempDir('regdump-policy-');
    fs.writeFileSync(path.join(dir, 'policy.json'), JSON.stringify({ rules: [{ uid, max_scope: maxScope }] }));
    const b = await startBroker(['--policy', path.join(dir, 'policy.json')]);
    try {
      await fn(b.rundir);
    } finally {
      await b.stop();
    }
  }
  const small = path.join(tempDir('regdump-scope-'), 'one.csv');
  fs.writeFileSync(small, '0x0f0014,1,\n');

  it('works for a DEBUG_READ_ONLY peer', () =>
    withPolicy('DEBUG_READ_ONLY', async (rundir) => {
      expect(await runCli(['--rundir', rundir, '0', 'regdump', '--csv', small])).toEqual({ code: 0, stderr: SIM_NOTE, stdout: '0x000f0014 0x00000218\n' });
    }));

  it('is refused for a CONFIGURATION-only peer, as mstregdump reports an unreadable device', () =>
    withPolicy('CONFIGURATION', async (rundir) => {
      const r = await runCli(['--rundir', rundir, '0', 'regdump', '--csv', small]);
      expect(r.code).toBe(4);
      expect(r.stdout).toBe('FATAL - crspace read (0xf0014) failed: Operation not permitted\n-E- Unknown/Unsupported device\n');
      expect(r.stderr).toMatch(/mlx5ctld refused the cr-space read .* needs scope DEBUG_READ_ONLY/);
    }));
});
