/**
 * The JSON-able data that crosses the devlink API (and, later, the broker socket).
 *
 * Conventions:
 * - u64 quantities (sizes, addresses, counters, periods) are JSON numbers; values above 2^53 lose
 *   precision, which only matters for "unlimited" (UINT64_MAX) and is handled by the printers.
 * - Bytes (region chunks, fmsg binary values) are base64 strings.
 * - A wall-clock nanosecond timestamp is a decimal string (it does not fit a double).
 * - Errors are `{ errno, extack? }` (DevlinkErrorBody), errno positive and Linux-numbered.
 */

export type { FmsgNode, FmsgScalar } from './fmsg';

/** `bus/dev`, e.g. `pci/0000:08:00.0`. */
export type DevlinkHandle = string;

export interface DeviceInfo {
  handle: DevlinkHandle;
  /** DEVLINK_ATTR_INDEX: kernels since 7.x number their devlink instances. */
  index?: number;
}

export interface DeviceShowRequest {
  handle?: DevlinkHandle;
}

/** One DEVLINK_ATTR_INFO_VERSION_{FIXED,RUNNING,STORED} entry. */
export interface InfoVersion {
  name: string;
  value: string;
}

/** DEVLINK_CMD_INFO_GET: what the driver's info_get put, each part only when it put it. */
export interface DevInfo {
  handle: DevlinkHandle;
  driver?: string;
  serialNumber?: string;
  boardSerialNumber?: string;
  /** Each list in the driver's put order. */
  versions: { fixed: InfoVersion[]; running: InfoVersion[]; stored: InfoVersion[] };
}

/** The names iproute2 prints for enum devlink_port_type (others print `<unknown type>`). */
export type PortType = 'notset' | 'auto' | 'eth' | 'ib' | '<unknown type>';
/** The names iproute2 prints for enum devlink_port_flavour. */
export type PortFlavour = 'physical' | 'cpu' | 'dsa' | 'pcipf' | 'pcivf' | 'pcisf' | 'virtual' | '<unknown flavour>';

/** DEVLINK_CMD_PORT_GET: a devlink port's attributes, each only when the kernel sends it. */
export interface PortInfo {
  handle: DevlinkHandle;
  port: number;
  type?: PortType;
  desiredType?: PortType;
  netdev?: string;
  ibdev?: string;
  flavour?: PortFlavour;
  /** PCI PF/VF/SF ports only. */
  controller?: number;
  pfnum?: number;
  vfnum?: number;
  sfnum?: number;
  external?: boolean;
  /** The physical port number (DEVLINK_ATTR_PORT_NUMBER). */
  number?: number;
  splitGroup?: number;
  splittable?: boolean;
  lanes?: number;
}

export interface PortShowRequest {
  /** Without a handle: every port of every device (a dump). */
  handle?: DevlinkHandle;
  /** Needs `handle`; selects one port (a doit: unknown → ENODEV). */
  port?: number;
}

export interface RegionInfo {
  handle: DevlinkHandle;
  region: string;
  size: number;
  maxSnapshots: number;
  /** Snapshot ids in creation order (the kernel's list order). */
  snapshots: number[];
}

export interface RegionShowRequest {
  /** Without a handle: every region of every device (a dump). */
  handle?: DevlinkHandle;
  /** Needs `handle`; selects one region (a doit: unknown → EINVAL). */
  region?: string;
}

export interface RegionRef {
  handle: DevlinkHandle;
  region: string;
}

export interface RegionNewRequest extends RegionRef {
  /** A user-chosen id; without it the kernel allocates the lowest free id. */
  snapshotId?: number;
}

export interface RegionNewReply extends RegionRef {
  /** Present only for a kernel-allocated id: the kernel replies only in that case. */
  snapshotId?: number;
}

export interface RegionDelRequest extends RegionRef {
  snapshotId: number;
}

export interface RegionReadRequest extends RegionRef {
  snapshotId?: number;
  /** DEVLINK_ATTR_REGION_DIRECT: a live read through the region's `read` op. */
  direct?: boolean;
  /** The range applies only when both address and length are given. */
  address?: number;
  length?: number;
}

/** One DEVLINK_ATTR_REGION_CHUNK: at most 256 bytes. */
export interface RegionChunk {
  address: number;
  /** base64 */
  data: string;
}

export type HealthState = 'healthy' | 'error';

export interface ReporterRef {
  handle: DevlinkHandle;
  /** A port reporter's port index (`pci/0000:08:00.0/65535`). */
  port?: number;
  reporter: string;
}

export interface ReporterInfo {
  handle: DevlinkHandle;
  port?: number;
  reporter: string;
  state: HealthState;
  error: number;
  recover: number;
  /** Milliseconds on the monotonic clock when the stored dump was taken (DUMP_TS). */
  dumpTs?: number;
  /** Wall-clock nanoseconds of the stored dump (DUMP_TS_NS), decimal string. */
  dumpTsNs?: string;
  /** The next three only with a `recover` op. */
  gracePeriod?: number;
  burstPeriod?: number;
  autoRecover?: boolean;
  /** Only with a `dump` op. */
  autoDump?: boolean;
}

export interface HealthShowRequest {
  handle?: DevlinkHandle;
  port?: number;
  /** Needs `handle`; selects one reporter (a doit: unknown → EINVAL). */
  reporter?: string;
}

export interface HealthSetRequest extends ReporterRef {
  gracePeriod?: number;
  burstPeriod?: number;
  autoRecover?: boolean;
  autoDump?: boolean;
}

export type ParamCmode = 'runtime' | 'driverinit' | 'permanent';
export type ParamValueType = 'bool' | 'u8' | 'u16' | 'u32' | 'string';
export type ParamValue = boolean | number | string;

export interface ParamInfo {
  handle: DevlinkHandle;
  name: string;
  generic: boolean;
  type: ParamValueType;
  /** One entry per supported cmode, in runtime, driverinit, permanent order. */
  values: Array<{ cmode: ParamCmode; value: ParamValue; default?: ParamValue }>;
}

export interface ParamShowRequest {
  handle?: DevlinkHandle;
  /** Needs `handle`. */
  name?: string;
}

/** Sets `value`, or with `resetDefault` (and no value) puts the driver's default back. */
export interface ParamSetRequest {
  handle: DevlinkHandle;
  name: string;
  cmode: ParamCmode;
  value?: ParamValue;
  resetDefault?: boolean;
}

/** Notifications on the devlink "config" multicast group, as `devlink monitor` shows them. */
export type DevlinkEvent =
  /** Region create/destroy carry `size`; snapshot create/delete carry `snapshotId`. */
  | { object: 'region'; command: 'new' | 'del'; handle: DevlinkHandle; region: string; size?: number; snapshotId?: number }
  /** DEVLINK_CMD_HEALTH_REPORTER_RECOVER: every state change of a reporter. */
  | { object: 'health'; command: 'status'; reporter: ReporterInfo }
  | { object: 'param'; command: 'new' | 'del'; param: ParamInfo }
  /** A port's creation, each change of its type or netdev, and its removal. */
  | { object: 'port'; command: 'new' | 'del'; port: PortInfo };
