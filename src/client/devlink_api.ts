/**
 * DevlinkApi over a broker connection (MLX5CTLD_DEVLINK; see src/broker/handlers/devlink.ts for
 * the wire shape). Error replies become DevlinkError with the kernel-style errno and extack, so
 * runDevlink prints exactly what it prints for the in-process API. Region reads larger than the
 * broker's window are fetched window by window; monitor() turns the broker's pushed frames into
 * an event stream.
 */
import type { DevlinkApi, DevlinkEventStream, DevlinkMethod, DevlinkMethods } from '../devlink/api';
import { DevlinkError, Errno, isDevlinkErrorBody } from '../devlink/errors';
import type { FmsgNode } from '../devlink/fmsg';
import { REGION_READ_CHUNK_SIZE } from '../devlink/region';
import type {
  DevInfo, DevlinkEvent, DeviceInfo, DeviceShowRequest, HealthSetRequest, HealthShowRequest, ParamInfo,
  ParamSetRequest, ParamShowRequest, PortInfo, PortShowRequest, RegionChunk, RegionDelRequest, RegionInfo, RegionNewReply,
  RegionNewRequest, RegionReadRequest, RegionShowRequest, ReporterInfo, ReporterRef,
} from '../devlink/types';
import { MLX5CTLD_DEVLINK, mlx5ctldMsg } from '../uapi/control';
import { encodeControl } from '../uapi/message';
import { decodeStruct } from '../uapi/struct';
import { Mlx5ctlClient } from './client';
import type { Connection } from './connection';
import { listDevices } from './devices';

interface Answer {
  reply: unknown;
  binary: Buffer;
  next?: { address: number; end: number };
}

/** Splits a control reply: struct mlx5ctld_msg, JSON, binary (replies may exceed the request JSON limit). */
function decodeReply(body: Buffer): { json: unknown; binary: Buffer } {
  if (body.length < mlx5ctldMsg.size) throw new DevlinkError(Errno.EIO);
  const jsonLen = Number(decodeStruct(mlx5ctldMsg, body.subarray(0, mlx5ctldMsg.size)).json_len);
  const end = mlx5ctldMsg.size + jsonLen;
  if (end > body.length) throw new DevlinkError(Errno.EIO);
  return { json: JSON.parse(body.subarray(mlx5ctldMsg.size, end).toString('utf8')), binary: body.subarray(end) };
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined;
}

export class RemoteDevlinkApi implements DevlinkApi {
  constructor(private readonly connection: Connection) {}

  listDevices(request: DeviceShowRequest = {}): Promise<DeviceInfo[]> {
    return this.method('listDevices', request);
  }

  devInfo(request: DeviceShowRequest = {}): Promise<DevInfo[]> {
    return this.method('devInfo', request);
  }

  portShow(request: PortShowRequest = {}): Promise<PortInfo[]> {
    return this.method('portShow', request);
  }

  regionShow(request: RegionShowRequest = {}): Promise<RegionInfo[]> {
    return this.method('regionShow', request);
  }

  regionNew(request: RegionNewRequest): Promise<RegionNewReply> {
    return this.method('regionNew', request);
  }

  async regionDel(request: RegionDelRequest): Promise<void> {
    await this.call('regionDel', request);
  }

  async regionRead(request: RegionReadRequest): Promise<RegionChunk[]> {
    const chunks: RegionChunk[] = [];
    for await (const window of this.regionReadWindows(request)) chunks.push(...window.chunks);
    return chunks;
  }

