/**
 * The devlink API as plain JSON-able requests and replies: what `devlink` (the CLI layer) calls,
 * what LocalDevlinkApi serves in-process, and what the broker carries over its socket (request
 * bodies validated by the ajv schemas in ./schemas). Errors are DevlinkError, serialized as
 * `{ errno, extack? }`. See ./types for the data conventions (base64 bytes, u64 as numbers).
 */
import type { FmsgNode } from './fmsg';
import type {
  DevInfo, DevlinkEvent, DeviceInfo, DeviceShowRequest, HealthSetRequest, HealthShowRequest, ParamInfo,
  ParamSetRequest, ParamShowRequest, PortInfo, PortShowRequest, RegionChunk, RegionDelRequest, RegionInfo, RegionNewReply,
  RegionNewRequest, RegionReadRequest, RegionShowRequest, ReporterInfo, ReporterRef,
} from './types';

/** A live notification feed; `close()` ends the iteration. */
export interface DevlinkEventStream extends AsyncIterable<DevlinkEvent> {
  close(): void;
}

/**
 * The event buffer every DevlinkEventStream source shares (the in-process instances, the kernel's
 * config group): events pushed by the source wait until pulled; close() runs `onClose` once
 * (unsubscribe, close a socket) and ends every pending and later pull.
 */
export class QueuedEventStream implements DevlinkEventStream {
  private readonly pending: DevlinkEvent[] = [];
  private readonly waiters: Array<(result: IteratorResult<DevlinkEvent>) => void> = [];
  private closed = false;
  onClose: () => void = () => undefined;

  /** Events pushed and not yet pulled. */
  get backlog(): number {
    return this.pending.length;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  push(event: DevlinkEvent): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter({ done: false, value: event });
    else this.pending.push(event);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    for (const waiter of this.waiters.splice(0)) waiter({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): AsyncIterator<DevlinkEvent> {
    return {
      next: () => this.next(),
      return: async () => {
        this.close();
        return { done: true, value: undefined };
      },
    };
  }

  private next(): Promise<IteratorResult<DevlinkEvent>> {
    const event = this.pending.shift();
    if (event) return Promise.resolve({ done: false, value: event });
    if (this.closed) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

export interface DevlinkApi {
  /** DEVLINK_CMD_GET: all devices, or one (unknown → ENODEV). */
  listDevices(request?: DeviceShowRequest): Promise<DeviceInfo[]>;
  /** DEVLINK_CMD_INFO_GET: all devices (those whose driver reports nothing are left out), or one. */
  devInfo(request?: DeviceShowRequest): Promise<DevInfo[]>;
  /** DEVLINK_CMD_PORT_GET: all ports, or one (unknown port → ENODEV). */
  portShow(request?: PortShowRequest): Promise<PortInfo[]>;
  regionShow(request?: RegionShowRequest): Promise<RegionInfo[]>;
  regionNew(request: RegionNewRequest): Promise<RegionNewReply>;
  regionDel(request: RegionDelRequest): Promise<void>;
  /** REGION_READ: the chunks (≤256 bytes each) in address order. */
  regionRead(request: RegionReadRequest): Promise<RegionChunk[]>;
  healthShow(request?: HealthShowRequest): Promise<ReporterInfo[]>;
  healthSet(request: HealthSetRequest): Promise<void>;
  healthRecover(request: ReporterRef): Promise<void>;
  /** The reporter's fmsg wrapped in the outer object. */
  healthDiagnose(request: ReporterRef): Promise<FmsgNode>;
  /** The stored dump, unchanged; taken now (without a context) when none is stored. */
  healthDumpShow(request: ReporterRef): Promise<FmsgNode>;
  healthDumpClear(request: ReporterRef): Promise<void>;
  healthTest(request: ReporterRef): Promise<void>;
  paramShow(request?: ParamShowRequest): Promise<ParamInfo[]>;
  paramSet(request: ParamSetRequest): Promise<void>;
  /** Subscribes to the "config" multicast group of every device. */
  monitor(): DevlinkEventStream;
}

/** Each request/reply method with its request and reply types (monitor is a stream, not here). */
export interface DevlinkMethods {
  listDevices: { request: DeviceShowRequest; reply: DeviceInfo[] };
  devInfo: { request: DeviceShowRequest; reply: DevInfo[] };
  portShow: { request: PortShowRequest; reply: PortInfo[] };
  regionShow: { request: RegionShowRequest; reply: RegionInfo[] };
  regionNew: { request: RegionNewRequest; reply: RegionNewReply };
  regionDel: { request: RegionDelRequest; reply: void };
  regionRead: { request: RegionReadRequest; reply: RegionChunk[] };
  healthShow: { request: HealthShowRequest; reply: ReporterInfo[] };
  healthSet: { request: HealthSetRequest; reply: void };
  healthRecover: { request: ReporterRef; reply: void };
  healthDiagnose: { request: ReporterRef; reply: FmsgNode };
  healthDumpShow: { request: ReporterRef; reply: FmsgNode };
  healthDumpClear: { request: ReporterRef; reply: void };
  healthTest: { request: ReporterRef; reply: void };
  paramShow: { request: ParamShowRequest; reply: ParamInfo[] };
  paramSet: { request: ParamSetRequest; reply: void };
}

export type DevlinkMethod = keyof DevlinkMethods;

export const DEVLINK_METHODS: readonly DevlinkMethod[] = [
  'listDevices', 'devInfo', 'portShow', 'regionShow', 'regionNew', 'regionDel', 'regionRead',
  'healthShow', 'healthSet', 'healthRecover', 'healthDiagnose', 'healthDumpShow',
  'healthDumpClear', 'healthTest', 'paramShow', 'paramSet',
];
