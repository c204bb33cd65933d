/**
 * KernelDevlinkApi: the DevlinkApi over the kernel's devlink generic netlink family, so the
 * broker handler and the CLI printers serve a real device exactly as they serve the simulator.
 *
 * - Requests are what iproute2 sends (see ./requests); replies decode into ../types (./decode,
 *   ./fmsg_decode). The kernel's errno and extack become DevlinkError, which the CLI prints as
 *   iproute2 does (`Error: <extack>.` / `kernel answers: <strerror>`). A reply that is not
 *   well-formed netlink is EBADMSG naming what was wrong.
 * - Selector dumps (`region show DEV`, `health show DEV`) are also filtered here, so a kernel
 *   without dump selectors (it ignores the handle) gives the same answer.
 * - Region reads are paged: each REGION_READ dump covers at most READ_PAGE bytes (a multiple of
 *   the kernel's 256-byte chunk, so the chunk grid is the one a single dump would give) and the
 *   next page starts where the kernel stopped, until the range or the region ends. No page is
 *   larger than the socket's reply bound, however large the region.
 * - monitor() joins the "config" group on a socket of its own, so a flood of notifications can
 *   overrun only that socket. A stream whose consumer falls MONITOR_QUEUE_MAX events behind, or
 *   whose socket overran, ends (as `devlink monitor` exits when its socket overruns).
 */
import { NetlinkError, NetlinkParseError } from '../../netlink/errors';
import { GenlClient, resolveFamily, type GenlFamily } from '../../netlink/family';
import type { GenlMessage } from '../../netlink/genl';
import { NetlinkSocket, type NetlinkSocketOptions, type RequestOptions } from '../../netlink/socket';
import { NativeNetlinkTransport } from '../../netlink/transport';
import { AttrWriter, readNested } from '../../netlink/attributes';
import { QueuedEventStream, type DevlinkApi, type DevlinkEventStream } from '../api';
import { DevlinkError, Errno } from '../errors';
import type { FmsgNode } from '../fmsg';
import { paramValueMatchesType } from '../params';
import type {
  DevInfo, DevlinkEvent, DeviceInfo, DeviceShowRequest, HealthSetRequest, HealthShowRequest, ParamInfo, ParamSetRequest,
  ParamShowRequest, PortInfo, PortShowRequest, RegionChunk, RegionDelRequest, RegionInfo, RegionNewReply, RegionNewRequest, RegionReadRequest,
  RegionShowRequest, ReporterInfo, ReporterRef,
} from '../types';
import { decodeChunks, decodeDevice, decodeDevInfo, decodeEvent, decodePort, decodeParam, decodeRegion, decodeReporter } from './decode';
import { FmsgDecoder } from './fmsg_decode';
import { DEVLINK_GENL_MCGRP_CONFIG_NAME, DEVLINK_GENL_NAME, DEVLINK_GENL_VERSION, DevlinkAttr, DevlinkCmd } from './numbers';
import { handleAttrs, healthSetAttrs, paramGetAttrs, paramResetDefaultAttrs, paramSetAttrs, portAttrs, regionAttrs, regionReadAttrs, reporterAttrs } from './requests';

/** Bytes per REGION_READ dump: 4096 chunks of 256 bytes. */
export const READ_PAGE = 1024 * 1024;
export const MONITOR_QUEUE_MAX = 1024;

/** The kernel's error as devlink reports it; a malformed reply is EBADMSG. */
export function toDevlinkError(error: unknown): unknown {
  if (error instanceof NetlinkError) return new DevlinkError(error.errno, error.extack.message);
  if (error instanceof NetlinkParseError) return new DevlinkError(Errno.EBADMSG, `Malformed kernel reply: ${error.message}`);
  return error;
}

export interface KernelDevlinkOptions {
  /** Requests go here. */
  client: GenlClient;
  /** A client on a fresh socket for each monitor() (default: the request client's socket). */
  openMonitorClient?: () => GenlClient;
  /** Reply timeout for each request. */
  timeoutMs?: number;
}

