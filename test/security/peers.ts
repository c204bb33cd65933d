/**
 * Peers of other classes for the security and exhaustion tests: policy files, and client
 * processes run as an unprivileged uid (the tests run as root; without root they skip those
 * cases, since only root can start a process under another uid).
 */
import * as fs from 'fs';
import * as path from 'path';
import { exited, firstLine, spawnWorker } from '../reliability/children';
import { tempDir } from '../helpers/sockets';

export const NOBODY = 65534;
export const isRoot = process.getuid?.() === 0;

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
