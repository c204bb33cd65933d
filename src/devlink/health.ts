/**
 * devlink health reporters with net/devlink/health.c's semantics: attribute presence driven by
 * the ops, SET validation, the report() flow (count → ERROR → grace/burst abort → auto-dump only
 * when none is stored → auto-recover), a stored dump returned unchanged, and state updates.
 */
import type { DevlinkClock } from './clock';
import { DevlinkError, Errno, einval, eopnotsupp } from './errors';
import { Fmsg, type FmsgNode } from './fmsg';
import type { DevlinkEvent, HealthSetRequest, HealthState, ReporterInfo } from './types';

/**
 * A driver's reporter ops. Async-capable; failures are thrown DevlinkErrors (their extack is the
 * netlink extended ack). `ctx` is the driver's private context passed to report(), or undefined
 * when the op runs for a user command.
 */
export interface HealthReporterOps {
  readonly name: string;
  /** Default grace period in ms (needs `recover`). */
  readonly gracePeriod?: number;
  /** Default burst period in ms (needs a grace period). */
  readonly burstPeriod?: number;
  recover?(ctx: unknown): void | Promise<void>;
  diagnose?(fmsg: Fmsg): void | Promise<void>;
  dump?(fmsg: Fmsg, ctx: unknown): void | Promise<void>;
  test?(): void | Promise<void>;
}

/** What a reporter needs from its devlink instance. */
export interface ReporterHost {
  readonly handle: string;
  readonly driverName: string;
  readonly clock: DevlinkClock;
  notify(event: DevlinkEvent): void;
  trace(line: string): void;
  /** devl_lock: serializes dump and recover with the devlink's commands. */
  withLock<T>(work: () => Promise<T>): Promise<T>;
}

interface StoredDump {
  tree: FmsgNode;
  ts: number;
  realTsNs: bigint;
}

const STATE_NUMBER: Record<HealthState, number> = { healthy: 0, error: 1 };

export class HealthReporter {
  private state: HealthState = 'healthy';
  private errorCount = 0;
  private recoveryCount = 0;
  /** undefined until the first recovery (the kernel uses jiffies 0 for "never"). */
  private lastRecoveryTs: number | undefined;
  private gracePeriod: number;
  private burstPeriod: number;
  private autoRecover: boolean;
  private autoDump: boolean;
  private storedDump: StoredDump | undefined;

  constructor(
    private readonly host: ReporterHost,
    readonly ops: HealthReporterOps,
    readonly port?: number,
  ) {
    this.gracePeriod = ops.gracePeriod ?? 0;
    this.burstPeriod = ops.burstPeriod ?? 0;
    if (this.gracePeriod && !ops.recover) throw einval('grace period requires a recover op');
    if (this.burstPeriod && !this.gracePeriod) throw einval('burst period requires a grace period');
    this.autoRecover = ops.recover !== undefined;
    this.autoDump = ops.dump !== undefined;
  }

  get name(): string {
    return this.ops.name;
  }

  get healthState(): HealthState {
    return this.state;
  }

  info(): ReporterInfo {
    const info: ReporterInfo = {
      handle: this.host.handle,
      ...(this.port !== undefined ? { port: this.port } : {}),
      reporter: this.name,
      state: this.state,
      error: this.errorCount,
      recover: this.recoveryCount,
    };
    if (this.storedDump) {
      info.dumpTs = this.storedDump.ts;
      info.dumpTsNs = this.storedDump.realTsNs.toString();
    }
    if (this.ops.recover) {
      info.gracePeriod = this.gracePeriod;
      info.burstPeriod = this.burstPeriod;
      info.autoRecover = this.autoRecover;
    }
    if (this.ops.dump) info.autoDump = this.autoDump;
    return info;
  }

  /** The stored dump, if any (what DUMP_GET returns unchanged). */
  get dump(): FmsgNode | undefined {
    return this.storedDump?.tree;
  }

  /**
   * devlink_health_report. Resolves when the error was handled (possibly left in ERROR when
   * auto_recover is off); rejects with ECANCELED inside the grace window, or with the recover
   * op's error.
   */
  async report(message: string, ctx?: unknown): Promise<void> {
    this.host.trace(`${this.tracePrefix()}${message}`);
    this.errorCount++;
    const previous = this.state;
    this.state = 'error';
    this.notifyStatus();

    if (this.autoRecover && (previous !== 'healthy' || this.insideGraceWindow())) {
      const sinceRecovery = this.host.clock.now() - (this.lastRecoveryTs ?? 0);
      this.host.trace(`${this.tracePrefix()}health_state=${STATE_NUMBER[this.state]} time_since_last_recover=${sinceRecovery} recover aborted`);
      throw new DevlinkError(Errno.ECANCELED);
    }

    if (this.autoDump) {
      // A failed auto-dump is dropped and ignored, as in the kernel.
      await this.host.withLock(() => this.doDump(ctx).catch(() => undefined));
    }
    if (!this.autoRecover) return;
    await this.host.withLock(() => this.recover(ctx));
  }

