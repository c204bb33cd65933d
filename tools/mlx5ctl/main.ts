#!/usr/bin/env node
/**
 * mlx5ctl [-v] [-j] [-p] [--rundir DIR] <dev> [<command> [options]]
 * mlx5ctl status [DEV] | devlink ARGS... | sim DEV ... | wrap -- PROGRAM ... | vmcoredd ...
 * mlx5ctl --version
 *
 * The entry point: option errors and --version are answered before the rest of the CLI (and
 * with it the native addon) is loaded, so a missing addon is one error line, not a stack trace.
 * The commands themselves are in run.ts.
 */
import { packageVersion, versionLine } from '../../src/config/version';
import { parseGlobals } from './globals';
import { processStreams, Streams } from './output';

type RunModule = typeof import('./run');

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function main(argv: string[], streams: Streams = processStreams, env = process.env): Promise<number> {
  const parsed = parseGlobals(argv, env);
  if (parsed.optionError !== undefined) {
    streams.stderr(`Error : ${parsed.optionError}\nTry 'mlx5ctl --help' for more information.\n`);
    return 1;
  }
  if (parsed.version) {
    // -j too: every command answers in JSON when asked.
    streams.stdout(parsed.options.json ? `${JSON.stringify({ program: 'mlx5ctl', version: packageVersion() })}\n` : versionLine('mlx5ctl'));
    return 0;
  }
  let run: RunModule;
  try {
    run = await import('./run');
  } catch (err) {
    streams.stderr(`Error : ${message(err)}\n`);
    return 1;
  }
  return run.runParsed(parsed, streams);
}

if (require.main === module) {
  // `mlx5ctl ... | head` closes the pipe early: that is the reader's choice, not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  const verbose = process.argv.includes('-v') || process.argv.includes('--verbose');
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // A bug, not a user error: the message for the user, the stack only when asked for (-v).
      process.stderr.write(`Error : ${verbose && err instanceof Error ? err.stack ?? err.message : message(err)}\n`);
      process.exitCode = 1;
    },
  );
}
