/**
 * The LD_PRELOAD shim end to end: C programs written only against the kernel uAPIs (test/shim/c,
 * compiled here with the system cc) run under `mlx5ctl wrap` against a real broker, and get the
 * results and errnos the kernel drivers would give. Afterwards the broker holds nothing for them.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BrokerStatus } from '../../src/broker/types';
import { CLI_JS, CliResult, ROOT, RunningBroker, runCli, startBroker, waitFor } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';

const SHIM = path.join(ROOT, 'build', 'Release', 'libmlx5ctl_shim.so');
const SOURCES = path.join(ROOT, 'test', 'shim', 'c');
const PROGRAMS = ['info', 'rpc', 'coredump', 'fwctl', 'errors', 'threads', 'gone', 'pci_scan'];

let bin: string;
let broker: RunningBroker;

function compile(name: string): void {
  execFileSync('cc', ['-O2', '-Wall', '-Werror', '-pthread', '-o', path.join(bin, name), path.join(SOURCES, `${name}.c`)], { stdio: 'pipe' });
}

const wrapped = (name: string, args: string[] = [], rundir = broker.rundir): Promise<CliResult> =>
  runCli(['--rundir', rundir, 'wrap', '--', path.join(bin, name), ...args]);

/** "key: value" lines of a program's output. */
function lines(stdout: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const at = line.indexOf(': ');
    if (at > 0) map.set(line.slice(0, at), line.slice(at + 2));
  }
  return map;
}

async function status(rundir = broker.rundir): Promise<BrokerStatus> {
  const r = await runCli(['--rundir', rundir, 'status', '-j']);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as BrokerStatus;
}

/** Nothing left behind by exited programs: no pinned memory, no session but status's own. */
async function expectNothingHeld(): Promise<void> {
  const s = await status();
  expect(s.pinned_bytes).toBe(0);
  expect(s.sessions).toHaveLength(1);
  expect(s.sessions[0]).toMatchObject({ umems: 0, objects: 0, pinned_bytes: 0 });
}

beforeAll(async () => {
  if (!fs.existsSync(SHIM)) throw new Error(`${SHIM} missing: run \`npm install\` (node-gyp builds it)`);
  bin = tempDir('mlx5ctl-shim-bin-');
  for (const p of PROGRAMS) compile(p);
  broker = await startBroker();
}, 60000);

afterAll(async () => {
  await broker?.stop();
  if (bin) fs.rmSync(bin, { recursive: true, force: true });
});