  /**
   * The read one reply window (READ_WINDOW, 1 MiB) at a time, so a caller can print the first
   * lines of a 16 MiB cr-space region before the last byte is read, and show how far it got.
   */
  async *regionReadWindows(request: RegionReadRequest): AsyncGenerator<RegionReadWindow> {
    let window: RegionReadRequest = request;
    let done = 0;
    for (;;) {
      const answer = await this.call('regionRead', window);
      const address = Number(field(answer.reply, 'address') ?? 0);
      const chunks: RegionChunk[] = [];
      for (let offset = 0; offset < answer.binary.length; offset += REGION_READ_CHUNK_SIZE) {
        const data = answer.binary.subarray(offset, Math.min(offset + REGION_READ_CHUNK_SIZE, answer.binary.length));
        chunks.push({ address: address + offset, data: data.toString('base64') });
      }
      done += answer.binary.length;
      // The broker names what is left (`next`); the last window has none, so the total is known.
      const total = answer.next ? done + (answer.next.end - answer.next.address) : done;
      yield { chunks, done, total };
      if (!answer.next) return;
      window = { ...request, address: answer.next.address, length: answer.next.end - answer.next.address };
    }
  }

  healthShow(request: HealthShowRequest = {}): Promise<ReporterInfo[]> {
    return this.method('healthShow', request);
  }

  async healthSet(request: HealthSetRequest): Promise<void> {
    await this.call('healthSet', request);
  }

  async healthRecover(request: ReporterRef): Promise<void> {
    await this.call('healthRecover', request);
  }

  healthDiagnose(request: ReporterRef): Promise<FmsgNode> {
    return this.method('healthDiagnose', request);
  }

  healthDumpShow(request: ReporterRef): Promise<FmsgNode> {
    return this.method('healthDumpShow', request);
  }

  async healthDumpClear(request: ReporterRef): Promise<void> {
    await this.call('healthDumpClear', request);
  }

  async healthTest(request: ReporterRef): Promise<void> {
    await this.call('healthTest', request);
  }

  paramShow(request: ParamShowRequest = {}): Promise<ParamInfo[]> {
    return this.method('paramShow', request);
  }

  async paramSet(request: ParamSetRequest): Promise<void> {
    await this.call('paramSet', request);
  }

  monitor(): DevlinkEventStream {
    const stream = new PushedEvents(this.connection, () => {
      if (!this.connection.isClosed) this.call('monitorStop', {}).catch(() => undefined);
    });
    this.call('monitor', {}).catch((error: unknown) => stream.fail(error));
    return stream;
  }

  /** The broker built the reply from the same DevlinkApi types, so its JSON is that method's reply. */
  private async method<M extends DevlinkMethod>(method: M, request: DevlinkMethods[M]['request']): Promise<DevlinkMethods[M]['reply']> {
    return (await this.call(method, request)).reply as DevlinkMethods[M]['reply'];
  }

  private async call(method: string, body: unknown): Promise<Answer> {
    const frame = await this.connection.request(MLX5CTLD_DEVLINK, [encodeControl({ method, body })]);
    if (frame.result < 0) throw new DevlinkError(-frame.result);
    const { json, binary } = decodeReply(frame.body);
    if (field(json, 'ok') !== true) {
      const error = field(json, 'error');
      throw isDevlinkErrorBody(error) ? DevlinkError.from(error) : new DevlinkError(Errno.EIO);
    }
    const next = field(json, 'next');
    const nextAddress = field(next, 'address');
    const nextEnd = field(next, 'end');
    return {
      reply: field(json, 'reply'),
      binary,
      ...(typeof nextAddress === 'number' && typeof nextEnd === 'number' ? { next: { address: nextAddress, end: nextEnd } } : {}),
    };
  }
}

/**
 * Events pushed by the broker (seq-0 MLX5CTLD_DEVLINK frames), buffered until pulled. A frame
 * with result -ENOBUFS says events were dropped because this subscriber fell behind: it is
 * delivered in its place in the stream as a rejected next() (DevlinkError ENOBUFS), as an overrun
 * netlink socket's next recvmsg fails with ENOBUFS, and the following next() calls go on with
 * the events sent after it. A for-await loop therefore ends with the error, as devlink monitor
 * does; a caller that wants to continue iterates again.
 */
type Pushed = { event: DevlinkEvent } | { errno: number };

class PushedEvents implements DevlinkEventStream {
  private readonly pending: Pushed[] = [];
  private readonly waiters: Array<{ resolve(result: IteratorResult<DevlinkEvent>): void; reject(error: unknown): void }> = [];
  private readonly unsubscribe: () => void;
  private closed = false;
  private failure: unknown;

