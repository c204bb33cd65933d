/**
 * kill -9 of clients mid-RPC, mid-UMEM registration, mid-dump and mid-open, many times over.
 * Two kinds of death, 4 at a time:
 *  - MLX5CTL_KILL_LOOPS (default 250) real client processes SIGKILLed at random points;
 *  - MLX5CTL_ABORT_LOOPS (default 750) in-process clients whose socket is torn down the way the
 *    kernel does it for a killed process (close with requests, fds and partial frames in
 *    flight). To the broker the two are the same event; the second costs no process start
 *    (~80 ms of CPU for node on these machines), which keeps 1000 deaths within CI time.
 * Afterwards nothing may be left: no session,
 * no pinned byte, no owned object (PD, MKEY, UMEM), no broker fd beyond the baseline, no failed
 * teardown in the log, and no firmware UID: a final sweep opens as many sessions as UIDs were
 * ever handed out and must get exactly the lowest ones back (the device allocates lowest-free,
 * so a leaked UID shows as a hole), each of which QUERY_UCTX confirms.
 */
import { Mlx5ctlClient } from '../../src/client/client';
import { newInbox, outboxStatus } from '../../src/fw/mailbox';
import { Opcode } from '../../src/fw/opcodes';
import { setBits } from '../../src/uapi/ifc/bits';
import * as path from 'path';
import { UmemBuffer } from '../../src/client/umem';
import { encodeFrame } from '../../src/uapi/frame';
import { MLX5CTL_IOCTL_UMEM_REG, mlx5ctlUmemReg } from '../../src/uapi/mlx5ctl';
import { encodeStruct } from '../../src/uapi/struct';
import { RawClient } from '../helpers/raw_client';
import { RunningBroker, startBroker, waitFor } from '../helpers/broker';
import { exited, firstLine, spawnWorker, WorkerMode, workerScript } from './children';
import { failures, fdCount } from './observe';
import { envCount, fuzzSeed, Rng } from './prng';
import { runWorkload, Workload } from './workloads';

const KILLS = envCount('MLX5CTL_KILL_LOOPS', 250);
const ABORTS = envCount('MLX5CTL_ABORT_LOOPS', 750);
const PARALLEL = envCount("MLX5CTL_KILL_PARALLEL", 4);

let broker: RunningBroker;
let admin: Mlx5ctlClient;

beforeAll(async () => {
  workerScript();
  broker = await startBroker(['--log-level', 'info']);
  admin = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
});

afterAll(async () => {
  admin.close();
  await broker.stop();
});

async function oneKill(rng: Rng, tally: Record<string, number>): Promise<void> {
  const mode = rng.pick<WorkerMode>(['rpc', 'umem', 'dump', 'dump']);
  const child = spawnWorker(broker.rundir, mode, { stdio: ['ignore', 'pipe', 'ignore'] });
  const gone = exited(child);
  if (rng.chance(0.1)) {
    // Killed while connecting or while the broker creates its UCTX.
    await new Promise((r) => setTimeout(r, rng.int(60)));
    tally['open'] = (tally['open'] ?? 0) + 1;
  } else {
    await firstLine(child).catch(() => undefined);
    await new Promise((r) => setTimeout(r, rng.int(20)));
    tally[mode] = (tally[mode] ?? 0) + 1;
  }
  child.kill('SIGKILL');
  await gone;
}

