/**
 * The kernel's netdevsim devlink selftest (regions_test, empty_reporter_test,
 * dummy_reporter_test) replayed through runDevlink, checked the way the script checks: rc and the
 * values it extracts from the -j output with jq.
 */
import { createNetdevsim, DL, type Netdevsim } from '../../devlink/netdevsim_fixture';

/** Parses a devlink -j output (one JSON document and a newline). */
function json(stdout: string): unknown {
  expect(stdout.endsWith('\n')).toBe(true);
  return JSON.parse(stdout);
}

/** jq '.[][]' on {"regions":{"<handle>":{...}}} */
function onlyRegion(stdout: string): { size: number; snapshot: number[]; max: number } {
  const top = json(stdout) as { regions: Record<string, { size: number; snapshot: number[]; max: number }> };
  const values = Object.values(top.regions);
  expect(values).toHaveLength(1);
  return values[0] as { size: number; snapshot: number[]; max: number };
}

async function snapshotCount(nsim: Netdevsim): Promise<number> {
  const result = await nsim.run('region', 'show', `${DL}/dummy`, '-j');
  expect(result.rc).toBe(0);
  return onlyRegion(result.stdout).snapshot.length;
}

describe('regions_test', () => {
  it('replays the region sequence', async () => {
    const nsim = createNetdevsim();
    const show = await nsim.run('region', 'show', `${DL}/dummy`, '-j');
    expect(onlyRegion(show.stdout).size).toBe(32768);
    expect(await snapshotCount(nsim)).toBe(0);

    for (const expected of [1, 2, 3]) {
      nsim.takeSnapshot();
      expect(await snapshotCount(nsim)).toBe(expected);
    }

    expect((await nsim.run('region', 'del', `${DL}/dummy`, 'snapshot', '1')).rc).toBe(0);
    expect(await snapshotCount(nsim)).toBe(2);

    expect((await nsim.run('region', 'new', `${DL}/dummy`, 'snapshot', '25')).rc).toBe(0);
    expect(await snapshotCount(nsim)).toBe(3);

    expect((await nsim.run('region', 'dump', `${DL}/dummy`, 'snapshot', '25')).rc).toBe(0);
    const readOne = await nsim.run('region', 'read', `${DL}/dummy`, 'snapshot', '25', 'addr', '0', 'len', '1');
    expect(readOne.rc).toBe(0);
    expect(readOne.stdout).toMatch(/^0000000000000000 [0-9a-f]{2} \n$/);
    expect((await nsim.run('region', 'read', `${DL}/dummy`, 'snapshot', '25', 'addr', '128', 'len', '128')).rc).toBe(0);
    const clamped = await nsim.run('region', 'read', `${DL}/dummy`, 'snapshot', '25', 'addr', '128', 'len', '4294967296', '-j');
    expect(clamped.rc).toBe(0);
    json(clamped.stdout);
    // Clamped to the region end: 128 chunks from 128 to 32768, one address/data pair each
    // (snapshot 25 was the fourth one taken, so its byte at A is (A + 3) & 0xff).
    expect(clamped.stdout.match(/"address"/g)).toHaveLength(128);
    expect(clamped.stdout.endsWith(',"address":32640,"data":[' + Array.from({ length: 128 }, (_, i) => (32640 + i + 3) & 0xff).join(',') + ']}}\n')).toBe(true);
    const beyond = await nsim.run('region', 'read', `${DL}/dummy`, 'snapshot', '25', 'addr', '4294967296', 'len', '128');
    expect(beyond.rc).not.toBe(0);
    expect(beyond.stderr).toBe('kernel answers: Invalid argument\n');

    expect((await nsim.run('region', 'del', `${DL}/dummy`, 'snapshot', '25')).rc).toBe(0);
    expect(await snapshotCount(nsim)).toBe(2);

    const created = await nsim.run('-j', 'region', 'new', `${DL}/dummy`);
    expect(created.rc).toBe(0);
    // jq '.[][][][]'
    const reply = json(created.stdout) as { regions: Record<string, { snapshot: number[] }> };
    const sid = Object.values(reply.regions)[0]?.snapshot[0];
    expect(sid).toBe(1);
    expect(await snapshotCount(nsim)).toBe(3);

    expect((await nsim.run('region', 'dump', `${DL}/dummy`, 'snapshot', String(sid))).rc).toBe(0);
    expect((await nsim.run('region', 'del', `${DL}/dummy`, 'snapshot', String(sid))).rc).toBe(0);
    expect(await snapshotCount(nsim)).toBe(2);
  });
});

describe('empty_reporter_test', () => {
  it('answers every command with rc 0', async () => {
    const nsim = createNetdevsim();
    for (const argv of [
      ['health', 'show', DL, 'reporter', 'empty'],
      ['health', 'dump', 'show', DL, 'reporter', 'empty'],
      ['health', 'diagnose', DL, 'reporter', 'empty'],
      ['health', 'recover', DL, 'reporter', 'empty'],
    ]) {
      const result = await nsim.run(...argv);
      expect({ argv, rc: result.rc, stderr: result.stderr }).toEqual({ argv, rc: 0, stderr: '' });
    }
    const diagnose = await nsim.run('health', 'diagnose', DL, 'reporter', 'empty');
    expect(diagnose.stdout).toBe('');
    expect((await nsim.run('health', 'diagnose', DL, 'reporter', 'empty', '-j')).stdout).toBe('{}\n');
  });
});

