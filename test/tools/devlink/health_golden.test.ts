/** `devlink health` goldens (show, fmsg text/JSON, errors) from the reference's verified outputs. */
process.env.TZ = 'UTC';

import { ManualClock } from '../../../src/devlink/clock';
import { DevlinkInstance } from '../../../src/devlink/instance';
import type { Fmsg, FmsgNode } from '../../../src/devlink/fmsg';
import { createNetdevsim, DL, patternBytes, putDummyCommonPairs } from '../../devlink/netdevsim_fixture';
import { apiOf, PCI, run } from './helpers';

/** netdevsim10 with `dummy` at error 3 / recover 2 and a dump stored at 2023-11-14 22:13:20 UTC. */
async function healthFixture() {
  const clock = new ManualClock(1000, 1_700_000_000_000_000_000n);
  const nsim = createNetdevsim(clock);
  await nsim.breakHealth('one');
  clock.advance(100);
  await nsim.breakHealth('two');
  await nsim.api.healthSet({ handle: DL, reporter: 'dummy', gracePeriod: 10 });
  await expect(nsim.breakHealth('three')).rejects.toMatchObject({ errno: 125 });
  const pci = new DevlinkInstance(PCI, { clock });
  pci.healthReporterCreate({ name: 'tx', gracePeriod: 500, recover: () => undefined, diagnose: () => undefined, dump: () => undefined }, 65535);
  return { nsim, api: apiOf(nsim.devlink, pci) };
}

