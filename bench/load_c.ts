/**
 * bench:load with C clients (bench/c/mixload.c): the mixed operations at N closed-loop clients
 * that cost little, so the broker's own cost per operation shows. Beside it, from the same run:
 *   - the same broker answering QUERY_HCA_CAP only, at the same client count (bench/c/loadgen.c);
 *   - the C echo server answering the same mix of frames with no work (bench/c/echo_server.c).
 */
import * as fs from 'fs';
import * as path from 'path';
import { LISTEN_BACKLOG } from '../src/broker/limits';
import { newInbox } from '../src/fw/mailbox';
import { Opcode } from '../src/fw/opcodes';
import { mlx5ctldOpen } from '../src/uapi/control';
import { FRAME_HEADER_SIZE } from '../src/uapi/frame';
import { mlx5ctlCmdrpc } from '../src/uapi/mlx5ctl';
import { buildCPrograms, cmdrpcFrame, LoadResult, runLoad, startEchoServer } from './c_load';
import { buildMixLoad, MixResult, mixScript, runMix } from './c_mix';
import { round } from './stats';

const CAP_OUTLEN = 0x1010;

export interface CMixResults {
  clients: number;
  seconds_per_run: number;
  mix: MixResult;
  hca_cap_only: LoadResult;
  echo_mix: MixResult;
}

export async function cMixBench(root: string, work: string, brokerSocket: string, brokerPid: number, handle: string, snapshotId: number, clients: number, seconds: number): Promise<CMixResults> {
  const progs = buildCPrograms(root, work);
  const mixload = buildMixLoad(root, work);
  const script = path.join(work, 'mix.script');
  fs.writeFileSync(script, mixScript(handle, snapshotId));
  const capFrame = path.join(work, 'query_hca_cap.frame');
  fs.writeFileSync(capFrame, cmdrpcFrame(newInbox(Opcode.QUERY_HCA_CAP, 16, 1), CAP_OUTLEN));
  // Warm-up: the broker's JIT and the simulator's caches, for every kind of the mix.
  await runMix(mixload, brokerSocket, script, clients, 0.5, brokerPid);
  const mix = await runMix(mixload, brokerSocket, script, clients, seconds, brokerPid);
  const hcaCapOnly = await runLoad(progs, brokerSocket, capFrame, clients, seconds, brokerPid);
  const echoSocket = path.join(work, 'echo.sock');
  const echo = await startEchoServer(progs, echoSocket, FRAME_HEADER_SIZE + mlx5ctldOpen.size, FRAME_HEADER_SIZE + mlx5ctlCmdrpc.size + CAP_OUTLEN, LISTEN_BACKLOG);
  try {
    const echoMix = await runMix(mixload, echoSocket, script, clients, seconds, echo.pid!);
    return { clients, seconds_per_run: seconds, mix, hca_cap_only: hcaCapOnly, echo_mix: echoMix };
  } finally {
    echo.kill();
  }
}

/** Issue 17's goal for the mix at 64 clients. */
export const MIX_OPS_GOAL = 50_000;

export function cMixRows(r: CMixResults): [string, string][] {
  const { mix: m, hca_cap_only: cap, echo_mix: e } = r;
  const rows: [string, string][] = [
    [`C clients ${r.clients}, mixed: ops/s broker / echo`, `${m.opsPerSecond} / ${e.opsPerSecond} (${round(m.opsPerSecond / e.opsPerSecond, 2)}x; goal broker >= ${MIX_OPS_GOAL / 1000}k)`],
    [`C clients ${r.clients}, mixed: frames/s broker`, `${Math.round(m.frames / m.seconds)} (${m.ops} ops, ${m.frames} frames)`],
    [`C clients ${r.clients}, mixed: p50 / p99 us broker / echo`, `${round(m.p50Us, 1)} / ${round(m.p99Us, 1)}  vs  ${round(e.p50Us, 1)} / ${round(e.p99Us, 1)}`],
  ];
  for (const [kind, s] of Object.entries(m.byKind)) rows.push([`  ${kind} p50 / p99 us (n)`, `${round(s.p50_us, 1)} / ${round(s.p99_us, 1)} (${s.n})`]);
  rows.push([`C clients ${r.clients}, mixed: errors / firmware errors`, `${m.errors} / ${m.fwErrors}`]);
  rows.push([
    `C clients ${r.clients}: server CPU us/op mixed / HCA_CAP only / echo mixed`,
    `${round(m.serverCpuUsPerOp, 1)} / ${round(cap.serverCpuUsPerRpc, 1)} / ${round(e.serverCpuUsPerOp, 1)} (mixed / HCA_CAP ${round(m.serverCpuUsPerOp / cap.serverCpuUsPerRpc, 2)}x)`,
  ]);
  rows.push([`C clients ${r.clients}: ops/s HCA_CAP only (same run)`, `${cap.rpcsPerSecond} (mixed / HCA_CAP ${round(m.opsPerSecond / cap.rpcsPerSecond, 2)}x)`]);
  return rows;
}
