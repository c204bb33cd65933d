/**
 * The CLI as a new user meets it (issue 15 §4): --version, option errors, wrong device names,
 * stale sockets, help at every level, bad operands, unwritable -o paths, non-ELF files, and the
 * broker's reasons for its refusals.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BROKER_JS, CLI_JS, runCli, runProgram, RunningBroker, startBroker } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';

const VERSION = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
const isRoot = process.getuid?.() === 0;

/** No line of a stack trace ("    at fn (file:line)") may reach a user. */
function expectNoStack(text: string): void {
  expect(text).not.toMatch(/^\s+at .+[:(]/m);
}

let broker: RunningBroker;
let cli: (...args: string[]) => ReturnType<typeof runCli>;
beforeAll(async () => {
  broker = await startBroker();
  cli = (...args) => runCli(['--rundir', broker.rundir, ...args]);
});
afterAll(async () => {
  await broker.stop();
});

describe('--version', () => {
  it('prints package.json\'s version for mlx5ctl and mlx5ctld', async () => {
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `mlx5ctl ${VERSION}\n`, stderr: '' });
    const daemon = await runProgram(BROKER_JS, ['--version']);
    expect(daemon).toEqual({ code: 0, stdout: `mlx5ctld ${VERSION}\n`, stderr: '' });
  });

  it('answers in JSON with -j, before or after it', async () => {
    for (const args of [['-j', '--version'], ['--version', '-j']]) {
      expect(await runCli(args)).toEqual({ code: 0, stdout: `{"program":"mlx5ctl","version":"${VERSION}"}\n`, stderr: '' });
    }
  });
});

describe('option errors', () => {
  it('reports an unknown option or a --rundir without a value as such, not as a missing broker', async () => {
    expect(await cli('-x', '0')).toEqual({ code: 1, stdout: '', stderr: "Error : invalid option -- 'x'\nTry 'mlx5ctl --help' for more information.\n" });
    expect((await cli('--frob')).stderr).toBe("Error : unrecognized option '--frob'\nTry 'mlx5ctl --help' for more information.\n");
    for (const args of [['0', '--rundir'], ['--rundir='], ['--rundir']]) {
      const r = await runCli(args);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe("Error : option '--rundir' requires an argument\nTry 'mlx5ctl --help' for more information.\n");
    }
    const devlink = await runCli(['devlink', 'dev', 'show', '--rundir']);
    expect(devlink).toEqual({ code: 1, stdout: '', stderr: "Error : option '--rundir' requires an argument\n" });
  });

  it('takes -- as the end of the global options, as getopt does', async () => {
    const r = await cli('-j', '--', '0', 'info');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ ctldev: '/dev/mlx5ctl-mlx5_core.ctl.0' });
    // After it, a word starting with '-' is the device, as the user asked.
    expect((await cli('--', '-5', 'info')).stderr).toMatch(/^Error : device -5 not found\n/);
  });

  it('reports a mistyped option to status as an option, not as a device that is not found', async () => {
    const r = await cli('status', '--bogus');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^status: unknown option '--bogus'\nUsage: mlx5ctl status \[DEV\] \[-j\]\n/);
  });

  it('refuses what info does not take instead of answering as if it were not there', async () => {
    const usage = "Usage: mlx5ctl <device> [info] [-j]\n\tthe control device, its parent, this open's firmware UID and caps, and the process holding it\n";
    expect(await cli('0', 'info', '--bogus')).toEqual({ code: 1, stdout: '', stderr: `Error : info: unknown option '--bogus'\n${usage}` });
    expect(await cli('0', 'info', 'extra')).toEqual({ code: 1, stdout: '', stderr: `Error : info: unexpected "extra"\n${usage}` });
  });

  it('keeps stdout JSON-only under -j: a failing command\'s usage and help go to stderr', async () => {
    for (const args of [['-j', '0', 'bogus'], ['-j', '0', 'cap', '--id=NOPE'], ['-j', '0', 'reg', '--bogus'], ['-j', '0', 'rscdump', '--bogus'], ['-j', '0', 'coredump', '--bogus'], ['-j', '0', 'diagcnt', 'nope']]) {
      const r = await cli(...args);
      expect([args.join(' '), r.code, r.stdout]).toEqual([args.join(' '), 1, '']);
      expect(r.stderr).not.toBe('');
    }
  });
});

