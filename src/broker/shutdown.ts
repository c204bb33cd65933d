/**
 * Signal handling, after close-with-grace: the first SIGTERM/SIGINT drains (stop accepting,
 * release every session) against a deadline; a second signal, or the deadline, forces exit 1.
 */
import { Logger } from './log';

export interface Closable {
  close(): Promise<void>;
}

export function installShutdown(target: Closable, logger: Logger, deadlineMs = 10_000, exit = process.exit): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) {
      logger.log('warn', 'forced_exit', { signal });
      exit(1);
      return;
    }
    closing = true;
    logger.log('info', 'shutdown', { signal });
    const timer = setTimeout(() => {
      logger.log('error', 'shutdown_timeout', { deadline_ms: deadlineMs });
      exit(1);
    }, deadlineMs);
    timer.unref();
    target.close().then(
      () => exit(0),
      (err: unknown) => {
        logger.log('error', 'shutdown_failed', { message: String(err) });
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
