/**
 * Every `-j` output of the CLI, run against a broker, uses snake_case keys, recursively: the
 * device commands, status, sim, devlink, vmcoredd, help and --version. The only other keys are
 * data whose spelling someone else defines, each exception listed here with who defines it:
 *
 * - devlink handles as keys (`pci/0000:08:00.0`, `.../65535`, `.../fw-health`): iproute2's JSON
 *   keys its objects by handle.
 * - `devlink dev info` version names (`fw.psid`, `board.id`): the kernel's devlink-info names.
 * - `devlink health diagnose|dump` object names (`Common Config`, `SQs`, `HW state`): the mlx5
 *   driver's fmsg names, which iproute2 prints as they are.
 * - `reg --name` fields (`hw_info.device_id`, `fw_info.psid[0]`): mstflint's ADB field paths, as
 *   mstreg prints them.
 * - `cap`, `reg --id` and `obj` fields inside a union of the PRM layout
 *   (`mng_access_reg_cap_mask.access_regs.mcqs`): the PRM's (mlx5_ifc.h's) names, joined by dots.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runCli, RunningBroker, startBroker } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';

const SNAKE = /^[a-z0-9_]+$/;
const HANDLE = /^pci\/[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7](\/[a-z0-9_-]+)?$/;
const DEVLINK_INFO_VERSION = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/;
const FMSG_NAME = /^[A-Za-z][A-Za-z0-9_ ]*$/;
const ADB_FIELD_PATH = /^[a-z0-9_]+(\[\d+\])?(\.[a-z0-9_]+(\[\d+\])?)*$/;
const PRM_FIELD_PATH = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;

/** Where in a document a key is: the keys above it, `[]` for an array element. */
type KeyPath = readonly string[];

interface Exception {
  /** Which command lines it applies to. */
  applies: (line: readonly string[]) => boolean;
  /** Whether `key` at `above` is data of that command's format. */
  allows: (above: KeyPath, key: string) => boolean;
}

const devlinkObject = (line: readonly string[]): boolean => line[0] === 'devlink';
const EXCEPTIONS: Exception[] = [
  { applies: devlinkObject, allows: (above, key) => above.length === 1 && HANDLE.test(key) },
  { applies: (l) => devlinkObject(l) && l[1] === 'dev' && l[2] === 'info', allows: (above, key) => above.length === 4 && above[2] === 'versions' && DEVLINK_INFO_VERSION.test(key) },
  { applies: (l) => devlinkObject(l) && l[1] === 'health' && (l[2] === 'diagnose' || l[2] === 'dump'), allows: (_above, key) => FMSG_NAME.test(key) },
  { applies: (l) => l[1] === 'reg' && l.some((a) => a.startsWith('--name')), allows: (above, key) => above.length === 1 && above[0] === 'fields' && ADB_FIELD_PATH.test(key) },
  { applies: (l) => ['cap', 'reg', 'obj'].includes(l[1] ?? ''), allows: (above, key) => above[0] === 'fields' && PRM_FIELD_PATH.test(key) },
];

/** Every key of `value` that is not snake_case and no exception of `line` allows. */
function badKeys(line: readonly string[], value: unknown, above: KeyPath = []): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => badKeys(line, v, [...above, '[]']));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const allowed = SNAKE.test(key) || EXCEPTIONS.some((e) => e.applies(line) && e.allows(above, key));
    return [...(allowed ? [] : [[...above, key].join('.')]), ...badKeys(line, v, [...above, key])];
  });
}

/** Each JSON document of a command's stdout (devlink monitor and a few others print one per line). */
function documents(stdout: string): unknown[] {
  return stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
}

let broker: RunningBroker;
let dir: string;
const PORT = 'pci/0000:08:00.0/65535';
const DEV = 'pci/0000:08:00.0';