describe('device names and sockets', () => {
  it('lists the devices that exist when the name matches none', async () => {
    const r = await cli('mlx5_core.ctl.9');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Error : device mlx5_core.ctl.9 not found\n' +
        `Error : devices in ${broker.rundir}:\n` +
        'Error : \tmlx5_core.ctl.0 (0000:08:00.0, fwctl0)\n' +
        'Error : Failed to open device mlx5_core.ctl.9\n',
    );
  });

  it('says an empty device name is empty (an unset variable in a script), and lists the devices', async () => {
    const r = await cli('', 'info');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Error : the device name is empty\n' +
        `Error : devices in ${broker.rundir}:\n` +
        'Error : \tmlx5_core.ctl.0 (0000:08:00.0, fwctl0)\n' +
        'Error : Failed to open device \n',
    );
  });

  it('says a socket is stale when its broker is gone', async () => {
    const gone = await startBroker();
    await gone.stop('SIGKILL'); // no clean-up: the socket and its descriptor stay behind
    const r = await runCli(['--rundir', gone.rundir, '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `Error : ${path.join(gone.rundir, 'mlx5_core.ctl.0')}: connection refused: the socket is stale (the broker that created it is gone); start mlx5ctld\n` +
        'Error : Failed to open device 0\n',
    );
  });

  it('exits non-zero from devlink when there is no broker, but still answers help', async () => {
    const empty = tempDir();
    const r = await runCli(['--rundir', empty, 'devlink', 'dev', 'show']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`no mlx5ctl devices in ${empty} (is mlx5ctld running?)\n`);
    const help = await runCli(['--rundir', empty, 'devlink', 'help']);
    expect(help.code).toBe(0);
    // iproute2 prints devlink's usage on stderr, after our note that no device was found.
    expect(help.stderr).toMatch(new RegExp(`^no mlx5ctl devices in ${empty} \\(is mlx5ctld running\\?\\)\nUsage: devlink \\[ OPTIONS \\] OBJECT`));
  });
});

