/**
 * Polls one device's registers at a low rate under the broker's own session and keeps the last
 * good reading of each with the time it was taken. Scrapes read only this cache, so a scrape
 * never waits on the device, and a device that stops answering shows as a reading growing old.
 *
 * One poll at a time: the next starts `intervalMs` after the previous one finished, so a slow
 * device is never asked twice at once. The timers are unref'd (they never keep the broker up).
 */
import { performance } from 'perf_hooks';
import { auditRpc } from '../broker/audit';
import type { Logger } from '../broker/log';
import type { ControlDeviceView } from '../broker/types';
import { MAILBOX_HEADER_SIZE, outboxStatus, outboxSyndrome } from '../fw/mailbox';
import { fwStatusName } from '../fw/status';
import { Errno, ErrnoError, errnoName } from '../uapi/errno';
import { Scope } from '../uapi/fwctl';
import { UctxCap } from '../uapi/mlx5ctl';
import { BrokerOwnSession } from './own_session';
import { POLLED_REGISTERS, type RegisterName, type RegisterRead, type Readings } from './registers';

export const DEFAULT_POLL_INTERVAL_MS = 15_000;
/** How long close() waits for a read in flight before closing the context under it. */
export const CLOSE_WAIT_MS = 5_000;

export interface Reading<N extends RegisterName> {
  value: Readings[N];
  /** Date.now() when it was read. */
  atMs: number;
}

export interface PollFailure {
  /** The register, or `open` when the broker could not open its own context. */
  register: RegisterName | 'open';
  /** An errno name (not delivered) or the firmware status name. */
  result: string;
  count: number;
}

export interface PollerOptions {
  intervalMs: number;
  logger: Logger;
  registers?: readonly RegisterRead[];
}

export class DevicePoller {
  private readonly latest = new Map<RegisterName, Reading<RegisterName>>();
  private readonly failureCounts = new Map<string, PollFailure>();
  private session: BrokerOwnSession | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly registers: readonly RegisterRead[];

  constructor(readonly device: ControlDeviceView, private readonly options: PollerOptions) {
    this.registers = options.registers ?? POLLED_REGISTERS;
  }

  /** Polls at once, then every intervalMs after each poll ends. */
  start(): void {
    this.schedule(0);
  }

  reading<N extends RegisterName>(name: N): Reading<N> | undefined {
    // Stored by the same name it was decoded for (see read()).
    return this.latest.get(name) as Reading<N> | undefined;
  }

  get failures(): readonly PollFailure[] {
    return [...this.failureCounts.values()];
  }

  /** One full round of reads (tests and start-up call it directly). */
  pollOnce(): Promise<void> {
    this.running = this.running.then(() => this.doPoll());
    return this.running;
  }

  /** Stops polling, waits (a bounded time) for a read in flight, then gives the broker's UID back. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    // A device that never answers must not hold shutdown: closing the context ends the read.
    let waited: NodeJS.Timeout | undefined;
    await Promise.race([this.running, new Promise<void>((resolve) => (waited = setTimeout(resolve, CLOSE_WAIT_MS)))]);
    clearTimeout(waited);
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    try {
      await session.close();
      this.options.logger.log('info', 'session_released', { session: 0, device: this.device.ctlName, fw_uid: session.fwUid, rpcs: session.rpcCount, purpose: 'metrics' });
    } catch (err) {
      this.options.logger.log('error', 'destroy_uctx_failed', { session: 0, device: this.device.ctlName, message: String(err) });
    }
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      void this.pollOnce().then(() => this.schedule(this.options.intervalMs));
    }, delayMs);
    this.timer.unref();
  }

  private async doPoll(): Promise<void> {
    if (this.closed || this.device.removed) return;
    const session = this.session ?? (await this.openSession());
    if (!session) return;
    for (const reg of this.registers) {
      if (this.closed || this.device.removed) return;
      await this.read(session, reg);
    }
  }

  private async openSession(): Promise<BrokerOwnSession | undefined> {
    try {
      const context = await this.device.backend.open({ allowedUctxCaps: UctxCap.TOOLS_RESOURCES });
      const session = new BrokerOwnSession(this.device, context);
      if (this.closed) {
        // close() ran while the context was being opened: give it straight back.
        await session.close();
        return undefined;
      }
      this.session = session;
      this.options.logger.log('info', 'session_open', { session: 0, device: this.device.ctlName, fw_uid: context.uid, purpose: 'metrics' });
      return session;
    } catch (err) {
      this.fail('open', err instanceof ErrnoError ? errnoName(err.errno) : 'EIO', String(err));
      return undefined;
    }
  }

  private async read(session: BrokerOwnSession, reg: RegisterRead): Promise<void> {
    const started = performance.now();
    const inbox = reg.inbox();
    const audit = { uapi: 'broker' as const, opcode: inbox.readUInt16BE(0), opMod: inbox.readUInt16BE(6), scope: Scope.DEBUG_READ_ONLY, bytesIn: inbox.length };
    const micros = (): number => (performance.now() - started) * 1000;
    let outbox: Buffer;
    try {
      outbox = await session.execute(inbox, reg.outlen, Scope.DEBUG_READ_ONLY);
    } catch (err) {
      const errno = err instanceof ErrnoError ? err.errno : Errno.EIO;
      auditRpc(this.options.logger, session, { ...audit, errno, bytesOut: 0, micros: micros() });
      this.fail(reg.name, errnoName(errno), String(err));
      return;
    }
    session.rpcCount++;
    const status = outboxStatus(outbox);
    auditRpc(this.options.logger, session, { ...audit, status, syndrome: outboxSyndrome(outbox), bytesOut: outbox.length, micros: micros() });
    if (status !== 0) {
      this.fail(reg.name, fwStatusName(status), `${reg.name} read failed: status ${fwStatusName(status)}`);
      return;
    }
    // An outbox may be shorter than asked for; what it leaves out reads as zero.
    const data = Buffer.alloc(reg.outlen - MAILBOX_HEADER_SIZE);
    outbox.copy(data, 0, MAILBOX_HEADER_SIZE);
    this.latest.set(reg.name, { value: reg.decode(data), atMs: Date.now() });
  }

  /** Counts a failure; logs only the first of each kind, since a poll repeats every interval. */
  private fail(register: PollFailure['register'], result: string, message: string): void {
    const key = `${register}/${result}`;
    const known = this.failureCounts.get(key);
    if (known) {
      known.count++;
      return;
    }
    this.failureCounts.set(key, { register, result, count: 1 });
    this.options.logger.log('warn', 'metrics_poll_failed', { session: 0, device: this.device.ctlName, register, result, message });
  }
}