beforeAll(async () => {
  broker = await startBroker();
  dir = tempDir('mlx5ctl-json-keys-');
});
afterAll(async () => {
  await broker.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function jsonOf(line: string[]): Promise<unknown[]> {
  const r = await runCli(['--rundir', broker.rundir, '-j', ...line]);
  expect([line.join(' '), r.stderr]).toEqual([line.join(' '), '']);
  expect([line.join(' '), r.code]).toEqual([line.join(' '), 0]);
  const docs = documents(r.stdout);
  expect(docs.length).toBeGreaterThan(0);
  return docs;
}

describe('-j keys are snake_case', () => {
  test('the exceptions let through only what they name', () => {
    expect(badKeys(['devlink', 'dev', 'show'], { dev: { 'pci/0000:08:00.0': {} } })).toEqual([]);
    expect(badKeys(['devlink', 'dev', 'show'], { dev: { 'pci/0000:08:00.0': { camelCase: 1 } } })).toEqual(['dev.pci/0000:08:00.0.camelCase']);
    expect(badKeys(['0', 'info'], { 'pci/0000:08:00.0': 1 })).toEqual(['pci/0000:08:00.0']);
    expect(badKeys(['sim', '0', 'show'], { recoverFail: [] })).toEqual(['recoverFail']);
    expect(badKeys(['0', 'reg', '--name=MGIR'], { fields: { 'hw_info.device_id': 1, 'fw_info.psid[0]': 2 }, 'hw_info.x': 2 })).toEqual(['hw_info.x']);
    expect(badKeys(['0', 'reg', '--id=MCAM'], { fields: { 'a.b': 1, 'A.b': 2 } })).toEqual(['fields.A.b']);
  });

  test.each([
    [['0', 'info']],
    [['0', 'cap', '--id=GENERAL']],
    [['0', 'cap', '--id=DEBUG', '--mode=max']],
    [['0', 'reg', '--id=MTMP']],
    [['0', 'reg', '--id=PTYS', '--field=proto_mask=0x4']],
    [['0', 'reg', '--id=MCAM']],
    [['0', 'reg', '--name=MGIR']],
    [['0', 'reg', '--name=PDDR']],
    [['0', 'obj', 'issi']],
    [['0', 'obj', 'eq', '--id=0']],
    [['0', 'diagcnt', 'cap']],
    [['0', 'diagcnt', 'param']],
    [['0', 'rscdump']],
    [['0', 'rscdump', '--type=0x2000']],
    [['0', 'rscdump', '--type=0x1000']],
    [['0', 'regdump']],
    [['0', 'sleep', '0', 'info']],
    [['status']],
    [['status', '0']],
    [['sim', '0', 'show']],
    [['sim', '0', 'recover-fail', 'tx', 'off']],
    [['sim', '0', 'inject', 'fw-error', '0', 'ext', '0x5']],
    [['devlink', 'dev', 'show']],
    [['devlink', 'dev', 'info']],
    [['devlink', 'dev', 'param', 'show']],
    [['devlink', 'port', 'show']],
    [['devlink', 'region', 'show']],
    [['devlink', 'health', 'show']],
    [['devlink', 'health', 'diagnose', DEV, 'reporter', 'fw']],
    [['devlink', 'health', 'diagnose', PORT, 'reporter', 'tx']],
    [['devlink', 'health', 'diagnose', PORT, 'reporter', 'rx']],
    [['devlink', 'health', 'dump', 'show', DEV, 'reporter', 'fw']],
    [['help']],
    [['0', 'reg', '--help']],
    [['--version']],
  ])('%j', async (line) => {
    for (const doc of await jsonOf(line)) expect([line.join(' '), badKeys(line, doc)]).toEqual([line.join(' '), []]);
  });

  test('diagcnt set, param and dump once sampling runs', async () => {
    const set = ['0', 'diagcnt', 'set', '-sc', '2', '10', '0x401,0x402'];
    for (const line of [set, ['0', 'sleep', '0.1', 'diagcnt', 'param'], ['0', 'diagcnt', 'dump'], ['0', 'diagcnt', 'disable']]) {
      for (const doc of await jsonOf(line)) expect([line.join(' '), badKeys(line, doc)]).toEqual([line.join(' '), []]);
    }
  });

  test('coredump, vmcoredd collect, list and extract', async () => {
    const core = path.join(dir, 'core.bin');
    const vmcore = path.join(dir, 'vmcore');
    for (const line of [['0', 'coredump', '--umem=2048', '-o', core], ['vmcoredd', 'collect', '0', '-o', vmcore], ['vmcoredd', 'list', vmcore], ['vmcoredd', 'extract', vmcore, '0']]) {
      for (const doc of await jsonOf(line)) expect([line.join(' '), badKeys(line, doc)]).toEqual([line.join(' '), []]);
    }
  });

  test('a sim fault and its devlink aftermath', async () => {
    const tx = (await jsonOf(['devlink', 'health', 'diagnose', PORT, 'reporter', 'tx']))[0] as { SQs: Array<{ sqn: number }> };
    const sqn = String(tx.SQs[0]!.sqn);
    for (const line of [['sim', '0', 'inject', 'tx-err-cqe', sqn], ['devlink', 'health', 'show', PORT, 'reporter', 'tx'], ['devlink', 'health', 'dump', 'show', PORT, 'reporter', 'tx']]) {
      for (const doc of await jsonOf(line)) expect([line.join(' '), badKeys(line, doc)]).toEqual([line.join(' '), []]);
    }
  });

  // Last: the log of everything above, the audit records of every request among it.
  test('the broker\'s JSON-lines log and audit records', () => {
    const logs = broker.logs();
    expect(logs.some((l) => l.event === 'sim' && l.ext_synd === 5)).toBe(true);
    for (const line of logs) expect([line.event, badKeys(['log'], line)]).toEqual([line.event, []]);
  });
});
