/**
 * A devlink monitor subscription with netlink's overrun semantics. An event goes to the
 * subscriber only while fewer than MONITOR_QUEUE_BYTES wait on its connection; past that, events
 * are dropped for it (and only for it) until its connection drains, when it gets one frame with
 * result -ENOBUFS — what the next recvmsg on an overrun netlink socket returns — and events resume.
 * So a subscriber that never reads costs the broker a bounded queue, not every event ever sent.
 */
import { MLX5CTLD_DEVLINK } from '../uapi/control';
import { Errno } from '../uapi/errno';
import { encodeControl } from '../uapi/message';
import type { DevlinkEvent } from '../devlink/types';
import { MONITOR_QUEUE_BYTES } from './limits';
import type { Logger } from './log';

/** What a subscription needs of its session (the broker's Session provides it). */
export interface EventSink {
  readonly id: number;
  /** Bytes accepted for the peer that its socket has not taken yet. */
  readonly queuedBytes: number;
  /** Sends an unsolicited frame (seq 0); false once the session is no longer open. */
  push(cmd: number, ...parts: Buffer[]): boolean;
  /** Sends an unsolicited frame carrying only `result`; false once the session is no longer open. */
  pushResult(cmd: number, result: number): boolean;
  /** Resolves when everything queued for the peer has been written, or the session ends. */
  whenDrained(): Promise<void>;
}

export function isEventSink(value: object): value is EventSink {
  return typeof Reflect.get(value, 'queuedBytes') === 'number' && ['push', 'pushResult', 'whenDrained'].every((key) => typeof Reflect.get(value, key) === 'function');
}

export class MonitorSubscription {
  /** Events dropped since the overrun began; undefined while none is pending. */
  private dropped: number | undefined;

  constructor(
    private readonly sink: EventSink,
    private readonly logger: Logger,
    private readonly queueBytes = MONITOR_QUEUE_BYTES,
  ) {}

  /** Offers one event; false once the session is gone (the caller unsubscribes). */
  deliver(event: DevlinkEvent): boolean {
    if (this.dropped !== undefined) {
      this.dropped++;
      return true;
    }
    if (this.sink.queuedBytes >= this.queueBytes) {
      this.dropped = 1;
      void this.sink.whenDrained().then(() => this.endOverrun());
      return true;
    }
    return this.sink.push(MLX5CTLD_DEVLINK, encodeControl({ event }));
  }

  private endOverrun(): void {
    const dropped = this.dropped ?? 0;
    this.dropped = undefined;
    if (!this.sink.pushResult(MLX5CTLD_DEVLINK, -Errno.ENOBUFS)) return;
    this.logger.log('warn', 'devlink_monitor_overrun', { session: this.sink.id, dropped, queue_bytes: this.queueBytes });
  }
}