describe('--help at every level', () => {
  const cases: [string[], RegExp][] = [
    [['0', '--help'], /^Usage: mlx5ctl <mlx5 pci device> <command> \[options\]\n/],
    [['0', '-h'], /^Usage: mlx5ctl <mlx5 pci device> <command> \[options\]\n/],
    [['0', 'info', '--help'], /^Usage: mlx5ctl <device> \[info\] \[-j\]\n/],
    [['0', 'diagcnt', '--help'], /^Usage: diagcnt <command> \[options\]\n/],
    [['0', 'diagcnt', 'dump', '--help'], /^Usage: dump \[num samples\] \[sample index\] \[--bin\]\n$/],
    [['0', 'sleep', '--help'], /^Usage: mlx5ctl <device> sleep <seconds> /],
    [['status', '--help'], /^Usage: mlx5ctl status \[DEV\] \[-j\]\n/],
    [['wrap', '--help'], /^Usage: mlx5ctl wrap \[--rundir DIR\] -- PROGRAM \[ARGS\.\.\.\]\n/],
    [['sim', '0', '--help'], /^Usage: mlx5ctl sim DEV inject/],
    [['vmcoredd', 'collect', '--help'], /^Usage: mlx5ctl vmcoredd collect DEV -o FILE\n$/],
    [['vmcoredd', 'list', '--help'], /^Usage: mlx5ctl vmcoredd \{ collect/],
  ];
  it.each(cases)('%j prints its usage on stdout and exits 0', async (args, usage) => {
    const r = await cli(...args);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(usage);
  });
});

describe('bad operands', () => {
  it.each(['abc', '-1', '1e3', ''])('refuses `sleep %j`', async (operand) => {
    const started = Date.now();
    const r = await cli('0', 'sleep', operand);
    expect(r).toEqual({ code: 1, stdout: '', stderr: `Error : sleep: invalid time interval '${operand}' (seconds, a number of 0 or more)\n` });
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('still sleeps for a valid operand and runs the command first', async () => {
    const r = await cli('0', 'sleep', '0.1', 'info', '-j');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ctldev: '/dev/mlx5ctl-mlx5_core.ctl.0' });
  });
});

describe('-o paths are checked before the dump', () => {
  it('refuses a directory and a missing directory for coredump -o, writing nothing', async () => {
    const dir = tempDir();
    const isDir = await cli('0', 'coredump', '--umem=2048', '-o', dir);
    expect(isDir).toEqual({ code: 1, stdout: '', stderr: `Error : coredump: cannot write ${dir}: Is a directory (EISDIR)\n` });
    const missing = path.join(dir, 'no', 'core.bin');
    const r = await cli('0', 'coredump', '--umem=2048', '-o', missing);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `Error : coredump: cannot write ${missing}: No such file or directory (ENOENT): no directory ${path.dirname(missing)}\n`,
    });
    // Nothing was pinned or dumped: the broker saw no UMEM registration from these sessions.
    expect(broker.logs().filter((l) => l.event === 'umem_reg')).toEqual([]);
  });

  it('refuses vmcoredd collect and extract targets it cannot write', async () => {
    const dir = tempDir();
    const collect = await cli('vmcoredd', 'collect', '0', '-o', dir);
    expect(collect).toEqual({ code: 1, stdout: '', stderr: `Error : vmcoredd collect: cannot write ${dir}: Is a directory (EISDIR)\n` });
    const extract = await cli('vmcoredd', 'extract', '/nonexistent.vmcore', '1', dir);
    expect(extract).toEqual({ code: 1, stdout: '', stderr: `Error : vmcoredd extract: cannot write ${dir}: Is a directory (EISDIR)\n` });
  });

  it('refuses a directory it may not create files in (EACCES)', async () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o555);
    const target = path.join(dir, 'out.bin');
    // Root may write anywhere: the refusal is seen as an ordinary user (nobody) sees it.
    const wrapper = isRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : [process.execPath];
    const r = await runProgram(CLI_JS, ['vmcoredd', 'extract', '/nonexistent.vmcore', '1', target], wrapper);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `Error : vmcoredd extract: cannot write ${target}: Permission denied (EACCES): cannot create files in ${dir}\n`,
    });
  });
});

describe('vmcoredd list of what is not an ELF core file', () => {
  it('says so for a directory, a text file and an empty file', async () => {
    const dir = tempDir();
    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'hello, not a core\n');
    const empty = path.join(dir, 'empty');
    fs.writeFileSync(empty, '');
    expect(await cli('vmcoredd', 'list', dir)).toEqual({ code: 1, stdout: '', stderr: `Error : vmcoredd: ${dir}: not an ELF core file: it is a directory\n` });
    // The file's name once, and the reason as strerror words it, not Node's "ENOENT: ..., open '...'".
    const missing = path.join(dir, 'missing');
    expect(await cli('vmcoredd', 'list', missing)).toEqual({ code: 1, stdout: '', stderr: `Error : vmcoredd: cannot open ${missing}: No such file or directory (ENOENT)\n` });
    expect(await cli('vmcoredd', 'list', text)).toEqual({ code: 1, stdout: '', stderr: `Error : vmcoredd: ${text}: not an ELF core file (bad magic)\n` });
    expect(await cli('vmcoredd', 'list', empty)).toEqual({
      code: 1,
      stdout: '',
      stderr: `Error : vmcoredd: ${empty}: not an ELF core file: 0 bytes, too short for an ELF identification\n`,
    });
  });
});

