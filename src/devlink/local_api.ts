/**
 * LocalDevlinkApi: the user commands of the devlink netlink family, served over in-process
 * DevlinkInstances, with the kernel's lookups and errors (unknown device → ENODEV, unknown region
 * or reporter → EINVAL without extack, unless the kernel sets one).
 */
import { QueuedEventStream, type DevlinkApi, type DevlinkEventStream } from './api';
import { DevlinkError, Errno, einval } from './errors';
import type { FmsgNode } from './fmsg';
import type { HealthReporter } from './health';
import type { DevlinkInstance } from './instance';
import type { DevlinkRegion } from './region';
import type {
  DevInfo, DeviceInfo, DeviceShowRequest, HealthSetRequest, HealthShowRequest, ParamInfo,
  ParamSetRequest, ParamShowRequest, PortInfo, PortShowRequest, RegionChunk, RegionDelRequest, RegionInfo, RegionNewReply,
  RegionNewRequest, RegionReadRequest, RegionRef, RegionShowRequest, ReporterInfo, ReporterRef,
} from './types';

export class LocalDevlinkApi implements DevlinkApi {
  private readonly listInstances: () => readonly DevlinkInstance[];

  /** `instances` may be a function so devices added later are seen by later calls. */
  constructor(instances: readonly DevlinkInstance[] | (() => readonly DevlinkInstance[])) {
    this.listInstances = typeof instances === 'function' ? instances : () => instances;
  }

  async listDevices(request: DeviceShowRequest = {}): Promise<DeviceInfo[]> {
    const instances = request.handle === undefined ? this.listInstances() : [this.instance(request.handle)];
    return instances.map((instance) => ({ handle: instance.handle }));
  }

  async devInfo(request: DeviceShowRequest = {}): Promise<DevInfo[]> {
    const instances = request.handle === undefined ? this.listInstances() : [this.instance(request.handle)];
    return instances.map((instance) => instance.info());
  }

  async portShow(request: PortShowRequest = {}): Promise<PortInfo[]> {
    const instances = request.handle === undefined ? this.listInstances() : [this.instance(request.handle)];
    const ports = instances.flatMap((instance) => instance.portInfos);
    if (request.port === undefined) return ports;
    const port = ports.find((candidate) => candidate.port === request.port);
    if (!port) throw new DevlinkError(Errno.ENODEV);
    return [port];
  }

  async regionShow(request: RegionShowRequest = {}): Promise<RegionInfo[]> {
    if (request.handle === undefined) {
      if (request.region !== undefined) throw einval('No region name provided');
      return this.listInstances().flatMap((instance) => instance.regions.map((region) => region.info()));
    }
    const instance = this.instance(request.handle);
    if (request.region === undefined) return instance.regions.map((region) => region.info());
    const region = instance.region(request.region);
    if (!region) throw einval();
    return [region.info()];
  }

  async regionNew(request: RegionNewRequest): Promise<RegionNewReply> {
    const instance = this.instance(request.handle);
    const region = instance.region(request.region);
    if (!region) throw einval('The requested region does not exist');
    const snapshotId = await instance.withLock(() => region.newSnapshot(request.snapshotId));
    const reply: RegionNewReply = { handle: request.handle, region: request.region };
    if (request.snapshotId === undefined) reply.snapshotId = snapshotId;
    return reply;
  }

  async regionDel(request: RegionDelRequest): Promise<void> {
    const region = this.regionOrEinval(request);
    const snapshot = region.snapshotById(request.snapshotId);
    if (!snapshot) throw einval();
    region.deleteSnapshot(snapshot);
  }

  async regionRead(request: RegionReadRequest): Promise<RegionChunk[]> {
    const instance = this.instance(request.handle);
    const region = instance.region(request.region);
    if (!region) throw einval('Requested region does not exist');
    return instance.withLock(() => region.read(request));
  }

  /** regionRead's bytes back to back (DevlinkRegion.readBytes), for the broker's binary reply. */
  async regionReadBytes(request: RegionReadRequest): Promise<{ address: number; data: Buffer }> {
    const instance = this.instance(request.handle);
    const region = instance.region(request.region);
    if (!region) throw einval('Requested region does not exist');
    return instance.withLock(() => region.readBytes(request));
  }