  constructor(connection: Connection, private readonly onClose: () => void) {
    this.unsubscribe = connection.subscribe({
      event: (cmd, body, result) => {
        if (cmd !== MLX5CTLD_DEVLINK) return;
        if (result < 0) {
          this.push({ errno: -result });
          return;
        }
        const event = field(decodeReply(body).json, 'event');
        if (event !== undefined) this.push({ event: event as DevlinkEvent });
      },
      closed: () => this.end(),
    });
  }

  close(): void {
    if (this.closed) return;
    this.end();
    this.onClose();
  }

  /** The subscription request failed: the iteration throws it. */
  fail(error: unknown): void {
    if (this.closed) return;
    this.failure = error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    this.end();
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

  private end(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    for (const waiter of this.waiters.splice(0)) waiter.resolve({ done: true, value: undefined });
  }

  private push(item: Pushed): void {
    const waiter = this.waiters.shift();
    if (!waiter) this.pending.push(item);
    else if ('event' in item) waiter.resolve({ done: false, value: item.event });
    else waiter.reject(new DevlinkError(item.errno));
  }

  private next(): Promise<IteratorResult<DevlinkEvent>> {
    const item = this.pending.shift();
    if (item) return 'event' in item ? Promise.resolve({ done: false, value: item.event }) : Promise.reject(new DevlinkError(item.errno));
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    if (this.closed) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }
}

/** One reply's worth of a region read: its chunks, the bytes read so far and in all. */
export interface RegionReadWindow {
  chunks: RegionChunk[];
  done: number;
  total: number;
}

export interface RegionReadWindows {
  regionReadWindows(request: RegionReadRequest): AsyncIterable<RegionReadWindow>;
}

export function hasRegionReadWindows(api: object): api is RegionReadWindows {
  return typeof Reflect.get(api, 'regionReadWindows') === 'function';
}

/**
 * One DevlinkApi over several devices, as the kernel's devlink family spans every instance:
 * requests naming a handle go to that device (an unknown handle to the first, which answers
 * ENODEV like the kernel), listings without a handle concatenate the devices in order, and
 * monitor merges their notifications.
 */
export class DevlinkFanout implements DevlinkApi {
  constructor(private readonly devices: ReadonlyArray<{ handle: string; api: DevlinkApi }>) {}

  async listDevices(request: DeviceShowRequest = {}): Promise<DeviceInfo[]> {
    return request.handle === undefined ? this.all((api) => api.listDevices()) : this.route(request.handle).listDevices(request);
  }

  async devInfo(request: DeviceShowRequest = {}): Promise<DevInfo[]> {
    return request.handle === undefined ? this.all((api) => api.devInfo()) : this.route(request.handle).devInfo(request);
  }

  async portShow(request: PortShowRequest = {}): Promise<PortInfo[]> {
    return request.handle === undefined ? this.all((api) => api.portShow()) : this.route(request.handle).portShow(request);
  }

  async regionShow(request: RegionShowRequest = {}): Promise<RegionInfo[]> {
    return request.handle === undefined && request.region === undefined
      ? this.all((api) => api.regionShow())
      : this.route(request.handle).regionShow(request);
  }

  async regionNew(request: RegionNewRequest): Promise<RegionNewReply> {
    return this.route(request.handle).regionNew(request);
  }

  async regionDel(request: RegionDelRequest): Promise<void> {
    return this.route(request.handle).regionDel(request);
  }

  async regionRead(request: RegionReadRequest): Promise<RegionChunk[]> {
    return this.route(request.handle).regionRead(request);
  }

  /** The device's windowed read when it has one, else its whole read as a single window. */
  async *regionReadWindows(request: RegionReadRequest): AsyncGenerator<RegionReadWindow> {
    const api = this.route(request.handle);
    if (hasRegionReadWindows(api)) {
      yield* api.regionReadWindows(request);
      return;
    }
    const chunks = await api.regionRead(request);
    const bytes = chunks.reduce((n, c) => n + Buffer.from(c.data, 'base64').length, 0);
    yield { chunks, done: bytes, total: bytes };
  }

