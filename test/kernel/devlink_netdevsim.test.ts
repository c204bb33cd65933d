/**
 * Issue 13 §3: `mlx5ctl devlink` through the broker (`--devlink kernel`, a simulated device on the
 * netdevsim parent) against iproute2's `devlink`, on the same netdevsim kernel state: the netdevsim
 * selftest sequences for regions and health (/work/shared/reference/devlink.md §5), each command
 * in text, -j and -jp, stdout, stderr and exit code byte for byte, and the `monitor` streams of
 * both tools for the whole run. Reads run twice on the same state; a mutation runs with one tool,
 * is undone, then runs with the other, so both see the same state (idempotent ones run twice).
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import { connectDevlink } from '../../src/client/devlink_api';
import { main as cli } from '../../tools/mlx5ctl/main';
import { runDevlink } from '../../tools/mlx5ctl/devlink';
import { RunningBroker, startBroker } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';
import { assertInLane, LANE_TIMEOUT_MS, waitFor } from './lane';

// About 150 CLI runs at the guest's 25-30x slowdown: more than one lane test's usual budget.
jest.setTimeout(2 * LANE_TIMEOUT_MS);

const DL = 'netdevsim/netdevsim10';
const DEBUGFS = '/sys/kernel/debug/netdevsim/netdevsim10';
const FORMATS: string[][] = [[], ['-j'], ['-jp']];

interface Result {
  rc: number;
  stdout: string;
  stderr: string;
}

let broker: RunningBroker;
let ipMonitor: ChildProcess | undefined;
let stopMonitors = (): void => undefined;
const started = Date.now();
/** Progress on the guest's console as it happens (jest prints its own report only at the end). */
function step(what: string): void {
  const line = `[devlink lane +${Math.round((Date.now() - started) / 1000)} s] ${what}\n`;
  process.stderr.write(line);
  // The console reaches the host only when the guest ends; the lane's run share is live.
  fs.appendFileSync('/run/mlx5ctl-lane/progress', line);
}
/**
 * Every difference between the two tools, asserted empty at the end: one run in the slow guest
 * then reports all of them, not only the first.
 */
const mismatches: Array<{ line: string[]; iproute2: Result; mlx5ctl: Result }> = [];

function compare(line: string[], expected: Result, actual: Result): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) mismatches.push({ line, iproute2: expected, mlx5ctl: actual });
}

/**
 * The first line where two outputs part, with the two lines before it, each side cut short: whole
 * dumps stalled the guest's console.
 */
function firstDifference(expected: string, actual: string): string {
  const [want, got] = [expected.split('\n'), actual.split('\n')];
  const at = want.findIndex((line, i) => line !== got[i]);
  const index = at === -1 ? want.length : at;
  const cut = (line: string | undefined): string => (line === undefined ? '(none)' : JSON.stringify(line.slice(0, 160)));
  const before = want.slice(Math.max(0, index - 2), index).map((line) => `\n      same: ${cut(line)}`).join('');
  return `line ${index + 1}:${before}\n      iproute2: ${cut(want[index])}\n      mlx5ctl:  ${cut(got[index])}`;
}

/** Every mismatch as `argv`, then per differing stream its first differing line. */
function describeMismatches(): string {
  return mismatches.map(({ line, iproute2: want, mlx5ctl: got }) => {
    const parts = [`devlink ${line.join(' ')}`];
    if (want.rc !== got.rc) parts.push(`  rc: iproute2 ${want.rc} / mlx5ctl ${got.rc}`);
    if (want.stdout !== got.stdout) parts.push(`  stdout ${firstDifference(want.stdout, got.stdout)}`);
    if (want.stderr !== got.stderr) parts.push(`  stderr ${firstDifference(want.stderr, got.stderr)}`);
    return parts.join('\n');
  }).join('\n');
}

/**
 * iproute2's devlink: the lane's tools root (scripts/kernel-lane/prepare.sh, Debian forky's
 * iproute2 7.2), run through chroot; devlink needs only netlink, and it is the same kernel.
 */
const TOOLS_ROOT = execFileSync('bash', ['-c', 'source scripts/kernel-lane/lib.sh && lane_tools_root'], { encoding: 'utf8' }).trim();
function iproute2(argv: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile('chroot', [TOOLS_ROOT, 'devlink', ...argv], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error && typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 0;
      resolve({ rc: code, stdout, stderr });
    });
  });
}