  async healthShow(request: HealthShowRequest = {}): Promise<ReporterInfo[]> {
    if (request.handle === undefined) {
      return this.listInstances().flatMap((instance) => instance.reporters.map((reporter) => reporter.info()));
    }
    const instance = this.instance(request.handle);
    if (request.reporter !== undefined) {
      return [this.findReporter(instance, request.reporter, request.port).info()];
    }
    return instance.reporters
      .filter((reporter) => request.port === undefined || reporter.port === request.port)
      .map((reporter) => reporter.info());
  }

  async healthSet(request: HealthSetRequest): Promise<void> {
    const { instance, reporter } = this.reporterFor(request);
    await instance.withLock(async () => reporter.set(request));
  }

  async healthRecover(request: ReporterRef): Promise<void> {
    const { instance, reporter } = this.reporterFor(request);
    await instance.withLock(() => reporter.recover(undefined));
  }

  async healthDiagnose(request: ReporterRef): Promise<FmsgNode> {
    const { instance, reporter } = this.reporterFor(request);
    return instance.withLock(() => reporter.diagnose());
  }

  async healthDumpShow(request: ReporterRef): Promise<FmsgNode> {
    const { instance, reporter } = this.reporterFor(request);
    return instance.withLock(() => reporter.dumpGet());
  }

  async healthDumpClear(request: ReporterRef): Promise<void> {
    const { instance, reporter } = this.reporterFor(request);
    await instance.withLock(async () => reporter.dumpClear());
  }

  async healthTest(request: ReporterRef): Promise<void> {
    const { instance, reporter } = this.reporterFor(request);
    await instance.withLock(() => reporter.test());
  }

  async paramShow(request: ParamShowRequest = {}): Promise<ParamInfo[]> {
    if (request.handle === undefined) {
      return this.listInstances().flatMap((instance) => instance.params.map((param) => param.info(instance.handle)));
    }
    const instance = this.instance(request.handle);
    if (request.name === undefined) return instance.params.map((param) => param.info(instance.handle));
    const param = instance.param(request.name);
    if (!param) throw einval();
    return [param.info(instance.handle)];
  }

  async paramSet(request: ParamSetRequest): Promise<void> {
    const instance = this.instance(request.handle);
    const param = instance.param(request.name);
    if (!param) throw einval();
    const value = request.value;
    // The simulator's params keep no driver default to go back to.
    if (request.resetDefault === true || value === undefined) throw new DevlinkError(Errno.EOPNOTSUPP, 'Parameter does not support resetting to a default');
    await instance.withLock(async () => param.set(request.cmode, value));
    instance.notify({ object: 'param', command: 'new', param: param.info(instance.handle) });
  }

  monitor(): DevlinkEventStream {
    return instancesEventStream(this.listInstances());
  }

  private instance(handle: string): DevlinkInstance {
    const instance = this.listInstances().find((candidate) => candidate.handle === handle);
    if (!instance) throw new DevlinkError(Errno.ENODEV);
    return instance;
  }

  private regionOrEinval(ref: RegionRef): DevlinkRegion {
    const region = this.instance(ref.handle).region(ref.region);
    if (!region) throw einval();
    return region;
  }

  private reporterFor(ref: ReporterRef): { instance: DevlinkInstance; reporter: HealthReporter } {
    const instance = this.instance(ref.handle);
    return { instance, reporter: this.findReporter(instance, ref.reporter, ref.port) };
  }

  /**
   * devlink_health_reporter_get_from_attrs: a port index that names no port falls back to the
   * device reporters, as the kernel does.
   */
  private findReporter(instance: DevlinkInstance, name: string, port: number | undefined): HealthReporter {
    const scoped = port !== undefined && instance.hasPort(port) ? port : undefined;
    const reporter = instance.reporter(name, scoped);
    if (!reporter) throw einval();
    return reporter;
  }
}

/** Events from every instance, buffered until the consumer pulls them. */
function instancesEventStream(instances: readonly DevlinkInstance[]): DevlinkEventStream {
  const stream = new QueuedEventStream();
  const unsubscribers = instances.map((instance) => instance.subscribe((event) => stream.push(event)));
  stream.onClose = () => unsubscribers.forEach((unsubscribe) => unsubscribe());
  return stream;
}
