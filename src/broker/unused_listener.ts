/**
 * A listener systemd passed for a control device this host does not have (its mlx5ctld@N.socket
 * is enabled, the device is absent). Closing the broker's copy would leave systemd's: while the
 * broker runs, connections would wait in its backlog forever, and once it stops each of them
 * would start the broker again, which still has no such device. So the broker keeps it and hangs
 * up on every connection at once: the client reads end-of-file instead of waiting.
 */
import { native, NativePoller } from '../addon';
import { Logger } from './log';

export class UnusedListener {
  private poller: NativePoller | undefined;

  constructor(readonly name: string, private fd: number, logger: Logger) {
    logger.log('warn', 'listener_unused', {
      device: name,
      fd,
      message: `systemd passed a listener for ${name}, but there is no such device here: it is not published and every connection to it is closed at once (disable mlx5ctld@${name.replace(/^mlx5_core\.ctl\./, '')}.socket)`,
    });
    this.poller = new native.Poller(fd, (errno, readable) => {
      if (errno !== 0 || !readable) return;
      this.refuseAll(logger);
    });
    this.poller.start(true, false);
  }

  private refuseAll(logger: Logger): void {
    for (;;) {
      let client: number | null;
      try {
        client = native.accept(this.fd);
      } catch (err) {
        // Out of fds and the like: the connection stays queued; try again on the next wakeup.
        logger.log('warn', 'accept_failed', { device: this.name, message: err instanceof Error ? err.message : String(err) });
        return;
      }
      if (client === null) return;
      native.close(client);
    }
  }

  close(): void {
    if (this.fd < 0) return;
    this.poller?.close();
    this.poller = undefined;
    native.close(this.fd);
    this.fd = -1;
  }
}
