/**
 * One devlink instance (`pci/0000:08:00.0`): its regions, health reporters and params, the
 * snapshot-id namespace they share, the devlink lock, and the notification fan-out.
 *
 * Everything here is the driver-side API (what mlx5/mlx4/netdevsim call into the devlink core);
 * the user commands live in LocalDevlinkApi.
 */
import { systemClock, type DevlinkClock } from './clock';
import { DevlinkError, Errno, einval } from './errors';
import { HealthReporter, type HealthReporterOps } from './health';
import { DevlinkParam, regionSnapshotEnableParam, type ParamDefinition } from './params';
import { DevlinkRegion, SnapshotIdTable, type RegionOps } from './region';
import type { DevInfo, DevlinkEvent, PortInfo } from './types';

/** What devlink_port_register and the port's attrs_set give the core: a port minus its handle. */
export type PortAttributes = Omit<PortInfo, 'handle' | 'port'>;

/** The driver's info_get: what it puts into the reply (the core adds the driver name). */
export type InfoGet = () => Omit<DevInfo, 'handle' | 'driver'>;

export interface DevlinkInstanceOptions {
  clock?: DevlinkClock;
  /** Shown in trace lines (driver_name=...). */
  driverName?: string;
  /** Initial value of the generic `region_snapshot_enable` param (both cmodes). */
  regionSnapshotEnable?: boolean;
  /** Receives the devlink trace-event lines (report, recover aborted, state update). */
  onTrace?: (line: string) => void;
}

export type DevlinkListener = (event: DevlinkEvent) => void;

export interface CaptureResult {
  snapshotId: number;
  /** Regions whose snapshot could not be taken or stored, with the reason. */
  failed: Array<{ region: string; error: unknown }>;
}

const HANDLE_PATTERN = /^[^/]+\/[^/]+$/;

export class DevlinkInstance {
  readonly snapshotIds = new SnapshotIdTable();
  readonly clock: DevlinkClock;
  readonly driverName: string;
  private readonly regionList: DevlinkRegion[] = [];
  private readonly reporterList: HealthReporter[] = [];
  private readonly paramList: DevlinkParam[] = [];
  private readonly ports = new Map<number, PortAttributes>();
  private infoGet: InfoGet | undefined;
  private readonly listeners = new Set<DevlinkListener>();
  private readonly onTrace: ((line: string) => void) | undefined;
  private lockTail: Promise<unknown> = Promise.resolve();

  constructor(readonly handle: string, options: DevlinkInstanceOptions = {}) {
    if (!HANDLE_PATTERN.test(handle)) throw einval(`devlink handle "${handle}" is not bus_name/dev_name`);
    this.clock = options.clock ?? systemClock;
    this.driverName = options.driverName ?? 'mlx5_core';
    this.onTrace = options.onTrace;
    this.paramRegister(regionSnapshotEnableParam(options.regionSnapshotEnable ?? true));
  }

  get regions(): readonly DevlinkRegion[] {
    return this.regionList;
  }

  /** Device reporters first, then port reporters by port index: the kernel's dump order. */
  get reporters(): readonly HealthReporter[] {
    const device = this.reporterList.filter((reporter) => reporter.port === undefined);
    const port = this.reporterList
      .filter((reporter) => reporter.port !== undefined)
      .sort((a, b) => (a.port ?? 0) - (b.port ?? 0));
    return [...device, ...port];
  }

  get params(): readonly DevlinkParam[] {
    return this.paramList;
  }

  /** devl_region_create: a duplicate name is EEXIST. */
  regionCreate(name: string, ops: RegionOps, maxSnapshots: number, size: number): DevlinkRegion {
    if (this.region(name)) throw new DevlinkError(Errno.EEXIST);
    const region = new DevlinkRegion(this, name, ops, maxSnapshots, size);
    this.regionList.push(region);
    this.notify({ object: 'region', command: 'new', handle: this.handle, region: name, size });
    return region;
  }

  /** devl_region_destroy: one DEL per snapshot, then the region's DEL. */
  regionDestroy(region: DevlinkRegion): void {
    for (const snapshot of [...region.snapshots]) region.deleteSnapshot(snapshot);
    this.notify({ object: 'region', command: 'del', handle: this.handle, region: region.name, size: region.size });
    this.regionList.splice(this.regionList.indexOf(region), 1);
  }

