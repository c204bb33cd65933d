/**
 * bench/c_mix.ts and bench/c/mixload.c: the script holds bench:load's mix in its order, and the C
 * program runs it against a real broker without an error, including the UMEM core dump, whose
 * frames only succeed when the ids of earlier replies (UMEM, PD, mkey) were patched in right.
 * Functional checks only: speed is measured in bench/, never asserted.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildMixLoad, mixScript, runMix } from '../../bench/c_mix';
import { kindAt, KINDS } from '../../bench/load_mix';
import { Mlx5ctlClient } from '../../src/client/client';
import { RemoteDevlinkApi } from '../../src/client/devlink_api';
import { ROOT, RunningBroker, startBroker } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';

const HANDLE = 'pci/0000:08:00.0';

/** The kind names of the script's `mix` line, in order. */
function mixKinds(script: string): string[] {
  const lines = script.split('\n');
  const kinds = lines.filter((l) => l.startsWith('kind ')).map((l) => l.split(' ')[1]);
  const mix = lines.find((l) => l.startsWith('mix '));
  if (!mix) throw new Error('no mix line');
  return mix.split(' ').slice(1).map((k) => kinds[Number(k)] ?? `bad index ${k}`);
}

/** The script with its mix replaced by every variant of `kind` only. */
function onlyKind(script: string, kind: string): string {
  const lines = script.split('\n').filter((l) => l !== '');
  const indices = lines.filter((l) => l.startsWith('kind ')).flatMap((l, i) => (l.split(' ')[1] === kind ? [i] : []));
  return [...lines.filter((l) => !l.startsWith('mix ')), `mix ${indices.join(' ')}`].join('\n') + '\n';
}

describe('the C mixed-load script', () => {
  it("holds bench:load's kinds in kindAt's order, every kind present", () => {
    const kinds = mixKinds(mixScript(HANDLE, 1));
    expect(kinds.length).toBeGreaterThan(1000);
    expect(kinds).toEqual(kinds.map((_, i) => kindAt(i, 0)));
    expect(new Set(kinds)).toEqual(new Set(KINDS));
  });
});

describe('mixload against a broker', () => {
  let broker: RunningBroker;
  let work: string;
  let mixload: string;
  let snapshotId: number;
  const socket = (): string => path.join(broker.rundir, 'mlx5_core.ctl.0');

  beforeAll(async () => {
    work = tempDir('mlx5ctl-mix-test-');
    mixload = buildMixLoad(ROOT, work);
    broker = await startBroker(['--max-pinned-mb', '64']);
    const client = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
    snapshotId = (await new RemoteDevlinkApi(client.connection).regionNew({ handle: HANDLE, region: 'cr-space' })).snapshotId ?? -1;
    client.close();
  });

  afterAll(async () => {
    await broker.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('runs the whole mix with no errno and no firmware error', async () => {
    const file = path.join(work, 'mix.script');
    fs.writeFileSync(file, mixScript(HANDLE, snapshotId));
    const r = await runMix(mixload, socket(), file, 4, 0.3, broker.proc.pid!);
    expect(r.ops).toBeGreaterThan(0);
    expect(r.frames).toBeGreaterThanOrEqual(r.ops);
    expect({ errors: r.errors, fwErrors: r.fwErrors }).toEqual({ errors: 0, fwErrors: 0 });
  });

  it('runs UMEM core dumps (memfd passed, ids patched from replies) and leaves nothing pinned', async () => {
    const file = path.join(work, 'dump.script');
    fs.writeFileSync(file, onlyKind(mixScript(HANDLE, snapshotId), 'umem_dump'));
    const r = await runMix(mixload, socket(), file, 2, 0.2, broker.proc.pid!);
    expect(r.byKind.umem_dump?.n).toBeGreaterThan(0);
    // Seven frames per dump: UMEM_REG, ALLOC_PD, CREATE_MKEY, the dump, DESTROY_MKEY, DEALLOC_PD, UMEM_UNREG.
    expect(r.frames).toBe(7 * r.ops);
    expect({ errors: r.errors, fwErrors: r.fwErrors }).toEqual({ errors: 0, fwErrors: 0 });
    const client = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
    const status = await client.status();
    client.close();
    expect(status.pinned_bytes).toBe(0);
  });
});
