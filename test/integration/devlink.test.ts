/**
 * `mlx5ctl devlink` against a real broker and its simulated ConnectX-7: region and health goldens
 * (text and JSON), snapshot new/read/dump/del, direct reads, diagnose, windowed large reads
 * through the client, the audit line, and a read-only policy's refusals.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Mlx5ctlClient } from '../../src/client/client';
import { RemoteDevlinkApi } from '../../src/client/devlink_api';
import { RunningBroker, runCli, startBroker, waitFor } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';

const DL = 'pci/0000:08:00.0';

let broker: RunningBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(async () => {
  await broker.stop();
});

const devlink = (...args: string[]): ReturnType<typeof runCli> => runCli(['--rundir', broker.rundir, 'devlink', ...args]);

describe('devlink region', () => {
  it('shows the simulated regions (text and JSON golden)', async () => {
    expect(await devlink('region', 'show')).toEqual({
      code: 0,
      stderr: '',
      stdout: `${DL}/cr-space: size 16777216 snapshot [] max 8\n${DL}/fw-health: size 64 snapshot [] max 8\n`,
    });
    const json = await devlink('-j', 'region', 'show');
    expect(json.stdout).toBe(
      `{"regions":{"${DL}/cr-space":{"size":16777216,"snapshot":[],"max":8},"${DL}/fw-health":{"size":64,"snapshot":[],"max":8}}}\n`,
    );
  });

  it('takes, reads, dumps and deletes a fw-health snapshot', async () => {
    const created = await devlink('region', 'new', `${DL}/fw-health`);
    expect(created).toEqual({ code: 0, stderr: '', stdout: `${DL}/fw-health: snapshot 0\n` });
    expect((await devlink('region', 'new', `${DL}/fw-health`, 'snapshot', '7')).stdout).toBe('');

    const zeros = '00 '.repeat(16);
    expect((await devlink('region', 'dump', `${DL}/fw-health`, 'snapshot', '0')).stdout).toBe(
      `0000000000000000 ${zeros}\n0000000000000010 ${zeros}\n0000000000000020 ${zeros}\n` +
      `0000000000000030 1c 27 03 ea 00 00 02 18 00 00 00 00 00 00 00 00 \n`,
    );
    expect((await devlink('-j', 'region', 'read', `${DL}/fw-health`, 'snapshot', '7', 'address', '48', 'length', '8')).stdout).toBe(
      '{"read":{"address":48,"data":[28,39,3,234,0,0,2,24]}}\n',
    );
    expect((await devlink('region', 'show', `${DL}/fw-health`)).stdout).toBe(`${DL}/fw-health: size 64 snapshot [0 7] max 8\n`);

    // The id namespace is shared: 7 exists in fw-health, so cr-space cannot take it (no extack).
    expect(await devlink('region', 'new', `${DL}/cr-space`, 'snapshot', '7')).toEqual({ code: 1, stdout: '', stderr: 'kernel answers: File exists\n' });
    expect(await devlink('region', 'read', `${DL}/fw-health`, 'snapshot', '0', 'address', '65', 'length', '1')).toEqual({
      code: 1, stdout: '\n', stderr: 'kernel answers: Invalid argument\n',
    });

    for (const id of ['0', '7']) expect((await devlink('region', 'del', `${DL}/fw-health`, 'snapshot', id)).code).toBe(0);
    expect(await devlink('region', 'del', `${DL}/fw-health`, 'snapshot', '0')).toEqual({ code: 1, stdout: '', stderr: 'kernel answers: Invalid argument\n' });
    expect((await devlink('region', 'show', `${DL}/fw-health`)).stdout).toBe(`${DL}/fw-health: size 64 snapshot [] max 8\n`);
  });

  it('reads the live cr-space directly (no snapshot)', async () => {
    const direct = await devlink('region', 'read', `${DL}/cr-space`, 'address', '983060', 'length', '4');
    // 0xf0014: the device id word (hw_dev_id 0x218), little-endian as a crdump holds it.
    expect(direct).toEqual({ code: 0, stderr: '', stdout: '00000000000f0014 18 02 00 00 \n' });
  });

  it('reads past the reply window in several requests', async () => {
    const client = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
    try {
      const api = new RemoteDevlinkApi(client.connection);
      const length = 2 * 1024 * 1024 + 100;
      const chunks = await api.regionRead({ handle: DL, region: 'cr-space', direct: true, address: 16, length });
      expect(chunks).toHaveLength(Math.ceil(length / 256));
      expect(chunks.every((chunk, i) => chunk.address === 16 + i * 256)).toBe(true);
      expect(chunks.reduce((sum, chunk) => sum + Buffer.from(chunk.data, 'base64').length, 0)).toBe(length);
    } finally {
      client.close();
    }
  });
});

describe('devlink health', () => {
  it('shows the four reporters (text golden)', async () => {
    expect(await devlink('health', 'show')).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        `${DL}:`,
        '  reporter fw',
        '    state healthy error 0 recover 0 auto_dump true',
        '  reporter fw_fatal',
        '    state healthy error 0 recover 0 grace_period 60000 burst_period 0 auto_recover true auto_dump true',
        `${DL}/65535:`,
        '  reporter tx',
        '    state healthy error 0 recover 0 grace_period 500 burst_period 0 auto_recover true auto_dump true',
        '  reporter rx',
        '    state healthy error 0 recover 0 grace_period 500 burst_period 0 auto_recover true auto_dump true',
        '',
      ].join('\n'),
    });
    expect((await devlink('-j', 'health', 'show', `${DL}/65535`, 'reporter', 'tx')).stdout).toBe(
      `{"health":{"${DL}/65535":[{"reporter":"tx","state":"healthy","error":0,"recover":0,"grace_period":500,"burst_period":0,"auto_recover":true,"auto_dump":true}]}}\n`,
    );
  });

  it('diagnoses fw, tx and rx', async () => {
    expect(await devlink('health', 'diagnose', DL, 'reporter', 'fw')).toEqual({ code: 0, stderr: '', stdout: ' Syndrome: 0\n' });
    const tx = JSON.parse((await devlink('-j', 'health', 'diagnose', `${DL}/65535`, 'reporter', 'tx')).stdout) as { SQs: Array<Record<string, unknown>> };
    expect(tx.SQs).toHaveLength(8);
    expect(Object.keys(tx.SQs[0] ?? {})).toEqual(['channel ix', 'tc', 'txq ix', 'sqn', 'HW state', 'stopped', 'cc', 'pc', 'SW State', 'CQ', 'EQ']);
    expect(tx.SQs[0]).toMatchObject({ 'channel ix': 0, tc: 0, 'HW state': 1, stopped: false, EQ: { eqn: 3, vecidx: 1 } });
    const rx = JSON.parse((await devlink('-j', 'health', 'diagnose', `${DL}/65535`, 'reporter', 'rx')).stdout) as { RQs: Array<Record<string, unknown>> };
    expect(rx.RQs.map((rq) => rq['channel ix'])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Object.keys(rx.RQs[0] ?? {})).toEqual(['channel ix', 'rqn', 'HW state', 'WQE counter', 'posted WQEs', 'cc', 'SW State', 'CQ', 'EQ', 'ICOSQ']);
  });

  it('recovers a healthy reporter without calling an op; test is not supported', async () => {
    expect((await devlink('health', 'recover', DL, 'reporter', 'fw')).code).toBe(0);
    expect(await devlink('health', 'test', DL, 'reporter', 'fw')).toEqual({ code: 1, stdout: '', stderr: 'kernel answers: Operation not supported\n' });
  });

  it('writes one audit line per devlink request', async () => {
    const devlinkLines = (): Record<string, unknown>[] => broker.logs().filter((l) => l.event === 'devlink');
    // stderr of the broker arrives asynchronously; the last request's line may still be in flight.
    await waitFor(() => devlinkLines().some((l) => l.method === 'healthTest'), 5000, 'the audit lines');
    const lines = devlinkLines();
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.find((l) => l.method === 'regionNew' && l.result === 'ok')).toMatchObject({ handle: DL, object: 'fw-health', scope: 2 });
    expect(lines.find((l) => l.method === 'regionNew' && l.result === 'EEXIST')).toMatchObject({ object: 'cr-space' });
  });
});

describe('a read-only policy', () => {
  it('may show, read and diagnose, but not create, recover or inject', async () => {
    const dir = tempDir();
    const policy = path.join(dir, 'policy.json');
    fs.writeFileSync(policy, JSON.stringify({ rules: [{ uid: process.getuid?.() ?? 0, max_scope: 'DEBUG_READ_ONLY' }] }));
    const ro = await startBroker(['--policy', policy]);
    try {
      const cli = (...args: string[]): ReturnType<typeof runCli> => runCli(['--rundir', ro.rundir, ...args]);
      expect((await cli('devlink', 'region', 'show')).code).toBe(0);
      expect((await cli('devlink', 'health', 'diagnose', DL, 'reporter', 'fw')).stdout).toBe(' Syndrome: 0\n');
      expect((await cli('devlink', 'region', 'read', `${DL}/fw-health`, 'address', '0', 'length', '4')).code).toBe(0);
      const denied = { code: 1, stdout: '', stderr: 'kernel answers: Operation not permitted\n' };
      expect(await cli('devlink', 'region', 'new', `${DL}/fw-health`)).toEqual(denied);
      expect(await cli('devlink', 'health', 'recover', DL, 'reporter', 'fw_fatal')).toEqual(denied);
      expect(await cli('devlink', 'dev', 'param', 'set', DL, 'name', 'region_snapshot_enable', 'value', 'false', 'cmode', 'runtime')).toEqual(denied);
      const inject = await cli('sim', '0', 'inject', 'fw-error', '1');
      expect(inject).toEqual({ code: 1, stdout: '', stderr: 'Error : sim inject: Operation not permitted\n' });
    } finally {
      await ro.stop();
    }
    await waitFor(() => ro.logs().some((l) => l.event === 'broker_stopped'), 5000, 'the broker log');
    expect(ro.logs().filter((l) => l.event === 'devlink' && l.result === 'EPERM').map((l) => l.method)).toEqual(['regionNew', 'healthRecover', 'paramSet']);
  });
});