/** An in-process client dropped mid-work, or mid-frame with a memfd riding on the partial frame. */
async function oneAbort(rng: Rng, tally: Record<string, number>, memfd: UmemBuffer): Promise<void> {
  if (rng.chance(0.1)) {
    const raw = new RawClient(path.join(broker.rundir, 'mlx5_core.ctl.0'));
    await raw.waitFrames(1);
    const frame = encodeFrame(MLX5CTL_IOCTL_UMEM_REG, 1, 0, encodeStruct(mlx5ctlUmemReg, { addr: 0n, len: 4096n }));
    raw.send(frame.subarray(0, rng.range(1, frame.length - 1)), [memfd.fd]);
    await new Promise((r) => setTimeout(r, rng.int(5)));
    raw.destroy();
    tally['partial'] = (tally['partial'] ?? 0) + 1;
    return;
  }
  const w = rng.pick<Workload>(['rpc', 'umem', 'dump', 'dump']);
  const c = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
  const running = runWorkload(c, w).catch(() => undefined);
  await new Promise((r) => setTimeout(r, rng.int(20)));
  c.connection.destroy();
  await running;
  tally[w] = (tally[w] ?? 0) + 1;
}

describe('kill -9 loop', () => {
  const seed = fuzzSeed(0x6b111);

  it(`${KILLS} killed and ${ABORTS} aborted clients leak nothing (seed ${seed})`, async () => {
    const baselineFds = fdCount(broker.proc.pid ?? 0);
    const rng = new Rng(seed);
    const tally: Record<string, number> = {};
    let started = 0;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (started < KILLS) {
          started++;
          await oneKill(rng, tally);
        }
      }),
    );
    const killSeconds = (Date.now() - t0) / 1000;
    const memfd = UmemBuffer.create(4096);
    let aborted = 0;
    const t1 = Date.now();
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (aborted < ABORTS) {
          aborted++;
          await oneAbort(rng, tally, memfd);
        }
      }),
    );
    memfd.close();
    const abortSeconds = (Date.now() - t1) / 1000;

    await waitFor(async () => {
      const s = await admin.status();
      return s.sessions.length === 1 && s.releasing === 0 && s.pinned_bytes === 0 && s.sessions[0].objects === 0;
    }, 20000, 'every killed session released').catch(async (err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(await admin.status())} (MLX5CTL_FUZZ_SEED=${seed})`);
    });
    await waitFor(() => fdCount(broker.proc.pid ?? 0) === baselineFds, 5000, 'broker fds back to baseline').catch(() => undefined);
    expect(fdCount(broker.proc.pid ?? 0)).toBe(baselineFds);
    expect(broker.proc.exitCode).toBeNull();

    // status lists open sessions only; one still releasing shows in the log when it is done.
    const count = (event: string): number => broker.logs().filter((l) => l.event === event).length;
    await waitFor(() => count('session_released') === count('session_open') - 1, 10000, 'release log lines').catch(() => undefined);
    const logs = broker.logs();
    expect(failures(logs)).toEqual([]);
    const opened = logs.filter((l) => l.event === 'session_open');
    const released = logs.filter((l) => l.event === 'session_released');
    expect(released.length).toBe(opened.length - 1); // all but the admin session

    // UID sweep: every UID ever handed out must be free again (admin holds uid 1).
    const maxUid = Math.max(...opened.map((l) => Number(l.fw_uid)));
    const sweep = await Promise.all(Array.from({ length: maxUid }, () => Mlx5ctlClient.open('0', { rundir: broker.rundir })));
    const uids = (await Promise.all(sweep.map((c) => c.info()))).map((i) => i.uctxUid).sort((a, b) => a - b);
    expect(uids).toEqual(Array.from({ length: maxUid }, (_, i) => i + 2));
    for (const c of sweep) {
      const q = newInbox(Opcode.QUERY_UCTX, 16);
      setBits(q, 0x50, 16, (await c.info()).uctxUid);
      expect(outboxStatus(await c.cmdrpc(q, 64))).toBe(0);
      c.close();
    }
    process.stdout.write(
      `kill loop: ${KILLS} SIGKILLed processes in ${killSeconds.toFixed(1)} s, ${ABORTS} aborted in-process clients in ${abortSeconds.toFixed(1)} s ` +
        `(${PARALLEL} at a time), by phase ${JSON.stringify(tally)}, ${opened.length - 1} sessions, highest UID ${maxUid}\n`,
    );
  }, 600_000);
});
