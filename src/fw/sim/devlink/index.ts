/**
 * The simulated device's devlink instance (`pci/<pciName>`), as mlx5_core + mlx4-style crdump
 * would register it: `dev info`, the uplink port, regions `cr-space` and `fw-health` (snapshot and direct read), reporters
 * `fw`, `fw_fatal` and the netdev port's `tx` / `rx`, the generic `region_snapshot_enable`, a
 * health poll on a timer, and fault injection. One per SimState: `simDevlinkOf(state)`.
 */
import type { DevlinkClock } from '../../../devlink/clock';
import { systemClock as devlinkSystemClock } from '../../../devlink/clock';
import { DevlinkError, Errno } from '../../../devlink/errors';
import type { HealthReporter } from '../../../devlink/health';
import { DevlinkInstance } from '../../../devlink/instance';
import { crspaceOf, HEALTH_BUFFER_SIZE, HEALTH_COUNTER_ADDR, HealthSeverity } from '../crspace';
import type { SimState } from '../state';
import { EN_PORT_INDEX, rxReporterOps, txReporterOps } from './en_reporters';
import { FaultInjector, type InjectResult } from './faults';
import type { FaultKind, RecoverableReporter } from '../../faults';
import { fwFatalReporterOps, fwReporterOps } from './fw_reporters';
import { FwHealth, OrderedWork } from './fw_health';
import { simInfoGet, simUplinkPort } from './info';
import { NetdevQueues } from './queues';

export { type InjectResult } from './faults';
export { EN_PORT_INDEX } from './en_reporters';

/** The kernel polls every 2 s; the simulator polls faster so injected faults show up promptly. */
export const SIM_HEALTH_POLL_MS = 200;
/** Region limits: mlx4 registers both with 8 snapshots. */
export const REGION_MAX_SNAPSHOTS = 8;
/** The part of the cr-space that `crdump_data` carries (the start of the space: it holds the health buffer). */
export const CRDUMP_BYTES = 64 * 1024;

export interface SimDevlinkOptions {
  /** Health poll period in ms; 0 starts no timer (tests call pollHealth()). */
  healthPollMs?: number;
  clock?: DevlinkClock;
}


export interface SimDevlinkStatus {
  handle: string;
  internalError: boolean;
  unloaded: boolean;
  syndrome: number;
  recoverFail: string[];
  log: string[];
}