export class KernelDevlinkApi implements DevlinkApi {
  private readonly client: GenlClient;
  private readonly openMonitorClient: () => GenlClient;

  constructor(private readonly options: KernelDevlinkOptions) {
    this.client = options.client;
    this.openMonitorClient = options.openMonitorClient ?? (() => options.client);
  }

  /**
   * Opens a netlink socket and resolves the devlink family. Rejects with DevlinkError(ENOENT)
   * when the kernel has no devlink (module not loaded, or built without it).
   */
  static async open(socketOptions: NetlinkSocketOptions = {}): Promise<KernelDevlinkApi> {
    const socket = new NetlinkSocket(new NativeNetlinkTransport(), socketOptions);
    let family: GenlFamily;
    try {
      family = await resolveFamily(socket, DEVLINK_GENL_NAME);
    } catch (error) {
      socket.close();
      throw toDevlinkError(error);
    }
    return new KernelDevlinkApi({
      client: new GenlClient(socket, family, DEVLINK_GENL_VERSION),
      openMonitorClient: () => new GenlClient(new NetlinkSocket(new NativeNetlinkTransport(), socketOptions), family, DEVLINK_GENL_VERSION),
    });
  }

  /** Closes the request socket (monitor streams close their own). */
  close(): void {
    this.client.socket.close();
  }

  async listDevices(request: DeviceShowRequest = {}): Promise<DeviceInfo[]> {
    const messages = request.handle === undefined
      ? await this.call(DevlinkCmd.GET, handleless(), { dump: true })
      : await this.call(DevlinkCmd.GET, handleAttrs(request.handle));
    return messages.map((message) => this.decode(() => decodeDevice(message.attrs)));
  }

  async devInfo(request: DeviceShowRequest = {}): Promise<DevInfo[]> {
    const messages = request.handle === undefined
      ? await this.call(DevlinkCmd.INFO_GET, handleless(), { dump: true })
      : await this.call(DevlinkCmd.INFO_GET, handleAttrs(request.handle));
    return messages.map((message) => this.decode(() => decodeDevInfo(message.attrs)));
  }

  async portShow(request: PortShowRequest = {}): Promise<PortInfo[]> {
    let messages: GenlMessage[];
    if (request.handle === undefined) messages = await this.call(DevlinkCmd.PORT_GET, handleless(), { dump: true });
    else if (request.port !== undefined) messages = await this.call(DevlinkCmd.PORT_GET, portAttrs(request.handle, request.port));
    else messages = await this.call(DevlinkCmd.PORT_GET, handleAttrs(request.handle), { dump: true });
    const ports = messages.map((message) => this.decode(() => decodePort(message.attrs)));
    return request.handle === undefined ? ports : ports.filter((port) => port.handle === request.handle);
  }

  async regionShow(request: RegionShowRequest = {}): Promise<RegionInfo[]> {
    if (request.handle === undefined) {
      if (request.region !== undefined) throw new DevlinkError(Errno.EINVAL, 'No region name provided');
      return (await this.call(DevlinkCmd.REGION_GET, handleless(), { dump: true })).map((m) => this.decode(() => decodeRegion(m.attrs)));
    }
    if (request.region !== undefined) {
      return (await this.call(DevlinkCmd.REGION_GET, regionAttrs(request.handle, request.region))).map((m) => this.decode(() => decodeRegion(m.attrs)));
    }
    const regions = (await this.call(DevlinkCmd.REGION_GET, handleAttrs(request.handle), { dump: true })).map((m) => this.decode(() => decodeRegion(m.attrs)));
    return regions.filter((region) => region.handle === request.handle);
  }

  async regionNew(request: RegionNewRequest): Promise<RegionNewReply> {
    const messages = await this.call(DevlinkCmd.REGION_NEW, regionAttrs(request.handle, request.region, request.snapshotId));
    const reply: RegionNewReply = { handle: request.handle, region: request.region };
    // Only a kernel-allocated id is answered with a message carrying it.
    const snapshotId = this.decode(() => messages[0]?.attrs.u32(DevlinkAttr.REGION_SNAPSHOT_ID));
    if (snapshotId !== undefined) reply.snapshotId = snapshotId;
    return reply;
  }