describe('health show', () => {
  it('prints the reference text', async () => {
    const { api } = await healthFixture();
    expect(await run(api, ['health', 'show'])).toEqual({
      rc: 0,
      stdout: [
        'netdevsim/netdevsim10:',
        '  reporter empty',
        '    state healthy error 0 recover 0 auto_dump true',
        '  reporter dummy',
        '    state error error 3 recover 2 last_dump_date 2023-11-14 last_dump_time 22:13:20 grace_period 10 burst_period 0 auto_recover true auto_dump true',
        'pci/0000:00:05.0/65535:',
        '  reporter tx',
        '    state healthy error 0 recover 0 grace_period 500 burst_period 0 auto_recover true auto_dump true',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('prints the reference JSON', async () => {
    const { api } = await healthFixture();
    expect((await run(api, ['health', '-j'])).stdout).toBe(
      '{"health":{"netdevsim/netdevsim10":[{"reporter":"empty","state":"healthy","error":0,"recover":0,"auto_dump":true},' +
        '{"reporter":"dummy","state":"error","error":3,"recover":2,"last_dump_date":"2023-11-14","last_dump_time":"22:13:20",' +
        '"grace_period":10,"burst_period":0,"auto_recover":true,"auto_dump":true}],' +
        '"pci/0000:00:05.0/65535":[{"reporter":"tx","state":"healthy","error":0,"recover":0,"grace_period":500,' +
        '"burst_period":0,"auto_recover":true,"auto_dump":true}]}}\n',
    );
  });

  it('shows one reporter (doit), a port reporter, and nothing as {"health":{}}', async () => {
    const { api } = await healthFixture();
    expect((await run(api, ['health', 'show', DL, 'reporter', 'empty'])).stdout).toBe(
      'netdevsim/netdevsim10:\n  reporter empty\n    state healthy error 0 recover 0 auto_dump true\n',
    );
    expect((await run(api, ['health', 'show', `${PCI}/65535`, 'reporter', 'tx', '-j'])).stdout).toBe(
      '{"health":{"pci/0000:00:05.0/65535":[{"reporter":"tx","state":"healthy","error":0,"recover":0,"grace_period":500,"burst_period":0,"auto_recover":true,"auto_dump":true}]}}\n',
    );
    expect(await run(apiOf(), ['health', 'show', '-j'])).toEqual({ rc: 0, stdout: '{"health":{}}\n', stderr: '' });
    expect(await run(api, ['health', 'show', DL, 'reporter', 'nope', '-j'])).toEqual({
      rc: 1, stdout: '{"health":{}}\n', stderr: 'kernel answers: Invalid argument\n',
    });
  });

  it('prints unlimited for UINT64_MAX', async () => {
    const pci = new DevlinkInstance(PCI, { clock: new ManualClock() });
    pci.healthReporterCreate({ name: 'fw_fatal', gracePeriod: 60000, recover: () => undefined });
    const api = apiOf(pci);
    await run(api, ['health', 'set', PCI, 'reporter', 'fw_fatal', 'grace_period', '18446744073709551615']);
    expect((await run(api, ['health'])).stdout).toContain('grace_period unlimited burst_period 0');
    expect((await run(api, ['health', '-j'])).stdout).toContain('"grace_period":"unlimited"');
  });
});

/** The reference's diagnose example: three array values and two objects. */
function referenceDiagnose(fmsg: Fmsg): void {
  fmsg.stringPairPut('recovered_break_message', 'foo bar');
  putDummyCommonPairs(fmsg, 16, { u32Array: 3, objects: 2 });
}

function fmsgDevice(diagnose: (fmsg: Fmsg) => void) {
  const devlink = new DevlinkInstance(PCI, { clock: new ManualClock() });
  devlink.healthReporterCreate({ name: 'r', diagnose });
  return apiOf(devlink);
}

describe('health diagnose (fmsg)', () => {
  it('prints the reference text with its leading space', async () => {
    const api = fmsgDevice(referenceDiagnose);
    expect(await run(api, ['health', 'diagnose', PCI, 'reporter', 'r'])).toEqual({
      rc: 0,
      stdout: [
        ' recovered_break_message: foo bar test_bool: true test_u8: 1 test_u32: 3 test_u64: 4 test_string: somestring',
        '  test_binary:',
        '    a0 a1 a2 a3 a4 a5 a6 a7 a8 a9 aa ab ac ad ae af ',
        '  test_nest:',
        '    nested_test_bool: false nested_test_u8: 0',
        '  test_u32_array:',
        '    0 1 2',
        '  test_array_of_objects:',
        '      in_array_nested_test_bool: false in_array_nested_test_u8: 0',
        '      in_array_nested_test_bool: false in_array_nested_test_u8: 1',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('prints the reference JSON', async () => {
    const api = fmsgDevice(referenceDiagnose);
    const binary = [...patternBytes(16)].join(',');
    expect((await run(api, ['health', 'diagnose', PCI, 'reporter', 'r', '-j'])).stdout).toBe(
      `{"recovered_break_message":"foo bar","test_bool":true,"test_u8":1,"test_u32":3,"test_u64":4,"test_string":"somestring",` +
        `"test_binary":[${binary}],"test_nest":{"nested_test_bool":false,"nested_test_u8":0},"test_u32_array":[0,1,2],` +
        `"test_array_of_objects":[{"in_array_nested_test_bool":false,"in_array_nested_test_u8":0},` +
        `{"in_array_nested_test_bool":false,"in_array_nested_test_u8":1}]}\n`,
    );
  });

  it('ends with a newline after a trailing scalar and prints nothing for an empty fmsg', async () => {
    expect((await run(fmsgDevice((fmsg) => fmsg.u8PairPut('Syndrome', 0)), ['health', 'diagnose', PCI, 'reporter', 'r'])).stdout).toBe(' Syndrome: 0\n');
    expect((await run(fmsgDevice(() => undefined), ['health', 'diagnose', PCI, 'reporter', 'r'])).stdout).toBe('');
    expect((await run(fmsgDevice(() => undefined), ['health', 'diagnose', PCI, 'reporter', 'r', '-j'])).stdout).toBe('{}\n');
  });

  it('restarts the 16-byte line count at each binary chunk', async () => {
    const api = fmsgDevice((fmsg) => fmsg.binaryPairPut('crdump_data', Buffer.alloc(3748 + 20, 0xab)));
    const lines = (await run(api, ['health', 'diagnose', PCI, 'reporter', 'r'])).stdout.split('\n');
    const row = (count: number): string => `    ${'ab '.repeat(count)}`;
    // A group as the first item keeps the leading-space quirk: no newline before the name.
    expect(lines[0]).toBe(' crdump_data:');
    expect(lines[1]).toBe(row(16));
    expect(lines[234]).toBe(row(16));
    expect(lines[235]).toBe(row(4)); // 3748 = 234 * 16 + 4: the first chunk ends on a short line
    expect(lines[236]).toBe(row(16));
    expect(lines[237]).toBe(row(4));
    expect(lines[238]).toBe('');
    expect(lines).toHaveLength(239);
  });

  it('prints on -x the unsigned values as %#x', async () => {
    const api = fmsgDevice((fmsg) => {
      fmsg.u32PairPut('a', 0);
      fmsg.u32PairPut('b', 255);
    });
    expect((await run(api, ['-x', 'health', 'diagnose', PCI, 'reporter', 'r'])).stdout).toBe(' a: 0 b: 0xff\n');
  });

  it('prints what came before a stray NEST_END, then iproute2 7.2\'s errno-less failure: `kernel answers: Success`, exit 0', async () => {
    // What iproute2 7.2 printed against netdevsim on Linux 7.3 (kernel lane), whose test_nest ends twice over.
    const api = apiOf(new DevlinkInstance(PCI, { clock: new ManualClock() }));
    const cut: FmsgNode = {
      kind: 'object', strayEnd: true, items: [
        { kind: 'value', name: 'test_u8', value: { type: 'u8', value: 1 } },
        { kind: 'object', name: 'test_nest', items: [{ kind: 'value', name: 'nested_test_u8', value: { type: 'u8', value: 0 } }] },
      ],
    };
    for (const method of ['healthDiagnose', 'healthDumpShow'] as const) api[method] = () => Promise.resolve(cut);
    for (const command of [['diagnose'], ['dump', 'show']]) {
      expect(await run(api, ['health', ...command, PCI, 'reporter', 'r'])).toEqual({
        rc: 0, stdout: ' test_u8: 1\n  test_nest:\n    nested_test_u8: 0\n', stderr: 'kernel answers: Success\n',
      });
      expect(await run(api, ['-j', 'health', ...command, PCI, 'reporter', 'r'])).toEqual({
        rc: 0, stdout: '{"test_u8":1,"test_nest":{"nested_test_u8":0}}\n', stderr: 'kernel answers: Success\n',
      });
    }
  });
});

describe('health errors and usage', () => {
  const cases: Array<[string[], string]> = [
    [['health', 'recover', DL, 'reporter', 'nope'], 'kernel answers: Invalid argument\n'],
    [['health', 'set', DL, 'reporter', 'empty', 'grace_period', '5'], 'kernel answers: Operation not supported\n'],
    [['health', 'set', DL, 'reporter', 'empty', 'auto_recover', 'false'], 'kernel answers: Operation not supported\n'],
    [['health', 'test', DL, 'reporter', 'dummy'], 'kernel answers: Operation not supported\n'],
    [['health', 'set', DL, 'reporter', 'dummy', 'burst_period', '5'], 'Error: devlink: Cannot set burst period without a grace period.\nkernel answers: Invalid argument\n'],
    [['health', 'set', DL, 'reporter', 'dummy', 'auto_recover', 'maybe'],
      'Error: argument of "(null)" must be one of "false", "true", "0", "1", "disable", "enable", not "maybe"\n"maybe" is not a valid boolean value\n'],
    [['health', 'recover', DL], "Reporter's name is expected.\n"],
    [['health', 'recover', DL, 'reporter'], 'String parameter expected\n'],
    [['health', 'dump', DL, 'reporter', 'dummy'], 'Command "netdevsim/netdevsim10" not found\n'],
    [['health', 'recover', 'eth0', 'reporter', 'tx'], 'Netdevice "eth0" not found\n'],
  ];

  it.each(cases)('%j', async (argv, stderr) => {
    const nsim = createNetdevsim();
    expect(await nsim.run(...argv)).toEqual({ rc: 1, stdout: '', stderr });
  });

  it('accepts set without options and 1/0/enable/disable booleans', async () => {
    const nsim = createNetdevsim();
    expect((await nsim.run('health', 'set', DL, 'reporter', 'dummy')).rc).toBe(0);
    expect((await nsim.run('health', 'set', DL, 'reporter', 'dummy', 'auto_recover', 'disable')).rc).toBe(0);
    expect((await nsim.api.healthShow({ handle: DL, reporter: 'dummy' }))[0]?.autoRecover).toBe(false);
    expect((await nsim.run('health', 'set', DL, 'reporter', 'dummy', 'auto_rec', '1', 'auto_d', '0')).rc).toBe(0);
    const [info] = await nsim.api.healthShow({ handle: DL, reporter: 'dummy' });
    expect([info?.autoRecover, info?.autoDump]).toEqual([true, false]);
  });

  it('prints the help on stderr', async () => {
    const nsim = createNetdevsim();
    const help = await nsim.run('health', 'help');
    expect(help.rc).toBe(0);
    expect(help.stderr.split('\n')[0]).toBe('Usage: devlink health show [ { DEV | DEV/PORT_INDEX } reporter REPORTER_NAME ]');
    expect(help.stderr).toContain('\n                          [ auto_dump    { true | false } ]\n');
  });
});