async function mlx5ctl(argv: string[]): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const rc = await cli(['--rundir', broker.rundir, 'devlink', ...argv], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) }, {});
  return { rc, stdout, stderr };
}

/** A read: both tools on the same state, every format. */
async function same(...argv: string[]): Promise<Result> {
  let text: Result | undefined;
  for (const format of FORMATS) {
    const line = [...format, ...argv];
    const [expected, actual] = [await iproute2(line), await mlx5ctl(line)];
    compare(line, expected, actual);
    text ??= expected;
  }
  return text ?? { rc: -1, stdout: '', stderr: '' };
}

/** A command whose formats print alike (errors, usage, sets): both tools once, as given. */
async function sameOnce(...argv: string[]): Promise<Result> {
  const [expected, actual] = [await iproute2(argv), await mlx5ctl(argv)];
  compare(argv, expected, actual);
  return expected;
}

/** A mutation: iproute2 does it, `undo` puts the state back, mlx5ctl does it again. */
async function mutate(argv: string[], undo?: () => Promise<unknown>): Promise<Result> {
  const expected = await iproute2(argv);
  if (undo) await undo();
  const actual = await mlx5ctl(argv);
  compare(argv, expected, actual);
  return actual;
}

function write(file: string, text: string): void {
  fs.writeFileSync(`${DEBUGFS}/${file}`, text);
}

function snapshotCount(stdout: string): number {
  const regions = (JSON.parse(stdout) as { regions: Record<string, { snapshot: number[] }> }).regions;
  return regions[`${DL}/dummy`]?.snapshot.length ?? -1;
}

async function count(): Promise<number> {
  return snapshotCount((await same('region', 'show', `${DL}/dummy`, '-j')).stdout);
}

function reporter(stdout: string): Record<string, unknown> {
  const health = (JSON.parse(stdout) as { health: Record<string, Array<Record<string, unknown>>> }).health;
  return health[DL]?.[0] ?? {};
}

async function dummyInfo(): Promise<string> {
  const info = reporter((await same('health', 'show', DL, 'reporter', 'dummy', '-j')).stdout);
  return ['state', 'error', 'recover', 'grace_period', 'auto_recover'].map((k) => String(info[k])).join(' ');
}

/** netdevsim (and psample, which it needs) from the lane's build, unless the guest loaded it already. */
function loadNetdevsim(): void {
  if (fs.existsSync('/sys/bus/netdevsim')) return;
  const modules = `${process.env['MLX5CTL_LANE_CACHE'] ?? ''}/boot/${os.release()}/modules`;
  for (const module of ['psample', 'netdevsim']) {
    if (fs.existsSync(`/sys/module/${module}`)) continue;
    // The guest's userland (the host's, Debian) has busybox-static but not kmod.
    execFileSync('busybox', ['insmod', `${modules}/${module}.ko`]);
  }
}

beforeAll(async () => {
  assertInLane();
  step('loading netdevsim');
  loadNetdevsim();
  if (!fs.existsSync('/sys/bus/netdevsim/devices/netdevsim10')) fs.writeFileSync('/sys/bus/netdevsim/new_device', '10 1');
  await waitFor('netdevsim10 in debugfs', () => fs.existsSync(`${DEBUGFS}/take_snapshot`));
  expect(execFileSync('chroot', [TOOLS_ROOT, 'devlink', '-V'], { encoding: 'utf8' })).toBe('devlink utility, iproute2-7.2.0\n');
  await waitFor('the devlink instance of netdevsim10', () => execFileSync('chroot', [TOOLS_ROOT, 'devlink', 'dev', 'show'], { encoding: 'utf8' }).includes(DL));
  step('starting the broker');
  broker = await startBroker(['--device', `sim:cx7@${DL}`, '--devlink', 'kernel'], tempDir('mlx5ctld-devlink-'), { startTimeoutMs: 300_000 });
});
afterAll(async () => {
  // A failed run leaves both monitors running, and jest would then never exit in the guest.
  stopMonitors();
  await broker?.stop();
});

