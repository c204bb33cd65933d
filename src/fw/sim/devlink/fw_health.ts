/**
 * mlx5 health.c's poller and health works over the simulated health buffer: poll_health() reads
 * the buffer on a timer; a syndrome with the rfr bit is a fatal error (the device enters
 * INTERNAL_ERROR, a crdump snapshot is taken, fw_fatal reports and recovers by resetting the
 * function); any other new syndrome, or three polls with a frozen health counter, makes `fw`
 * report. Works run one at a time in order, like the driver's single-threaded health workqueue.
 */
import { DevlinkError, Errno } from '../../../devlink/errors';
import type { HealthReporter } from '../../../devlink/health';
import type { DevlinkInstance } from '../../../devlink/instance';
import { decodeHealthBuffer } from './health_buffer';
import type { FwReporterCtx } from './fw_reporters';

/** MAX_MISSES: stalled polls before "FW miss counter reported". */
const MAX_MISSES = 3;

export interface FwHealthDevice {
  healthBuffer(): Buffer;
  healthCounter(): number;
  /** Device clock, ms: a miss counts only when the counter had time to move. */
  nowMs(): number;
  /** The function reset of mlx5_health_try_recover: the firmware comes back with no syndrome. */
  resetFunction(): void;
  /** mlx4-style crdump: regions to snapshot under one id, with their data. */
  crdumpRegions(): Array<{ region: string; collect: () => Buffer }>;
}

/** A serial work queue: each job starts after the previous one settled. */
export class OrderedWork {
  private tail: Promise<void> = Promise.resolve();

  queue(job: () => Promise<void>): void {
    this.tail = this.tail.then(job).catch(() => undefined);
  }

  /** Resolves once everything queued so far has run. */
  drain(): Promise<void> {
    return this.tail;
  }
}

export class FwHealth {
  /** MLX5_DEVICE_STATE_INTERNAL_ERROR after a fatal error, until a successful recover. */
  internalError = false;
  /** The fatal report was aborted inside the grace period: mlx5 unloads the driver. */
  unloaded = false;
  private synd = 0;
  private prevCount: number | undefined;
  private prevPollMs: number | undefined;
  private missCounter = 0;
  private readonly notes: string[] = [];

  constructor(
    private readonly devlink: DevlinkInstance,
    private readonly device: FwHealthDevice,
    private readonly reporters: { fw: HealthReporter; fwFatal: HealthReporter },
    private readonly work: OrderedWork,
  ) {}

  /** What the driver would have logged (newest last, bounded); the sim CLI shows it. */
  get log(): readonly string[] {
    return this.notes;
  }

  /** One poll_health() tick. */
  poll(): void {
    if (this.internalError) return;
    const h = decodeHealthBuffer(this.device.healthBuffer());
    if (h.rfr && h.synd) {
      this.note(`Fatal error ${h.synd} detected`);
      this.internalError = true;
      this.synd = h.synd;
      const ctx: FwReporterCtx = { errSynd: h.synd, missCounter: this.missCounter };
      this.work.queue(() => this.fatalWork(ctx));
      return;
    }
    this.checkCounter(h.synd);
    const prevSynd = this.synd;
    this.synd = h.synd;
    if (this.synd && this.synd !== prevSynd) this.queueReport();
  }

  /** fw_fatal's recover op: mlx5_health_try_recover. */
  recover(): void {
    this.device.resetFunction();
    this.internalError = false;
    this.unloaded = false;
    this.synd = 0;
    this.missCounter = 0;
    this.prevCount = undefined;
    this.note('health recovery succeeded');
  }

  private checkCounter(synd: number): void {
    const now = this.device.nowMs();
    const count = this.device.healthCounter();
    const moved = this.prevPollMs === undefined || now - this.prevPollMs >= 1;
    if (moved && this.prevCount !== undefined) this.missCounter = count === this.prevCount ? this.missCounter + 1 : 0;
    this.prevCount = count;
    this.prevPollMs = now;
    if (this.missCounter === MAX_MISSES) {
      this.note("device's health compromised - reached miss count");
      this.synd = synd;
      this.queueReport();
    }
  }

  /** mlx5_fw_reporter_err_work */
  private queueReport(): void {
    const ctx: FwReporterCtx = { errSynd: this.synd, missCounter: this.missCounter };
    this.work.queue(async () => {
      if (ctx.errSynd) await this.report(this.reporters.fw, 'FW syndrome reported', ctx);
      else if (ctx.missCounter) await this.report(this.reporters.fw, 'FW miss counter reported', ctx);
    });
  }

  /** mlx5_fw_fatal_reporter_err_work, preceded by the crdump region snapshot. */
  private async fatalWork(ctx: FwReporterCtx): Promise<void> {
    const regions = this.device.crdumpRegions();
    const byName = new Map(regions.map((r) => [r.region, r.collect]));
    const taken = await this.devlink.withLock(() =>
      this.devlink.captureSnapshots(regions.map((r) => r.region), (region) => {
        const collect = byName.get(region.name);
        if (!collect) throw new DevlinkError(Errno.EINVAL);
        return collect();
      }),
    );
    if (taken === undefined) this.note('crdump: devlink snapshot disabled, skipping');
    else this.note(`crdump: collected snapshot ${taken.snapshotId}`);
    const error = await this.report(this.reporters.fwFatal, 'FW fatal error reported', ctx);
    if (error?.errno === Errno.ECANCELED) {
      // Recovery was not performed (grace period): unload so nothing touches the device.
      this.unloaded = true;
      this.note('Driver is in error state. Unloading');
    }
  }

  private async report(reporter: HealthReporter, message: string, ctx: FwReporterCtx): Promise<DevlinkError | undefined> {
    try {
      await reporter.report(message, ctx);
      return undefined;
    } catch (error) {
      if (error instanceof DevlinkError) {
        this.note(`${reporter.name}: ${message}: ${error.code}`);
        return error;
      }
      throw error;
    }
  }

  private note(text: string): void {
    this.notes.push(text);
    if (this.notes.length > 32) this.notes.shift();
  }
}
