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
}

export interface DeviceShowRequest {
  handle?: DevlinkHandle;
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
  values: Array<{ cmode: ParamCmode; value: ParamValue }>;
}

export interface ParamShowRequest {
  handle?: DevlinkHandle;
  /** Needs `handle`. */
  name?: string;
}

export interface ParamSetRequest {
  handle: DevlinkHandle;
  name: string;
  cmode: ParamCmode;
  value: ParamValue;
}

/** Notifications on the devlink "config" multicast group, as `devlink monitor` shows them. */
export type DevlinkEvent =
  /** Region create/destroy carry `size`; snapshot create/delete carry `snapshotId`. */
  | { object: 'region'; command: 'new' | 'del'; handle: DevlinkHandle; region: string; size?: number; snapshotId?: number }
  /** DEVLINK_CMD_HEALTH_REPORTER_RECOVER: every state change of a reporter. */
  | { object: 'health'; command: 'status'; reporter: ReporterInfo }
  | { object: 'param'; command: 'new' | 'del'; param: ParamInfo };
