/**
 * Imported by the broker's entry point before anything that loads the native addon: until the
 * broker is ready, an exception nobody caught (the addon missing, a module failing to load) is
 * one `mlx5ctld: message` line and exit 1, not a stack trace. `--version` is answered here too,
 * so it works even without the addon. Once ready, main.ts installs its own fatal handler.
 */
import { versionLine } from '../config/version';

if (process.argv.slice(2).includes('--version')) {
  process.stdout.write(versionLine('mlx5ctld'));
  process.exit(0);
}

function startupFailure(err: unknown): void {
  process.stderr.write(`mlx5ctld: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

process.on('uncaughtException', startupFailure);

/** The broker is up: from here on its own logger reports fatal errors. */
export function endStartupGuard(): void {
  process.removeListener('uncaughtException', startupFailure);
}