export class SimDevlink {
  readonly instance: DevlinkInstance;
  readonly queues: NetdevQueues;
  private readonly health: FwHealth;
  private readonly faults: FaultInjector;
  private readonly healthWork = new OrderedWork();
  private readonly netdevWork = new OrderedWork();
  private readonly failRecover = new Set<string>();
  private readonly reporters: Record<'fw' | 'fwFatal' | 'tx' | 'rx', HealthReporter>;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly state: SimState, options: SimDevlinkOptions = {}) {
    const cr = crspaceOf(state);
    const clock: DevlinkClock = options.clock ?? { now: () => state.clock.nowMs(), wallNs: devlinkSystemClock.wallNs };
    this.instance = new DevlinkInstance(state.identity.devlinkHandle, { clock, driverName: 'mlx5_core' });
    this.queues = new NetdevQueues(state);
    this.instance.setInfoGet(simInfoGet(state));
    this.instance.portAdd(EN_PORT_INDEX, simUplinkPort(state));

    this.instance.regionCreate('cr-space', {
      snapshot: () => cr.read(0, cr.size),
      read: (offset, length) => cr.read(offset, length),
    }, REGION_MAX_SNAPSHOTS, cr.size);
    this.instance.regionCreate('fw-health', {
      snapshot: () => cr.healthBuffer(),
      read: (offset, length) => cr.healthBuffer().subarray(offset, offset + length),
    }, REGION_MAX_SNAPSHOTS, HEALTH_BUFFER_SIZE);

    const source = { healthBuffer: () => cr.healthBuffer(), crdump: () => cr.read(0, Math.min(CRDUMP_BYTES, cr.size)) };
    const fw = this.instance.healthReporterCreate(fwReporterOps(source));
    const fwFatal = this.instance.healthReporterCreate(fwFatalReporterOps(source, {
      recover: () => {
        this.checkRecover('fw_fatal');
        this.health.recover();
      },
    }));
    const enHooks = { checkRecover: (name: 'tx' | 'rx') => this.checkRecover(name), reopenChannels: () => this.reopenChannels() };
    const tx = this.instance.healthReporterCreate(txReporterOps(this.queues, enHooks), EN_PORT_INDEX);
    const rx = this.instance.healthReporterCreate(rxReporterOps(this.queues, enHooks), EN_PORT_INDEX);
    this.reporters = { fw, fwFatal, tx, rx };

    this.health = new FwHealth(this.instance, {
      healthBuffer: () => cr.healthBuffer(),
      healthCounter: () => cr.readDwords(HEALTH_COUNTER_ADDR, 1)[0] ?? 0,
      nowMs: () => state.clock.nowMs(),
      resetFunction: () => cr.clearHealth(),
      crdumpRegions: () => [
        { region: 'cr-space', collect: () => cr.read(0, cr.size) },
        { region: 'fw-health', collect: () => cr.healthBuffer() },
      ],
    }, { fw, fwFatal }, this.healthWork);
    this.faults = new FaultInjector({
      setHealthSyndrome: (synd, extSynd, fatal) =>
        cr.setHealthSyndrome(synd, extSynd, fatal ? { rfr: true, severity: HealthSeverity.CRIT } : { rfr: false, severity: HealthSeverity.ERR }),
    }, this.queues, { tx, rx }, this.netdevWork);

    const period = options.healthPollMs ?? SIM_HEALTH_POLL_MS;
    if (period > 0) {
      this.timer = setInterval(() => this.pollHealth(), period);
      this.timer.unref();
    }
  }

  /** One poll_health() tick. */
  pollHealth(): void {
    this.health.poll();
  }

  /** Resolves once every queued health and netdev work has run (tests, the sim CLI). */
  async settle(): Promise<void> {
    await this.healthWork.drain();
    await this.netdevWork.drain();
  }

  inject(fault: FaultKind, value: number, extSynd = 0): InjectResult {
    return this.faults.inject(fault, value, extSynd);
  }

  setRecoverFail(reporter: RecoverableReporter, fail: boolean): void {
    if (fail) this.failRecover.add(reporter);
    else this.failRecover.delete(reporter);
  }

  status(): SimDevlinkStatus {
    return {
      handle: this.instance.handle,
      internalError: this.health.internalError,
      unloaded: this.health.unloaded,
      syndrome: crspaceOf(this.state).healthSyndrome,
      recoverFail: [...this.failRecover].sort(),
      log: [...this.health.log],
    };
  }

  /** Stops the health poll (device close). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private checkRecover(reporter: string): void {
    if (this.failRecover.has(reporter)) {
      throw new DevlinkError(Errno.EIO, 'mlx5_core: User setup the recover to fail for testing purposes');
    }
  }

  /** mlx5e_safe_reopen_channels, then mlx5e_health_channels_update on both port reporters. */
  private reopenChannels(): void {
    this.queues.reopenAll();
    this.reporters.tx.stateUpdate('healthy');
    this.reporters.rx.stateUpdate('healthy');
  }
}

const instances = new WeakMap<SimState, SimDevlink>();

/** The device's devlink, created (and its health poll started) on first use. */
export function simDevlinkOf(state: SimState, options?: SimDevlinkOptions): SimDevlink {
  let dl = instances.get(state);
  if (dl === undefined) {
    dl = new SimDevlink(state, options);
    instances.set(state, dl);
  }
  return dl;
}

/** The device's devlink if it was ever created (close() must not create one to stop it). */
export function existingSimDevlink(state: SimState): SimDevlink | undefined {
  return instances.get(state);
}