describe('mlx5ctl uAPI under the shim', () => {
  it('finds the device the way the misc-era tool does and answers INFO like the kernel', async () => {
    const r = await wrapped('info');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out.get('found')).toBe('mlx5_core.ctl.0 0000:08:00.0');
    expect(out.get('aux device')).toBe('/sys/devices/pci0000:00/0000:08:00.0/mlx5_core.ctl.0');
    expect(out.get('ctldev')).toBe('/dev/mlx5ctl-mlx5_core.ctl.0');
    expect(out.get('Parent dev')).toBe('0000:08:00.0');
    expect(out.get('rdev')).toMatch(/^10:\d+$/);
    expect(Number(out.get('UCTX UID'))).toBeGreaterThan(0);
    // The same answers the broker's own CLI prints for the device.
    const cli = lines((await runCli(['--rundir', broker.rundir, '0', 'info'])).stdout);
    for (const key of ['UCTX CAP', 'DEV UCTX CAP', 'USER CAP']) expect(out.get(key)).toBe(cli.get(key));
    expect(r.stdout).toContain('PASSED');
  });

  it('runs CMDRPC: QUERY_HCA_CAP outbox with the device uctx_cap; firmware failures return 0', async () => {
    const r = await wrapped('rpc');
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out.get('status')).toBe('0x0');
    expect(Number(out.get('uctx_cap')) & 0x4).toBe(0x4);
    expect(out.get('bad register')).toMatch(/^status 0x[1-9a-f][0-9a-f]* syndrome 0x[0-9a-f]+$/);
    expect(out.get('repeated')).toBe('200');
    expect(r.stdout).toContain('PASSED');
  });

  it('core-dumps into plain heap memory through UMEM_REG + CREATE_MKEY at the buffer VA', async () => {
    const r = await wrapped('coredump');
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    for (const variant of ['aligned', 'offset']) {
      expect(out.get(variant)).toBe('ok');
      expect(r.stdout).toContain(`${variant}: magic MLX5CRDP`);
    }
    expect(r.stdout).toMatch(/aligned: dump size \d+ more 0 cookie 0x[0-9a-f]+/);
    // Each registration pinned a memfd covering the buffer's pages (2 MiB, and one more page
    // for the buffer that starts mid-page).
    const regs = broker.logs().filter((l) => l.event === 'umem_reg').slice(-2);
    expect(regs.map((l) => l.pinned)).toEqual([2 * 1024 * 1024, 2 * 1024 * 1024 + 4096]);
    await expectNothingHeld();
  });

  it('gives the kernel errno on every error path', async () => {
    const r = await wrapped('errors');
    const errnos = new Map([...r.stdout.matchAll(/^errno (.+): (E[A-Z0-9]+)$/gm)].map((m) => [m[1], m[2]]));
    expect(Object.fromEntries(errnos)).toEqual({
      'open missing mlx5ctl node': 'ENOENT',
      'open missing fwctl node': 'ENOENT',
      'stat missing node': 'ENOENT',
      'access missing node': 'ENOENT',
      'open node as a directory': 'ENOTDIR',
      'cmdrpc inlen 8': 'EINVAL',
      'cmdrpc outlen 8': 'EINVAL',
      'cmdrpc outlen 262145': 'EINVAL',
      'cmdrpc bad inbox pointer': 'EFAULT',
      'cmdrpc bad struct pointer': 'EFAULT',
      'unknown ioctl': 'ENOTTY',
      'info with a wrong size': 'ENOTTY',
      'fwctl ioctl on mlx5ctl': 'ENOTTY',
      'umem_reg len 0': 'EINVAL',
      'umem_reg 65 MB': 'EINVAL',
      'umem_reg wrapping': 'EINVAL',
      'umem_reg reserved': 'EOPNOTSUPP',
      'umem_reg inaccessible': 'EFAULT',
      'umem_reg read-only': 'EFAULT',
      'umem_unreg bad id': 'ENOENT',
      'umem_unreg reserved': 'EOPNOTSUPP',
      'umem_unreg twice': 'ENOENT',
      'session ioctl on a dup2-replaced fd': 'ENOTTY',
      'ioctl on a closed fd': 'EBADF',
      'close of a closed fd': 'EBADF',
      'fwctl info size 16': 'EINVAL',
      'fwctl info flags': 'EOPNOTSUPP',
      'fwctl info bad blob pointer': 'EFAULT',
      'fwctl rpc size 24': 'EINVAL',
      'fwctl rpc non-zero tail': 'E2BIG',
      'fwctl rpc in_len 3 MiB': 'EMSGSIZE',
      'fwctl rpc in_len 8': 'EMSGSIZE',
      'fwctl rpc scope 9': 'EOPNOTSUPP',
      'fwctl rpc ALLOC_PD (not on the allowlist)': 'EBADMSG',
      'fwctl unknown ioctl': 'ENOTTY',
      'mlx5ctl umem ioctl on fwctl': 'ENOTTY',
      'fwctl ioctl on a closed fd': 'EBADF',
    });
    expect(r.stdout).not.toContain('FAIL');
    expect(r.code).toBe(0);
    await expectNothingHeld();
  });

  it('serialises RPCs from many threads on one fd', async () => {
    const r = await wrapped('threads');
    expect(r.stdout).toContain('rpcs: 400');
    expect(r.code).toBe(0);
    await expectNothingHeld();
  });
});

describe('fwctl uAPI under the shim', () => {
  it('scans /sys/class/fwctl, opens /dev/fwctl/fwctl0, INFO, fstat → /sys/dev/char, RPC', async () => {
    const r = await wrapped('fwctl');
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out.get('found')).toBe('/dev/fwctl/fwctl0 pci0000:00/0000:08:00.0');
    expect(out.get('node')).toBe('/dev/fwctl/fwctl0');
    expect(out.get('scandir')).toBe('fwctl0');
    expect(out.get('Parent dev')).toBe('pci0000:00/0000:08:00.0');
    expect(Number(out.get('UCTX UID'))).toBeGreaterThan(0);
    expect(out.get('rpc out_len')).toMatch(/^4112 status 0x0 uctx_cap 0x[0-9a-f]+$/);
    expect(r.stdout).toContain('PASSED');
    await expectNothingHeld();
  });
});

describe('PCI discovery under the shim', () => {
  it('lists the simulated function in /sys/bus/pci/devices beside the real ones, with its ids, and links it to fwctl0', async () => {
    const r = await wrapped('pci_scan');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out.get('mellanox functions')).toBe('1');
    expect(out.get('function')).toBe('0000:08:00.0');
    expect(out.get('device')).toBe('0x1021');
    expect(out.get('subsystem_vendor')).toBe('0x15b3');
    expect(out.get('subsystem_device')).toBe('0x5133');
    expect(out.get('class')).toBe('0x020000');
    expect(out.get('driver')).toBe('mlx5_core');
    expect(out.get('function path')).toBe('/sys/devices/pci0000:00/0000:08:00.0');
    expect(out.get('fwctl')).toBe('fwctl0');
    expect(out.get('dev')).toMatch(/^\d+:0$/);
    // The machine's own functions stay listed when it has any.
    const real = fs.existsSync('/sys/bus/pci/devices') && fs.readdirSync('/sys/bus/pci/devices').some((n) => n !== '0000:08:00.0');
    expect(out.get('other functions listed')).toBe(real ? 'yes' : 'no');
    expect(r.stdout).toContain('PASSED');
  });

  it('shows ls the fwctl node and the function\'s attributes', async () => {
    const r = await runCli(['--rundir', broker.rundir, 'wrap', '--', 'sh', '-c',
      'ls /dev/fwctl/ && ls /sys/bus/pci/devices/0000:08:00.0/ && readlink /sys/bus/pci/devices/0000:08:00.0 && cat /sys/bus/pci/devices/0000:08:00.0/vendor']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'fwctl0',
      'class',
      'device',
      'driver',
      'fwctl',
      'mlx5_core.ctl.0',
      'subsystem',
      'subsystem_device',
      'subsystem_vendor',
      'vendor',
      '../../../devices/pci0000:00/0000:08:00.0',
      '0x15b3',
      '',
    ]);
  });

  it('answers ls -l\'s extended-attribute probes, so no "?" follows the modes; a node not served is ENOENT', async () => {
    const r = await runCli(['--rundir', broker.rundir, 'wrap', '--', 'sh', '-c', 'ls -l /dev/fwctl/ /sys/class/fwctl/; ls -l /dev/fwctl/fwctl9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("ls: cannot access '/dev/fwctl/fwctl9': No such file or directory\n");
    const lines = r.stdout.split('\n');
    expect(lines[2]).toMatch(/^crw-rw---- 1 \S+ \S+ \d+, 0 .+ fwctl0$/);
    expect(lines[6]).toMatch(/^lrwxrwxrwx 1 \S+ \S+ \d+ .+ fwctl0 -> \.\.\/\.\.\/devices\/pci0000:00\/0000:08:00\.0\/fwctl\/fwctl0$/);
  });
});

