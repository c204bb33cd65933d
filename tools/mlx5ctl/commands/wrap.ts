/**
 * `mlx5ctl wrap [--rundir DIR] [--] PROGRAM [ARGS...]`: runs a program written for the kernel's
 * /dev/mlx5ctl-* and /dev/fwctl/* uAPIs against the broker, unchanged. The preload shim
 * (build/Release/libmlx5ctl_shim.so) goes first in LD_PRELOAD, MLX5CTL_RUNDIR names the run
 * directory, and MLX5CTL_SHIM_TMPDIR a private directory for the shim's emulated sysfs tree that
 * is removed when the program ends, however it ends. Stdio is inherited; the exit status is the
 * program's, or 128 + the signal that killed it.
 */
import { systemErrorText } from '../../../src/uapi/errno';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Output } from '../output';

export const SHIM_ENV = 'MLX5CTL_SHIM';
const SHIM_NAME = 'libmlx5ctl_shim.so';

/** Where the built shim can be: $MLX5CTL_SHIM, then build/Release from the compiled or source tree. */
export function shimCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = env[SHIM_ENV];
  const roots = [path.resolve(__dirname, '..', '..', '..', '..'), path.resolve(__dirname, '..', '..', '..')];
  return [...(fromEnv ? [path.resolve(fromEnv)] : []), ...roots.map((r) => path.join(r, 'build', 'Release', SHIM_NAME))];
}

/** The shim's path, or an Error naming every place looked at. */
export function findShim(env: NodeJS.ProcessEnv = process.env): string {
  const tried = shimCandidates(env);
  const found = tried.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`${SHIM_NAME} not found (run \`npm install\` or \`npm run build\`); tried: ${tried.join(', ')}`);
  return found;
}

export interface WrapCommand {
  rundir: string;
  program: string;
  args: string[];
}

export const WRAP_USAGE =
  'Usage: mlx5ctl wrap [--rundir DIR] -- PROGRAM [ARGS...]\n' +
  '\truns PROGRAM with /dev/mlx5ctl-* and /dev/fwctl/* served by the broker (LD_PRELOAD shim)';

/**
 * Parses what follows `wrap`: the command, `{help}` for --help, or a usage message when the line
 * is wrong (no program, an unknown option).
 */
export function parseWrap(argv: string[], rundir: string): WrapCommand | { help: string } | string {
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      i++;
      break;
    }
    if (a === '--rundir' && i + 1 < argv.length) rundir = argv[++i];
    else if (a.startsWith('--rundir=')) rundir = a.slice('--rundir='.length);
    else if (a === '--help' || a === '-h') return { help: WRAP_USAGE };
    else if (a.startsWith('-')) return `wrap: unknown option "${a}"\n${WRAP_USAGE}`;
    else break;
  }
  if (i >= argv.length) return WRAP_USAGE;
  return { rundir: path.resolve(rundir), program: argv[i], args: argv.slice(i + 1) };
}

/** The program's environment: the shim preloaded first, the broker's run directory named. */
export function wrapEnv(base: NodeJS.ProcessEnv, shim: string, rundir: string, tmpdir: string): NodeJS.ProcessEnv {
  const preload = base.LD_PRELOAD?.trim();
  return {
    ...base,
    LD_PRELOAD: preload ? `${shim}:${preload}` : shim,
    MLX5CTL_RUNDIR: rundir,
    MLX5CTL_SHIM_TMPDIR: tmpdir,
  };
}

/** Exit status as a shell reports it. */
function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal ? os.constants.signals[signal] : undefined;
  return number !== undefined ? 128 + number : 1;
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

export async function runWrap(argv: string[], out: Output): Promise<number> {
  const cmd = parseWrap(argv, out.options.rundir);
  if (typeof cmd === 'string') {
    out.streams.stderr(`${cmd}\n`);
    return 1;
  }
  if ('help' in cmd) {
    out.line(cmd.help);
    return 0;
  }
  let shim: string;
  try {
    shim = findShim();
  } catch (err) {
    out.error(err instanceof Error ? err.message : String(err));
    return 1;
  }
  const tmpdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx5ctl-wrap-'));
  try {
    return await new Promise<number>((resolve) => {
      const child = spawn(cmd.program, cmd.args, { stdio: 'inherit', env: wrapEnv(process.env, shim, cmd.rundir, tmpdir) });
      // A signal meant for the wrapper is meant for the program; the wrapper waits for its end.
      const forward = (signal: NodeJS.Signals): void => {
        child.kill(signal);
      };
      for (const s of FORWARDED) process.on(s, forward);
      const done = (status: number): void => {
        for (const s of FORWARDED) process.removeListener(s, forward);
        resolve(status);
      };
      child.once('error', (err: NodeJS.ErrnoException) => {
        out.error(`wrap: cannot run ${cmd.program}: ${systemErrorText(err)}`);
        done(err.code === 'ENOENT' ? 127 : 126);
      });
      child.once('exit', (code, signal) => done(exitStatus(code, signal)));
    });
  } finally {
    fs.rmSync(tmpdir, { recursive: true, force: true });
  }
}
