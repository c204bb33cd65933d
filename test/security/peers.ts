/**
 * Peers of other classes for the security and exhaustion tests: policy files, and client
 * processes run as an unprivileged uid (CI runs the tests as root; without root those cases are
 * left out, since only root can start a process under another uid).
 */
import * as fs from 'fs';
import * as path from 'path';
import { exited, firstLine, spawnWorker } from '../reliability/children';
import { tempDir } from '../helpers/sockets';

export const NOBODY = 65534;
export const isRoot = process.getuid?.() === 0;
/** The uid the tests (and the brokers and clients they start) run as: policies name it. */
export const SELF = process.getuid?.() ?? 0;

/**
 * What the mlx5ctl driver derives from the opener's effective capabilities, worked out here from
 * this process's own CapEff (its children inherit it): the UCTX cap bits (TOOLS_RESOURCES 0x4
 * always; RAW_TX 0x1 with CAP_NET_RAW; INTERNAL_DEVICE_RESOURCES 0x2 with CAP_SYS_RAWIO) and
 * `ucap`, the OR of the capability numbers held among NET_RAW 13, SYS_RAWIO 17, SYS_ADMIN 21.
 * Root: 0x7 and 0x1d; an ordinary user: 0x4 and 0.
 */
export function ownCaps(): { uctxCap: number; userCap: number } {
  const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  const eff = m ? BigInt(`0x${m[1]}`) : 0n;
  const has = (n: number): boolean => ((eff >> BigInt(n)) & 1n) === 1n;
  // As the upstream fwctl driver grants, whatever the caller holds: TOOLS_RESOURCES only.
  const uctxCap = 0x4;
  const userCap = [13, 17, 21].filter(has).reduce((a, n) => a | n, 0);
  return { uctxCap, userCap };
}

export interface RuleSpec {
  uid?: number;
  gid?: number;
  max_scope: string | number;
  default_scope?: string | number;
}

/** Writes a --policy file and returns its path. */
export function writePolicy(rules: RuleSpec[]): string {
  const file = path.join(tempDir('mlx5ctl-policy-'), 'policy.json');
  fs.writeFileSync(file, JSON.stringify({ rules }));
  return file;
}

/** Lets other uids reach the socket, so that the broker's policy (not file modes) decides. */
export function exposeSocket(rundir: string): void {
  fs.chmodSync(rundir, 0o755);
  for (const name of fs.readdirSync(rundir)) {
    const p = path.join(rundir, name);
    if (fs.statSync(p).isSocket()) fs.chmodSync(p, 0o666);
  }
}

export interface OpenResult {
  ok: boolean;
  code?: string;
  uid?: number;
  maxScope?: number;
}

/** Opens device 0 from a child process running as `uid` and reports the outcome. */
export async function openAs(rundir: string, uid: number): Promise<OpenResult> {
  const child = spawnWorker(rundir, 'open', { uid, gid: uid });
  const line = await firstLine(child);
  await exited(child);
  return JSON.parse(line) as OpenResult;
}

/** A child holding a session open as `uid` until killed. */
export async function holdAs(rundir: string, uid: number): Promise<{ result: OpenResult; kill(): Promise<void> }> {
  const child = spawnWorker(rundir, 'hold', { uid, gid: uid });
  const result = JSON.parse(await firstLine(child)) as OpenResult;
  return {
    result,
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
  };
}