describe('dummy_reporter_test', () => {
  /** check_reporter_info: jq -e -r '.[][][]' fields compared as strings. */
  async function reporterInfo(nsim: Netdevsim): Promise<string> {
    const result = await nsim.run('health', 'show', DL, 'reporter', 'dummy', '-j');
    expect(result.rc).toBe(0);
    const top = json(result.stdout) as { health: Record<string, Array<Record<string, unknown>>> };
    const info = Object.values(top.health)[0]?.[0] ?? {};
    return ['state', 'error', 'recover', 'grace_period', 'auto_recover'].map((key) => String(info[key])).join(' ');
  }

  it('replays the dummy reporter sequence', async () => {
    const nsim = createNetdevsim();
    expect(await reporterInfo(nsim)).toBe('healthy 0 0 0 true');

    expect((await nsim.run('health', 'set', DL, 'reporter', 'dummy', 'auto_recover', 'false')).rc).toBe(0);
    expect(await reporterInfo(nsim)).toBe('healthy 0 0 0 false');

    await nsim.breakHealth('foo bar');
    expect(await reporterInfo(nsim)).toBe('error 1 0 0 false');

    const dump = await nsim.run('health', 'dump', 'show', DL, 'reporter', 'dummy', '-j');
    expect(dump.rc).toBe(0);
    expect((json(dump.stdout) as { break_message: string }).break_message).toBe('foo bar');

    expect((await nsim.run('health', 'dump', 'clear', DL, 'reporter', 'dummy')).rc).toBe(0);
    expect((await nsim.run('health', 'recover', DL, 'reporter', 'dummy')).rc).toBe(0);
    expect(await reporterInfo(nsim)).toBe('healthy 1 1 0 false');

    expect((await nsim.run('health', 'set', DL, 'reporter', 'dummy', 'auto_recover', 'true')).rc).toBe(0);
    expect(await reporterInfo(nsim)).toBe('healthy 1 1 0 true');

    await nsim.breakHealth('foo bar');
    expect(await reporterInfo(nsim)).toBe('healthy 2 2 0 true');

    const diagnose = await nsim.run('health', 'diagnose', DL, 'reporter', 'dummy', '-j', '-p');
    expect(diagnose.rc).toBe(0);
    expect((json(diagnose.stdout) as { recovered_break_message: string }).recovered_break_message).toBe('foo bar');

    expect((await nsim.run('health', 'set', DL, 'reporter', 'dummy', 'grace_period', '10')).rc).toBe(0);
    expect(await reporterInfo(nsim)).toBe('healthy 2 2 10 true');

    nsim.knobs.failRecover = true;
    // Inside the 10 ms grace period the report is aborted before the recover op runs.
    await expect(nsim.breakHealth('foo bar')).rejects.toMatchObject({ errno: 125 });
    expect(await reporterInfo(nsim)).toBe('error 3 2 10 true');

    const recover = await nsim.run('health', 'recover', DL, 'reporter', 'dummy');
    expect(recover.rc).not.toBe(0);
    expect(recover.stderr).toBe(
      'Error: netdevsim: User setup the recover to fail for testing purposes.\nkernel answers: Invalid argument\n',
    );
    expect(await reporterInfo(nsim)).toBe('error 3 2 10 true');

    nsim.knobs.failRecover = false;
    expect((await nsim.run('health', 'recover', DL, 'reporter', 'dummy')).rc).toBe(0);
    expect(await reporterInfo(nsim)).toBe('healthy 3 3 10 true');

    nsim.knobs.binaryLen = 8192;
    const storedDump = await nsim.run('health', 'dump', 'show', DL, 'reporter', 'dummy', '-j');
    expect(storedDump.rc).toBe(0);
    // The dump auto-taken at step 6 is still stored and is returned unchanged.
    const stored = json(storedDump.stdout) as { break_message: string; test_binary: number[] };
    expect(stored.break_message).toBe('foo bar');
    expect(stored.test_binary).toHaveLength(16);
    expect((await nsim.run('health', 'dump', 'clear', DL, 'reporter', 'dummy')).rc).toBe(0);
    const freshDump = await nsim.run('health', 'dump', 'show', DL, 'reporter', 'dummy', '-j');
    expect(freshDump.rc).toBe(0);
    const fresh = json(freshDump.stdout) as { break_message?: string; test_binary: number[] };
    expect(fresh.break_message).toBeUndefined();
    expect(fresh.test_binary).toHaveLength(8192);
    expect((await nsim.run('health', 'dump', 'clear', DL, 'reporter', 'dummy')).rc).toBe(0);
  });

  it('fails a report with the recover error once the grace period has passed', async () => {
    const nsim = createNetdevsim();
    await nsim.run('health', 'set', DL, 'reporter', 'dummy', 'grace_period', '10');
    await nsim.breakHealth('first');
    nsim.clock.advance(10);
    nsim.knobs.failRecover = true;
    await expect(nsim.breakHealth('second')).rejects.toMatchObject({
      errno: 22,
      extack: 'netdevsim: User setup the recover to fail for testing purposes',
    });
    expect(await reporterInfo(nsim)).toBe('error 2 1 10 true');
  });
});