describe('without the native addon', () => {
  it('prints one error line from both programs, and --version still works', async () => {
    // A copy of the compiled programs with no build/ beside them: the addon cannot be found.
    const root = tempDir();
    fs.cpSync(path.join(__dirname, '..', '..', 'dist'), path.join(root, 'dist'), { recursive: true });
    fs.copyFileSync(path.join(__dirname, '..', '..', 'package.json'), path.join(root, 'package.json'));
    fs.symlinkSync(path.join(__dirname, '..', '..', 'node_modules'), path.join(root, 'node_modules'));
    const cliJs = path.join(root, 'dist', 'tools', 'mlx5ctl', 'main.js');
    const brokerJs = path.join(root, 'dist', 'src', 'broker', 'main.js');
    const info = await runProgram(cliJs, ['0']);
    expect(info.code).toBe(1);
    expect(info.stderr).toMatch(/^Error : cannot load the mlx5ctl native addon \(run `npm install`\); tried:\n/);
    expectNoStack(info.stderr);
    const daemon = await runProgram(brokerJs, ['--rundir', tempDir()]);
    expect(daemon.code).toBe(1);
    expect(daemon.stderr).toMatch(/^mlx5ctld: cannot load the mlx5ctl native addon \(run `npm install`\); tried:\n/);
    expectNoStack(daemon.stderr);
    expect((await runProgram(cliJs, ['--version'])).stdout).toBe(`mlx5ctl ${VERSION}\n`);
    expect((await runProgram(brokerJs, ['--version'])).stdout).toBe(`mlx5ctld ${VERSION}\n`);
  });
});

describe('a user the broker refuses', () => {
  let closed: RunningBroker;
  beforeAll(async () => {
    // A policy that names only another user: this one is refused at open (EACCES).
    const policy = path.join(tempDir(), 'policy.json');
    fs.writeFileSync(policy, JSON.stringify({ rules: [{ uid: 12345, max_scope: 'DEBUG_READ_ONLY' }] }));
    closed = await startBroker(['--policy', policy]);
  });
  afterAll(async () => {
    await closed.stop();
  });

  it('is told who may connect, by device commands and by devlink alike', async () => {
    const hint = "(the broker's policy or the socket's mode refuses this user; ask for group mlx5ctl)";
    const info = await runCli(['--rundir', closed.rundir, '0', 'info']);
    expect(info).toEqual({ code: 1, stdout: '', stderr: `Error : open 0: open refused: Permission denied ${hint}\nError : Failed to open device 0\n` });
    const devlink = await runCli(['--rundir', closed.rundir, 'devlink', 'dev', 'show']);
    expect(devlink).toEqual({ code: 1, stdout: '', stderr: `Error : devlink: open refused: Permission denied ${hint}\n` });
  });
});

describe('refusals explained with their cause', () => {
  let ro: RunningBroker;
  beforeAll(async () => {
    // This user at DEBUG_READ_ONLY, and a 1 MiB pin quota per session.
    const policy = path.join(tempDir(), 'policy.json');
    fs.writeFileSync(policy, JSON.stringify({ rules: [{ uid: process.getuid?.() ?? 0, max_scope: 'DEBUG_READ_ONLY' }] }));
    ro = await startBroker(['--policy', policy, '--max-session-pinned-mb', '1']);
  });
  afterAll(async () => {
    await ro.stop();
  });
  const roCli = (...args: string[]): ReturnType<typeof runCli> => runCli(['--rundir', ro.rundir, ...args]);

  it('EBADMSG names the opcode, the scope it needs and the scope the policy grants', async () => {
    const r = await roCli('0', 'diagcnt', 'set', '-S', '1', '10', '0x401');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Error : MLX5CTL_IOCTL_CMDRPC failed: -1 errno(74): Bad message\n' +
        'Error : mlx5ctld: opcode 0x820 (SET_DIAGNOSTIC_PARAMS) op_mod 0 needs scope DEBUG_WRITE; the policy grants this session DEBUG_READ_ONLY\n' +
        'Error : diag_cnt set failed, 1\n',
    );
  });

  it('ENOMEM on a UMEM names the quota that was hit', async () => {
    const r = await roCli('0', 'coredump', '--umem=2048');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Error : ioctl failed: -1 errno(12): Cannot allocate memory (pinning 2097152 bytes would pass ' +
        "this session's pin quota: 0 of 1048576 bytes already pinned (mlx5ctld --max-session-pinned-mb))\n",
    );
  });

  it('EPERM on status says who may run it', async () => {
    const r = await roCli('status');
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'Error : status: Operation not permitted (admin requests need full scope): it needs scope DEBUG_WRITE_FULL ' +
        "(root or the user mlx5ctld runs as); the broker's policy gives this user DEBUG_READ_ONLY\n",
    });
  });
});