  region(name: string): DevlinkRegion | undefined {
    return this.regionList.find((region) => region.name === name);
  }

  /**
   * devl_port_register: a devlink port, so that port-scoped lookups resolve (port reporters add
   * theirs, with no attributes until the driver registers the port itself).
   */
  portAdd(index: number, attributes: PortAttributes = {}): void {
    this.ports.set(index, { ...(this.ports.get(index) ?? {}), ...attributes });
  }

  /** The ports in index order (the kernel's xarray order), as PORT_GET reports them. */
  get portInfos(): PortInfo[] {
    return [...this.ports.entries()].sort(([a], [b]) => a - b).map(([port, attributes]) => ({ handle: this.handle, port, ...attributes }));
  }

  /** devlink_ops.info_get */
  setInfoGet(infoGet: InfoGet): void {
    this.infoGet = infoGet;
  }

  /** devlink_nl_info_fill: the driver name always, then what info_get put (nothing without one). */
  info(): DevInfo {
    const reported = this.infoGet?.() ?? { versions: { fixed: [], running: [], stored: [] } };
    return { handle: this.handle, driver: this.driverName, ...reported };
  }

  hasPort(index: number): boolean {
    return this.ports.has(index);
  }

  /** devl_health_reporter_create / devl_port_health_reporter_create. */
  healthReporterCreate(ops: HealthReporterOps, port?: number): HealthReporter {
    if (this.reporterList.some((reporter) => reporter.name === ops.name && reporter.port === port)) {
      throw new DevlinkError(Errno.EEXIST);
    }
    const reporter = new HealthReporter(this, ops, port);
    if (port !== undefined) this.portAdd(port);
    this.reporterList.push(reporter);
    return reporter;
  }

  healthReporterDestroy(reporter: HealthReporter): void {
    const index = this.reporterList.indexOf(reporter);
    if (index >= 0) this.reporterList.splice(index, 1);
  }

  /** devlink_health_reporter_find_by_name (device) or the port variant. */
  reporter(name: string, port?: number): HealthReporter | undefined {
    return this.reporterList.find((reporter) => reporter.name === name && reporter.port === port);
  }

  paramRegister(definition: ParamDefinition): DevlinkParam {
    if (this.param(definition.name)) throw new DevlinkError(Errno.EEXIST);
    const param = new DevlinkParam(definition);
    this.paramList.push(param);
    return param;
  }

  param(name: string): DevlinkParam | undefined {
    return this.paramList.find((param) => param.name === name);
  }

  /** devlink_region_snapshot_id_get */
  snapshotIdGet(): number {
    return this.snapshotIds.allocate();
  }

  /** devlink_region_snapshot_id_put */
  snapshotIdPut(id: number): void {
    this.snapshotIds.decrement(id);
  }

  /**
   * The driver's crash-time capture (mlx4 crdump style): skipped (undefined) while the runtime
   * `region_snapshot_enable` is off; otherwise id_get → collect + create in each region → id_put,
   * carrying on past a region that fails.
   */
  async captureSnapshots(
    regionNames: readonly string[],
    collect: (region: DevlinkRegion) => Buffer | Promise<Buffer>,
  ): Promise<CaptureResult | undefined> {
    if (this.param('region_snapshot_enable')?.value('runtime') !== true) return undefined;
    const snapshotId = this.snapshotIdGet();
    const failed: CaptureResult['failed'] = [];
    try {
      for (const name of regionNames) {
        const region = this.region(name);
        try {
          if (!region) throw einval();
          const data = await collect(region);
          try {
            region.createSnapshot(data, snapshotId);
          } catch (error) {
            region.ops.destructor?.(data);
            throw error;
          }
        } catch (error) {
          failed.push({ region: name, error });
        }
      }
    } finally {
      this.snapshotIdPut(snapshotId);
    }
    return { snapshotId, failed };
  }

  /** Listens to this instance's notifications; returns the unsubscribe function. */
  subscribe(listener: DevlinkListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(event: DevlinkEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  trace(line: string): void {
    this.onTrace?.(line);
  }

  /** devl_lock: runs `work` after every earlier holder finished. Not reentrant. */
  withLock<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lockTail.then(() => work());
    this.lockTail = run.catch(() => undefined);
    return run;
  }
}