  /** devlink_health_reporter_state_update: driver-side, counters untouched. */
  stateUpdate(state: HealthState): void {
    if (this.state === state) return;
    this.state = state;
    this.host.trace(`${this.tracePrefix()}new_state=${STATE_NUMBER[state]}`);
    this.notifyStatus();
  }

  /** devlink_health_reporter_recover; callers hold the lock. Healthy → 0 without the op. */
  async recover(ctx: unknown): Promise<void> {
    if (this.state === 'healthy') return;
    if (!this.ops.recover) throw eopnotsupp();
    await this.ops.recover(ctx);
    this.recoveryCount++;
    if (!this.insideBurstWindow()) this.lastRecoveryTs = this.host.clock.now();
    this.state = 'healthy';
    this.notifyStatus();
  }

  /** DEVLINK_CMD_HEALTH_REPORTER_SET: all checks first, then apply; grace 0 zeroes burst. */
  set(request: Omit<HealthSetRequest, 'handle' | 'port' | 'reporter'>): void {
    const touchesRecovery = request.gracePeriod !== undefined || request.burstPeriod !== undefined || request.autoRecover !== undefined;
    if (!this.ops.recover && touchesRecovery) throw eopnotsupp();
    if (!this.ops.dump && request.autoDump !== undefined) throw eopnotsupp();
    const grace = request.gracePeriod ?? this.gracePeriod;
    if (request.burstPeriod !== undefined && request.burstPeriod > 0 && grace === 0) {
      throw einval('devlink: Cannot set burst period without a grace period.');
    }
    if (request.gracePeriod !== undefined) {
      this.gracePeriod = request.gracePeriod;
      if (this.gracePeriod === 0) this.burstPeriod = 0;
    }
    if (request.burstPeriod !== undefined && this.gracePeriod !== 0) this.burstPeriod = request.burstPeriod;
    if (request.autoRecover !== undefined) this.autoRecover = request.autoRecover;
    if (request.autoDump !== undefined) this.autoDump = request.autoDump;
  }

  /** DEVLINK_CMD_HEALTH_REPORTER_DIAGNOSE: the op's fmsg inside an outer object. */
  async diagnose(): Promise<FmsgNode> {
    const diagnose = this.ops.diagnose;
    if (!diagnose) throw eopnotsupp();
    const fmsg = new Fmsg();
    fmsg.objNestStart();
    await diagnose.call(this.ops, fmsg);
    fmsg.objNestEnd();
    const { error, tree } = fmsg.finish();
    if (error) throw new DevlinkError(error);
    return tree;
  }

  /** DEVLINK_CMD_HEALTH_REPORTER_DUMP_GET: takes a dump (ctx NULL) only if none is stored. */
  async dumpGet(): Promise<FmsgNode> {
    if (!this.ops.dump) throw eopnotsupp();
    await this.doDump(undefined);
    if (!this.storedDump) throw new DevlinkError(Errno.EAGAIN, 'Dump trampled, please retry');
    return this.storedDump.tree;
  }

  /** DEVLINK_CMD_HEALTH_REPORTER_DUMP_CLEAR: no-op without a stored dump. */
  dumpClear(): void {
    if (!this.ops.dump) throw eopnotsupp();
    this.storedDump = undefined;
  }

  async test(): Promise<void> {
    if (!this.ops.test) throw eopnotsupp();
    await this.ops.test();
  }

  /** devlink_health_do_dump: keep the first dump; an op or fmsg error drops the new one. */
  private async doDump(ctx: unknown): Promise<void> {
    const dump = this.ops.dump;
    if (!dump || this.storedDump) return;
    const fmsg = new Fmsg();
    fmsg.objNestStart();
    await dump.call(this.ops, fmsg, ctx);
    fmsg.objNestEnd();
    const { error, tree } = fmsg.finish();
    if (error) throw new DevlinkError(error);
    this.storedDump = { tree, ts: this.host.clock.now(), realTsNs: this.host.clock.wallNs() };
  }

  /** Recovered before, not inside the burst window, but inside burst + grace. */
  private insideGraceWindow(): boolean {
    if (this.lastRecoveryTs === undefined || this.recoveryCount === 0) return false;
    const now = this.host.clock.now();
    return !this.insideBurstWindow() && now < this.lastRecoveryTs + this.burstPeriod + this.gracePeriod;
  }

  private insideBurstWindow(): boolean {
    return this.lastRecoveryTs !== undefined && this.host.clock.now() < this.lastRecoveryTs + this.burstPeriod;
  }

  private notifyStatus(): void {
    this.host.notify({ object: 'health', command: 'status', reporter: this.info() });
  }

  private tracePrefix(): string {
    const slash = this.host.handle.indexOf('/');
    const bus = this.host.handle.slice(0, slash);
    const dev = this.host.handle.slice(slash + 1);
    return `bus_name=${bus} dev_name=${dev} driver_name=${this.host.driverName} reporter_name=${this.name}: `;
  }
}