describe('-j on every command, snake_case keys', () => {
  it('regdump -j is one JSON document with a register per line of the text dump', async () => {
    const text = await cli('0', 'regdump');
    const json = await cli('-j', '0', 'regdump');
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { device: string; hw_dev_id: number; csv: string; registers: { address: number; value: number }[] };
    expect(doc).toMatchObject({ device: 'ConnectX7', hw_dev_id: 0x218 });
    const lines = text.stdout.trimEnd().split('\n');
    expect(doc.registers).toHaveLength(lines.length);
    // Counters move between the two dumps: the addresses match line for line, the values are dwords.
    const hex8 = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;
    expect(doc.registers.map((r) => hex8(r.address))).toEqual(lines.map((l) => l.split(' ')[0]));
    expect(doc.registers.every((r) => Number.isInteger(r.value) && r.value >= 0 && r.value <= 0xffffffff)).toBe(true);
    expect(doc.registers[2]).toEqual({ address: 8, value: Number(lines[2]!.split(' ')[1]) });
  });

  it('vmcoredd extract -j gives the dump as hex, or the file it was copied to', async () => {
    const dir = tempDir();
    const vmcore = path.join(dir, 'vmcore');
    expect((await cli('vmcoredd', 'collect', '0', '-o', vmcore)).code).toBe(0);
    const listed = JSON.parse((await cli('-j', 'vmcoredd', 'list', vmcore)).stdout) as { device_dumps: { index: number; name: string; size: number }[] };
    const first = listed.device_dumps[0]!;
    const copy = path.join(dir, 'dump.bin');
    const copied = JSON.parse((await cli('-j', 'vmcoredd', 'extract', vmcore, String(first.index), copy)).stdout) as Record<string, unknown>;
    expect(copied).toMatchObject({ index: first.index, name: first.name, size: first.size, file: copy });
    const inline = await cli('-j', 'vmcoredd', 'extract', vmcore, String(first.index));
    expect(inline.code).toBe(0);
    const doc = JSON.parse(inline.stdout) as { data: string; size: number };
    expect(Buffer.from(doc.data, 'hex').equals(fs.readFileSync(copy))).toBe(true);
    expect(doc.data.length).toBe(2 * first.size);
  });

  it('sim show -j uses snake_case keys', async () => {
    const r = await cli('-j', 'sim', '0', 'show');
    expect(r.code).toBe(0);
    const keys = Object.keys(JSON.parse(r.stdout) as object);
    expect(keys).toEqual(expect.arrayContaining(['internal_error', 'recover_fail']));
    expect(keys.filter((k) => /[A-Z]/.test(k))).toEqual([]);
  });
});

describe('progress on a terminal, none in a pipe', () => {
  const read = ['devlink', 'region', 'read', 'pci/0000:08:00.0/cr-space', 'address', '0', 'length', String(8 * 1024 * 1024)];

  it('draws a bar on stderr when it is a terminal (script(1) gives the CLI a pty) and erases it', async () => {
    // stdout goes to /dev/null inside the pty's shell: what script captures is stderr's bar.
    const line = [process.execPath, CLI_JS, '--rundir', broker.rundir, ...read].join(' ');
    const r = await runProgram('-qefc', [`${line} > /dev/null`, '/dev/null'], ['script']);
    expect(r.code).toBe(0);
    const frames = r.stdout.split('\r\x1b[K').filter((f) => f.length > 0);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames[frames.length - 1]).toMatch(/^pci\/0000:08:00\.0\/cr-space \[={30}\] 100% 8\.0 MiB\/8\.0 MiB/);
    expect(frames.every((f) => /^pci\/0000:08:00\.0\/cr-space \[[=> ]{30}\] +\d+% /.test(f))).toBe(true);
    expect(r.stdout.endsWith('\r\x1b[K')).toBe(true);
  }, 60_000);

  it('writes nothing to stderr when it is a pipe', async () => {
    const r = await cli(...read);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toMatch(/^0000000000000000 ([0-9a-f]{2} ){16}$/);
  }, 60_000);
});