describe('mlx5ctl devlink through the broker against iproute2 on netdevsim', () => {
  it('prints the same for the selftest sequences, and the same monitor stream', async () => {
    // Both monitors watch the whole run; stdbuf makes devlink's stdout line-buffered into the pipe.
    const theirMonitor = spawn('chroot', [TOOLS_ROOT, 'stdbuf', '-oL', 'devlink', 'monitor'], { stdio: ['ignore', 'pipe', 'pipe'] });
    ipMonitor = theirMonitor;
    let ipEvents = '';
    theirMonitor.stdout.on('data', (d: Buffer) => (ipEvents += d.toString()));
    const connection = await connectDevlink(broker.rundir);
    const abort = new AbortController();
    stopMonitors = (): void => {
      abort.abort();
      ipMonitor?.kill('SIGKILL');
      connection.close();
    };
    let ourEvents = '';
    const ourMonitor = runDevlink(['monitor'], connection.api, { stdout: (s) => (ourEvents += s), stderr: (s) => (ourEvents += s) }, { signal: abort.signal });
    // Both subscribed: a marker each can see before the run starts.
    const marker = async (id: number): Promise<void> => {
      await iproute2(['region', 'new', `${DL}/dummy`, 'snapshot', String(id)]);
      await iproute2(['region', 'del', `${DL}/dummy`, 'snapshot', String(id)]);
      const line = `[region,del] ${DL}/dummy: snapshot ${id}\n`;
      await waitFor(`marker ${id} on both monitors`, () => ipEvents.includes(line) && ourEvents.includes(line), 300_000);
    };
    step('both monitors subscribed? marker 90');
    await marker(90);
    step('dev and port');
    ipEvents = ipEvents.slice(ipEvents.indexOf(`[region,del] ${DL}/dummy: snapshot 90\n`));
    ourEvents = ourEvents.slice(ourEvents.indexOf(`[region,del] ${DL}/dummy: snapshot 90\n`));

    await same('dev', 'show');
    await same('dev', 'show', DL);
    await same('dev', 'info', DL);
    await same('port', 'show');
    await same('dev', 'show', 'pci/0000:00:09.0');

    step('regions_test');
    expect((JSON.parse((await same('region', 'show', `${DL}/dummy`, '-j')).stdout) as { regions: Record<string, { size: number }> }).regions[`${DL}/dummy`]?.size).toBe(32768);
    expect(await count()).toBe(0);
    for (let i = 1; i <= 3; i++) {
      write('take_snapshot', '\n');
      expect(await count()).toBe(i);
    }
    await same('region', 'show');
    // The selftest deletes snapshot 1. Linux 7.3 keeps the id of a snapshot netdevsim took, so it
    // cannot be created again to undo the delete: a fourth snapshot (id 3) is mlx5ctl's to delete.
    write('take_snapshot', '\n');
    const del = (id: number): string[] => ['region', 'del', `${DL}/dummy`, 'snapshot', String(id)];
    const [deleted, deletedToo] = [await iproute2(del(1)), await mlx5ctl(del(3))];
    compare(del(1), deleted, deletedToo);
    expect(deleted.rc).toBe(0);
    expect(await count()).toBe(2);
    const del25 = (): Promise<Result> => iproute2(['region', 'del', `${DL}/dummy`, 'snapshot', '25']);
    expect((await mutate(['region', 'new', `${DL}/dummy`, 'snapshot', '25'], del25)).rc).toBe(0);
    expect(await count()).toBe(3);
    await same('region', 'new', `${DL}/dummy`, 'snapshot', '25');
    expect((await same('region', 'dump', `${DL}/dummy`, 'snapshot', '25')).rc).toBe(0);
    for (const [addr, len] of [['0', '1'], ['128', '128'], ['128', '4294967296'], ['4294967296', '128']]) {
      await same('region', 'read', `${DL}/dummy`, 'snapshot', '25', 'addr', addr ?? '', 'len', len ?? '');
    }
    await same('region', 'read', `${DL}/dummy`, 'addr', '0', 'len', '16');
    await same('region', 'read', `${DL}/dummy`, 'snapshot', '77', 'addr', '0', 'len', '16');
    const recreate25 = (): Promise<Result> => iproute2(['region', 'new', `${DL}/dummy`, 'snapshot', '25']);
    expect((await mutate(['region', 'del', `${DL}/dummy`, 'snapshot', '25'], recreate25)).rc).toBe(0);
    expect(await count()).toBe(2);
    // Kernel-allocated ids: Linux 7.3 does not hand a freed one out again (the selftest checks only
    // the count), so each tool gets its own id and the outputs are compared around it.
    const allocatedIds: number[] = [];
    for (const [format, printed] of [['-j', (id: number) => `{"regions":{"${DL}/dummy":{"snapshot":[${id}]}}}\n`], ['', (id: number) => `${DL}/dummy: snapshot ${id}\n`]] as const) {
      const argv = [...(format ? [format] : []), 'region', 'new', `${DL}/dummy`];
      const [expected, actual] = [await iproute2(argv), await mlx5ctl(argv)];
      const idOf = (result: Result): number => Number(/(\d+)\]?\}*\n$/.exec(result.stdout)?.[1] ?? -1);
      const [theirs, ours] = [idOf(expected), idOf(actual)];
      compare(argv, expected, { ...actual, stdout: actual.stdout === printed(ours) ? printed(theirs) : actual.stdout });
      expect(expected).toEqual({ rc: 0, stdout: printed(theirs), stderr: '' });
      allocatedIds.push(theirs, ours);
    }
    expect(new Set(allocatedIds).size).toBe(4);
    expect(await count()).toBe(6);
    const [sid = -1, ourSid = -1] = allocatedIds;
    await same('region', 'dump', `${DL}/dummy`, 'snapshot', String(sid));
    // Nor is an allocated id created again once deleted: each tool deletes its own.
    const [removed, removedToo] = [await iproute2(del(sid)), await mlx5ctl(del(ourSid))];
    compare(del(sid), removed, removedToo);
    for (const id of allocatedIds.slice(2)) expect((await iproute2(del(id))).rc).toBe(0);
    expect(await count()).toBe(2);

    step('empty_reporter_test');
    for (const command of [['show'], ['dump', 'show'], ['diagnose'], ['recover']]) {
      expect((await same('health', ...command, DL, 'reporter', 'empty')).rc).toBe(0);
    }

    step('dummy_reporter_test');
    expect(await dummyInfo()).toBe('healthy 0 0 0 true');
    await mutate(['health', 'set', DL, 'reporter', 'dummy', 'auto_recover', 'false']);
    expect(await dummyInfo()).toBe('healthy 0 0 0 false');
    write('health/break_health', 'foo bar');
    expect(await dummyInfo()).toBe('error 1 0 0 false');
    expect(JSON.parse((await same('health', 'dump', 'show', DL, 'reporter', 'dummy', '-j')).stdout)).toMatchObject({ break_message: 'foo bar' });
    await same('health', 'show');
    await mutate(['health', 'dump', 'clear', DL, 'reporter', 'dummy']);
    // Recovering a healthy reporter is a no-op, so mlx5ctl recovers and iproute2 repeats it.
    const recover = ['health', 'recover', DL, 'reporter', 'dummy'];
    const [ours, theirs] = [await mlx5ctl(recover), await iproute2(recover)];
    compare(recover, theirs, ours);
    expect(await dummyInfo()).toBe('healthy 1 1 0 false');
    await mutate(['health', 'set', DL, 'reporter', 'dummy', 'auto_recover', 'true']);
    write('health/break_health', 'foo bar');
    expect(await dummyInfo()).toBe('healthy 2 2 0 true');
    // netdevsim's diagnose draws test_binary anew each time: empty, both tools print the same.
    write('health/binary_len', '0');
    expect(JSON.parse((await same('health', 'diagnose', DL, 'reporter', 'dummy', '-j')).stdout)).toMatchObject({ recovered_break_message: 'foo bar' });
    await same('health', 'diagnose', DL, 'reporter', 'dummy');
    write('health/binary_len', '16');
    await mutate(['health', 'set', DL, 'reporter', 'dummy', 'grace_period', '10']);
    expect(await dummyInfo()).toBe('healthy 2 2 10 true');
    write('health/fail_recover', 'Y');
    expect(() => write('health/break_health', 'foo bar')).toThrow();
    expect(await dummyInfo()).toBe('error 3 2 10 true');
    expect((await mutate(recover)).rc).toBe(1);
    expect(await dummyInfo()).toBe('error 3 2 10 true');
    write('health/fail_recover', 'N');
    const [recovered, repeated] = [await mlx5ctl(recover), await iproute2(recover)];
    compare(recover, repeated, recovered);
    expect(recovered.rc).toBe(0);
    expect(await dummyInfo()).toBe('healthy 3 3 10 true');
    write('health/binary_len', '8192');
    expect((await same('health', 'dump', 'show', DL, 'reporter', 'dummy', '-j')).rc).toBe(0);
    await mutate(['health', 'dump', 'clear', DL, 'reporter', 'dummy']);
    await same('health', 'test', DL, 'reporter', 'dummy');
    await same('health', 'set', DL, 'reporter', 'empty', 'grace_period', '10');
    await same('health', 'show', DL, 'reporter', 'nope');

    step('params');
    await same('dev', 'param', 'show');
    await same('dev', 'param', 'show', DL, 'name', 'test2');
    const test2 = (value: string): Promise<Result> => iproute2(['dev', 'param', 'set', DL, 'name', 'test2', 'value', value, 'cmode', 'runtime']);
    expect((await mutate(['dev', 'param', 'set', DL, 'name', 'test2', 'value', '10', 'cmode', 'runtime'], () => test2('1234'))).rc).toBe(0);
    // The same value again: both skip the SET, so nothing changes and no event comes.
    await sameOnce('dev', 'param', 'set', DL, 'name', 'test2', 'value', '10', 'cmode', 'runtime');
    expect((await mutate(['dev', 'param', 'set', DL, 'name', 'test2', 'default', 'cmode', 'runtime'], () => test2('10'))).rc).toBe(0);
    await same('dev', 'param', 'show', DL, 'name', 'test2');
    const test1 = (value: string): Promise<Result> => iproute2(['dev', 'param', 'set', DL, 'name', 'test1', 'value', value, 'cmode', 'driverinit']);
    await mutate(['dev', 'param', 'set', DL, 'name', 'test1', 'value', 'false', 'cmode', 'driverinit'], () => test1('true'));
    await mutate(['dev', 'param', 'set', DL, 'name', 'test1', 'default', 'cmode', 'driverinit'], () => test1('false'));
    for (const wrong of [
      ['test2', 'value', '10', 'cmode', 'permanent'], ['test1', 'value', 'maybe', 'cmode', 'driverinit'],
      ['max_macs', 'value', '9999999999', 'cmode', 'driverinit'], ['nope', 'value', '1', 'cmode', 'runtime'],
      ['test2', 'value', '1', 'default', 'cmode', 'runtime'], ['test2', 'cmode', 'runtime'],
    ]) {
      await sameOnce('dev', 'param', 'set', DL, 'name', ...wrong);
    }
    await same('dev', 'param', 'show', DL, 'name', 'nope');

    step('ports');
    fs.writeFileSync(`/sys/bus/netdevsim/devices/netdevsim10/new_port`, '1');
    await same('port', 'show');
    await same('port', 'show', `${DL}/1`);
    fs.writeFileSync(`/sys/bus/netdevsim/devices/netdevsim10/del_port`, '1');
    await sameOnce('port', 'show', `${DL}/1`);

    step('version and usage');
    for (const line of [['-V'], ['region', 'help'], ['health', 'help'], ['monitor', 'help']]) await sameOnce(...line);

    step('marker 91');
    await marker(91);
    abort.abort();
    theirMonitor.kill('SIGINT');
    expect(await ourMonitor).toBe(0);
    await new Promise((resolve) => theirMonitor.on('exit', resolve));
    connection.close();
    const cut = (events: string): string => events.slice(0, events.indexOf(`[region,del] ${DL}/dummy: snapshot 91\n`));
    compare(['monitor'], { rc: 0, stdout: cut(ipEvents), stderr: '' }, { rc: 0, stdout: cut(ourEvents), stderr: '' });
    expect(cut(ourEvents)).toContain('[health,status]');
    if (mismatches.length > 0) throw new Error(`${mismatches.length} differences from iproute2:\n${describeMismatches()}`);
  });
});