  async regionDel(request: RegionDelRequest): Promise<void> {
    await this.call(DevlinkCmd.REGION_DEL, regionAttrs(request.handle, request.region, request.snapshotId));
  }

  async regionRead(request: RegionReadRequest): Promise<RegionChunk[]> {
    const ranged = request.address !== undefined && request.length !== undefined;
    let address = ranged ? request.address ?? 0 : 0;
    const end = ranged ? address + (request.length ?? 0) : Number.POSITIVE_INFINITY;
    const chunks: RegionChunk[] = [];
    // At least one request, so a zero-length read still gets the kernel's checks.
    for (;;) {
      const length = Math.min(READ_PAGE, end - address);
      const page = (await this.call(DevlinkCmd.REGION_READ, regionReadAttrs(request, address, length), { dump: true }))
        .flatMap((m) => this.decode(() => decodeChunks(m.attrs)));
      let read = 0;
      for (const chunk of page) {
        if (chunk.address !== address + read) {
          throw new DevlinkError(Errno.EBADMSG, `Malformed kernel reply: region chunk at ${chunk.address}, expected ${address + read}`);
        }
        read += Buffer.byteLength(chunk.data, 'base64');
        chunks.push(chunk);
      }
      if (read > length) throw new DevlinkError(Errno.EBADMSG, `Malformed kernel reply: ${read} bytes for a ${length}-byte read`);
      // A short page is the end of the region.
      if (read < length || address + read >= end) return chunks;
      address += read;
    }
  }

  async healthShow(request: HealthShowRequest = {}): Promise<ReporterInfo[]> {
    if (request.handle === undefined) {
      return (await this.call(DevlinkCmd.HEALTH_REPORTER_GET, handleless(), { dump: true })).map((m) => this.decode(() => decodeReporter(m.attrs)));
    }
    if (request.reporter !== undefined) {
      const ref = { handle: request.handle, reporter: request.reporter, ...(request.port !== undefined ? { port: request.port } : {}) };
      return (await this.call(DevlinkCmd.HEALTH_REPORTER_GET, reporterAttrs(ref))).map((m) => this.decode(() => decodeReporter(m.attrs)));
    }
    const ref = { handle: request.handle, ...(request.port !== undefined ? { port: request.port } : {}) };
    const reporters = (await this.call(DevlinkCmd.HEALTH_REPORTER_GET, reporterAttrs(ref), { dump: true })).map((m) => this.decode(() => decodeReporter(m.attrs)));
    return reporters.filter((r) => r.handle === request.handle && (request.port === undefined || r.port === request.port));
  }

  async healthSet(request: HealthSetRequest): Promise<void> {
    await this.call(DevlinkCmd.HEALTH_REPORTER_SET, healthSetAttrs(request));
  }

  async healthRecover(request: ReporterRef): Promise<void> {
    await this.call(DevlinkCmd.HEALTH_REPORTER_RECOVER, reporterAttrs(request));
  }

  /** A multipart doit: FMSG parts, NLMSG_DONE, then the ACK. */
  async healthDiagnose(request: ReporterRef): Promise<FmsgNode> {
    return this.fmsg(await this.call(DevlinkCmd.HEALTH_REPORTER_DIAGNOSE, reporterAttrs(request)));
  }

  async healthDumpShow(request: ReporterRef): Promise<FmsgNode> {
    return this.fmsg(await this.call(DevlinkCmd.HEALTH_REPORTER_DUMP_GET, reporterAttrs(request), { dump: true }));
  }

  async healthDumpClear(request: ReporterRef): Promise<void> {
    await this.call(DevlinkCmd.HEALTH_REPORTER_DUMP_CLEAR, reporterAttrs(request));
  }

