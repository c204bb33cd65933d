/**
 * A DevlinkApi that answers for one devlink handle of a wider one (the kernel's family spans every
 * instance; a broker device fronts one): a request naming another handle is ENODEV, as the kernel
 * answers for a device it does not have, and a listing without a handle lists this handle only.
 * Requests whose other selectors make them invalid without a handle go through unchanged, so the
 * wider API gives its own error.
 */
import type { DevlinkApi, DevlinkEventStream } from './api';
import { DevlinkError, Errno } from './errors';
import type { FmsgNode } from './fmsg';
import type {
  DevInfo, DevlinkEvent, DevlinkHandle, DeviceInfo, DeviceShowRequest, HealthSetRequest, HealthShowRequest, ParamInfo,
  ParamSetRequest, ParamShowRequest, PortInfo, PortShowRequest, RegionChunk, RegionDelRequest, RegionInfo, RegionNewReply,
  RegionNewRequest, RegionReadRequest, RegionShowRequest, ReporterInfo, ReporterRef,
} from './types';

/** The device an event is about. */
export function eventHandle(event: DevlinkEvent): DevlinkHandle {
  switch (event.object) {
    case 'region':
      return event.handle;
    case 'health':
      return event.reporter.handle;
    case 'param':
      return event.param.handle;
    case 'port':
      return event.port.handle;
  }
}

export class ScopedDevlinkApi implements DevlinkApi {
  constructor(private readonly inner: DevlinkApi, readonly handle: DevlinkHandle) {}

  async listDevices(request: DeviceShowRequest = {}): Promise<DeviceInfo[]> {
    return this.inner.listDevices(this.scoped(request));
  }

  async devInfo(request: DeviceShowRequest = {}): Promise<DevInfo[]> {
    return this.inner.devInfo(this.scoped(request));
  }

  async portShow(request: PortShowRequest = {}): Promise<PortInfo[]> {
    return this.inner.portShow(request.port === undefined ? this.scoped(request) : this.own(request));
  }

  async regionShow(request: RegionShowRequest = {}): Promise<RegionInfo[]> {
    return this.inner.regionShow(request.region === undefined ? this.scoped(request) : this.own(request));
  }

  async regionNew(request: RegionNewRequest): Promise<RegionNewReply> {
    return this.inner.regionNew(this.own(request));
  }

  async regionDel(request: RegionDelRequest): Promise<void> {
    return this.inner.regionDel(this.own(request));
  }

  async regionRead(request: RegionReadRequest): Promise<RegionChunk[]> {
    return this.inner.regionRead(this.own(request));
  }

  async healthShow(request: HealthShowRequest = {}): Promise<ReporterInfo[]> {
    return this.inner.healthShow(request.reporter === undefined && request.port === undefined ? this.scoped(request) : this.own(request));
  }

  async healthSet(request: HealthSetRequest): Promise<void> {
    return this.inner.healthSet(this.own(request));
  }

  async healthRecover(request: ReporterRef): Promise<void> {
    return this.inner.healthRecover(this.own(request));
  }

  async healthDiagnose(request: ReporterRef): Promise<FmsgNode> {
    return this.inner.healthDiagnose(this.own(request));
  }

  async healthDumpShow(request: ReporterRef): Promise<FmsgNode> {
    return this.inner.healthDumpShow(this.own(request));
  }

  async healthDumpClear(request: ReporterRef): Promise<void> {
    return this.inner.healthDumpClear(this.own(request));
  }

  async healthTest(request: ReporterRef): Promise<void> {
    return this.inner.healthTest(this.own(request));
  }

  async paramShow(request: ParamShowRequest = {}): Promise<ParamInfo[]> {
    return this.inner.paramShow(request.name === undefined ? this.scoped(request) : this.own(request));
  }

  async paramSet(request: ParamSetRequest): Promise<void> {
    return this.inner.paramSet(this.own(request));
  }

  /** Only this handle's notifications. */
  monitor(): DevlinkEventStream {
    const stream = this.inner.monitor();
    const handle = this.handle;
    return {
      close: () => stream.close(),
      async *[Symbol.asyncIterator]() {
        for await (const event of stream) if (eventHandle(event) === handle) yield event;
      },
    };
  }

  /** A listing: without a handle it becomes a listing of this handle. */
  private scoped<T extends { handle?: DevlinkHandle }>(request: T): T {
    return request.handle === undefined ? { ...request, handle: this.handle } : this.own(request);
  }

  /** A request that names a device must name this one; one without a handle is the wider API's to refuse. */
  private own<T extends { handle?: DevlinkHandle }>(request: T): T {
    if (request.handle !== undefined && request.handle !== this.handle) throw new DevlinkError(Errno.ENODEV);
    return request;
  }
}