  async healthShow(request: HealthShowRequest = {}): Promise<ReporterInfo[]> {
    return request.handle === undefined ? this.all((api) => api.healthShow(request)) : this.route(request.handle).healthShow(request);
  }

  async healthSet(request: HealthSetRequest): Promise<void> {
    return this.route(request.handle).healthSet(request);
  }

  async healthRecover(request: ReporterRef): Promise<void> {
    return this.route(request.handle).healthRecover(request);
  }

  async healthDiagnose(request: ReporterRef): Promise<FmsgNode> {
    return this.route(request.handle).healthDiagnose(request);
  }

  async healthDumpShow(request: ReporterRef): Promise<FmsgNode> {
    return this.route(request.handle).healthDumpShow(request);
  }

  async healthDumpClear(request: ReporterRef): Promise<void> {
    return this.route(request.handle).healthDumpClear(request);
  }

  async healthTest(request: ReporterRef): Promise<void> {
    return this.route(request.handle).healthTest(request);
  }

  async paramShow(request: ParamShowRequest = {}): Promise<ParamInfo[]> {
    return request.handle === undefined && request.name === undefined
      ? this.all((api) => api.paramShow())
      : this.route(request.handle).paramShow(request);
  }

  async paramSet(request: ParamSetRequest): Promise<void> {
    return this.route(request.handle).paramSet(request);
  }

  monitor(): DevlinkEventStream {
    return new MergedEvents(this.devices.map((device) => device.api.monitor()));
  }

  /** No device at all: listings are empty and every handle is unknown, as on a kernel without devlink devices. */
  private route(handle: string | undefined): DevlinkApi {
    const device = this.devices.find((candidate) => candidate.handle === handle) ?? this.devices[0];
    if (!device) throw new DevlinkError(Errno.ENODEV);
    return device.api;
  }

  private async all<T>(list: (api: DevlinkApi) => Promise<T[]>): Promise<T[]> {
    const out: T[] = [];
    for (const device of this.devices) out.push(...(await list(device.api)));
    return out;
  }
}

/** Several event streams read as one, in arrival order. */
class MergedEvents implements DevlinkEventStream {
  private readonly iterators: Array<AsyncIterator<DevlinkEvent>>;

  constructor(private readonly streams: readonly DevlinkEventStream[]) {
    this.iterators = streams.map((stream) => stream[Symbol.asyncIterator]());
  }

  close(): void {
    for (const stream of this.streams) stream.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<DevlinkEvent> {
    const pulls = new Map<number, Promise<{ index: number; result: IteratorResult<DevlinkEvent> }>>();
    const pull = (index: number): void => {
      const iterator = this.iterators[index];
      if (iterator) pulls.set(index, iterator.next().then((result) => ({ index, result })));
    };
    this.iterators.forEach((_, index) => pull(index));
    try {
      while (pulls.size > 0) {
        const { index, result } = await Promise.race(pulls.values());
        pulls.delete(index);
        if (result.done) continue;
        pull(index);
        yield result.value;
      }
    } finally {
      this.close();
    }
  }
}

export interface DevlinkConnection {
  readonly api: DevlinkApi;
  /** How many devices the broker serves (0: no broker, or no devices in the run directory). */
  readonly devices: number;
  close(): void;
}

/** Opens every control device in `rundir` and serves devlink over all of them. */
export async function connectDevlink(rundir: string): Promise<DevlinkConnection> {
  const clients: Mlx5ctlClient[] = [];
  try {
    for (const device of listDevices(rundir)) clients.push(await Mlx5ctlClient.open(device.ctlName, { rundir }));
  } catch (error) {
    for (const client of clients) client.close();
    throw error;
  }
  return {
    api: new DevlinkFanout(clients.map((client) => ({ handle: client.device.devlink, api: new RemoteDevlinkApi(client.connection) }))),
    devices: clients.length,
    close: () => clients.forEach((client) => client.close()),
  };
}