  async healthTest(request: ReporterRef): Promise<void> {
    await this.call(DevlinkCmd.HEALTH_REPORTER_TEST, reporterAttrs(request));
  }

  async paramShow(request: ParamShowRequest = {}): Promise<ParamInfo[]> {
    let messages: GenlMessage[];
    if (request.handle === undefined) messages = await this.call(DevlinkCmd.PARAM_GET, handleless(), { dump: true });
    else if (request.name !== undefined) messages = await this.call(DevlinkCmd.PARAM_GET, paramGetAttrs(request.handle, request.name));
    else messages = await this.call(DevlinkCmd.PARAM_GET, handleAttrs(request.handle), { dump: true });
    const params = messages.flatMap((m) => this.decode(() => decodeParam(m.attrs)) ?? []);
    return request.handle === undefined ? params : params.filter((p) => p.handle === request.handle);
  }

  /** Like iproute2: read the param for its type, then PARAM_SET with that type. */
  async paramSet(request: ParamSetRequest): Promise<void> {
    const [current] = await this.paramShow({ handle: request.handle, name: request.name });
    if (!current) throw new DevlinkError(Errno.EOPNOTSUPP, 'Parameter value type is not supported');
    if (request.resetDefault === true) {
      if (request.value !== undefined) throw new DevlinkError(Errno.EINVAL, 'Cannot specify both value and default');
      await this.call(DevlinkCmd.PARAM_SET, paramResetDefaultAttrs(request.handle, request.name, current.type, request.cmode));
      return;
    }
    if (request.value === undefined || !paramValueMatchesType(current.type, request.value)) {
      throw new DevlinkError(Errno.EINVAL, `Value does not match the parameter's type ${current.type}`);
    }
    await this.call(DevlinkCmd.PARAM_SET, paramSetAttrs(request.handle, request.name, current.type, request.cmode, request.value));
  }

  monitor(): DevlinkEventStream {
    const client = this.openMonitorClient();
    const ownSocket = client !== this.client;
    return kernelEventStream(client, ownSocket);
  }

  private async call(cmd: number, attrs: AttrWriter, options: RequestOptions = {}): Promise<GenlMessage[]> {
    try {
      return await this.client.request(cmd, attrs, { ...(this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {}), ...options });
    } catch (error) {
      throw toDevlinkError(error);
    }
  }

  private decode<T>(decode: () => T): T {
    try {
      return decode();
    } catch (error) {
      throw toDevlinkError(error);
    }
  }

  private fmsg(messages: GenlMessage[]): FmsgNode {
    return this.decode(() => {
      const decoder = new FmsgDecoder();
      for (const message of messages) {
        for (const nest of message.attrs.all(DevlinkAttr.FMSG)) decoder.push(readNested(nest).list);
      }
      return decoder.finish();
    });
  }
}

/** A request with no selector: every object of every device. */
function handleless(): AttrWriter {
  return new AttrWriter();
}

/** Notifications of the "config" group, decoded, queued until the consumer pulls them. */
function kernelEventStream(client: GenlClient, ownsSocket: boolean): DevlinkEventStream {
  const stream = new QueuedEventStream();
  const onMessage = (message: GenlMessage): void => {
    if (stream.isClosed) return;
    // A notification that does not decode is dropped, not the stream (the socket logs drops).
    let event: DevlinkEvent | undefined;
    try {
      event = decodeEvent(message);
    } catch (error) {
      if (error instanceof NetlinkParseError) return;
      throw error;
    }
    if (!event) return;
    if (stream.backlog >= MONITOR_QUEUE_MAX) return stream.close();
    stream.push(event);
  };
  try {
    const unsubscribe = client.subscribe(DEVLINK_GENL_MCGRP_CONFIG_NAME, onMessage, () => stream.close());
    stream.onClose = () => {
      unsubscribe();
      if (ownsSocket) client.socket.close();
    };
  } catch (error) {
    if (ownsSocket) client.socket.close();
    throw toDevlinkError(error);
  }
  return stream;
}