describe('hot unplug', () => {
  it('turns the open fds into ENODEV when the broker goes away, and the nodes vanish', async () => {
    const own = await startBroker();
    const proc = spawn(process.execPath, [CLI_JS, '--rundir', own.rundir, 'wrap', '--', path.join(bin, 'gone')], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    await waitFor(() => stdout.includes('ready'), 10000, 'the program to open its fds');
    await own.stop();
    proc.stdin.end('go\n');
    expect(await exited).toBe(0);
    expect(stdout).toContain('errno info after unplug: ENODEV');
    expect(stdout).toContain('errno unknown ioctl after unplug: ENODEV');
    expect(stdout).toContain('errno fwctl info after unplug: ENODEV');
    expect(stdout).toContain('errno open after unplug: ENOENT');
    expect(stdout).toContain('PASSED');
  });
});

describe('mlx5ctl wrap', () => {
  const sh = (script: string, env: NodeJS.ProcessEnv = process.env): Promise<CliResult> =>
    runCli(['--rundir', broker.rundir, 'wrap', '--', '/bin/sh', '-c', script], { env });

  it('exits with the program status, 128 + signal when killed, 127 when it cannot run', async () => {
    expect((await sh('exit 7')).code).toBe(7);
    expect((await sh('kill -TERM $$')).code).toBe(128 + os.constants.signals.SIGTERM);
    const missing = await runCli(['wrap', '--', path.join(bin, 'no-such-program')]);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toBe(`Error : wrap: cannot run ${path.join(bin, 'no-such-program')}: No such file or directory (ENOENT)\n`);
    const usage = await runCli(['wrap']);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('Usage: mlx5ctl wrap');
  });

  it('prepends the shim to LD_PRELOAD, names the run directory, and removes its scratch directory', async () => {
    const other = path.join(bin, 'other.so');
    fs.copyFileSync(SHIM, other);
    const r = await sh('echo "$LD_PRELOAD"; echo "$MLX5CTL_RUNDIR"; echo "$MLX5CTL_SHIM_TMPDIR"', { ...process.env, LD_PRELOAD: other });
    const [preload, rundir, scratch] = r.stdout.trim().split('\n');
    expect(preload).toBe(`${SHIM}:${other}`);
    expect(rundir).toBe(path.resolve(broker.rundir));
    expect(scratch.startsWith(os.tmpdir())).toBe(true);
    expect(fs.existsSync(scratch)).toBe(false);
    expect(r.code).toBe(0);
  });

  it('shows unmodified tools (ls, readlink, realpath, stat) the emulated nodes and sysfs; the rest is untouched', async () => {
    const r = await sh(
      [
        'cat /proc/self/status >/dev/null && ls /dev/null',
        'ls /sys/class/fwctl /dev/fwctl',
        'readlink /sys/bus/auxiliary/devices/mlx5_core.ctl.0',
        'realpath /sys/bus/auxiliary/devices/mlx5_core.ctl.0',
        'readlink -f /sys/class/fwctl/fwctl0/device',
        'cat /sys/class/fwctl/fwctl0/dev',
        'stat -c "%F %t" /dev/fwctl/fwctl0 /dev/mlx5ctl-mlx5_core.ctl.0',
      ].join(' && '),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      '/dev/null',
      '/dev/fwctl:',
      'fwctl0',
      '',
      '/sys/class/fwctl:',
      'fwctl0',
      '../../../devices/pci0000:00/0000:08:00.0/mlx5_core.ctl.0',
      '/sys/devices/pci0000:00/0000:08:00.0/mlx5_core.ctl.0',
      '/sys/devices/pci0000:00/0000:08:00.0',
      '511:0',
      'character special file 1ff',
      'character special file a',
      '',
    ]);
  });
});
