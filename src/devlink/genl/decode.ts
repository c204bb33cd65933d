/**
 * Kernel devlink replies → the JSON-able types of ../types, attribute by attribute as
 * net/devlink lays them out (see /work/shared/reference/devlink.md §2, §4). Attributes the
 * kernel sends only under conditions (periods only with a recover op, DUMP_TS only while a dump
 * is stored) stay absent here too, which is what the printers key on.
 */
import { readNested, readString, readU16, readU32, readU8, readUint, type Attr, type Attrs } from '../../netlink/attributes';
import { NetlinkParseError } from '../../netlink/errors';
import type { DeviceInfo, DevInfo, DevlinkEvent, DevlinkHandle, InfoVersion, ParamCmode, ParamInfo, ParamValue, ParamValueType, PortFlavour, PortInfo, PortType, RegionChunk, RegionInfo, ReporterInfo } from '../types';
import { DevlinkAttr, DevlinkCmd, HealthReporterState, ParamCmodeNumber, ParamTypeNumber, PORT_FLAVOUR_NAMES, PORT_TYPE_NAMES } from './numbers';
import type { GenlMessage } from '../../netlink/genl';

const str = (a: Attrs, t: number): string | undefined => a.string(t);
const nest = (a: Attrs, t: number): Attrs | undefined => a.nested(t);

export function decodeHandle(attrs: Attrs): DevlinkHandle {
  const bus = attrs.require(DevlinkAttr.BUS_NAME, str, 'DEVLINK_ATTR_BUS_NAME');
  const dev = attrs.require(DevlinkAttr.DEV_NAME, str, 'DEVLINK_ATTR_DEV_NAME');
  return `${bus}/${dev}`;
}

/** DEVLINK_CMD_GET's reply: the handle, and the instance's index on kernels that number them. */
export function decodeDevice(attrs: Attrs): DeviceInfo {
  const index = attrs.get(DevlinkAttr.INDEX);
  return { handle: decodeHandle(attrs), ...(index ? { index: Number(readUint(index)) } : {}) };
}

/** A u64 as the API carries it: a JSON number (see ../types on precision). */
function u64(attrs: Attrs, type: number): number | undefined {
  const value = attrs.u64(type);
  return value === undefined ? undefined : Number(value);
}

function flagU8(attrs: Attrs, type: number): boolean | undefined {
  const value = attrs.u8(type);
  return value === undefined ? undefined : value !== 0;
}

/** The entries of one INFO_VERSION_* type, in message order; incomplete entries are skipped as iproute2 skips them. */
function decodeVersions(attrs: Attrs, type: number): InfoVersion[] {
  return attrs.all(type).flatMap((entry) => {
    const version = readNested(entry);
    const name = version.string(DevlinkAttr.INFO_VERSION_NAME);
    const value = version.string(DevlinkAttr.INFO_VERSION_VALUE);
    return name === undefined || value === undefined ? [] : [{ name, value }];
  });
}

/** One INFO_GET reply. */
export function decodeDevInfo(attrs: Attrs): DevInfo {
  const info: DevInfo = {
    handle: decodeHandle(attrs),
    versions: {
      fixed: decodeVersions(attrs, DevlinkAttr.INFO_VERSION_FIXED),
      running: decodeVersions(attrs, DevlinkAttr.INFO_VERSION_RUNNING),
      stored: decodeVersions(attrs, DevlinkAttr.INFO_VERSION_STORED),
    },
  };
  const driver = attrs.string(DevlinkAttr.INFO_DRIVER_NAME);
  if (driver !== undefined) info.driver = driver;
  const serial = attrs.string(DevlinkAttr.INFO_SERIAL_NUMBER);
  if (serial !== undefined) info.serialNumber = serial;
  const boardSerial = attrs.string(DevlinkAttr.INFO_BOARD_SERIAL_NUMBER);
  if (boardSerial !== undefined) info.boardSerialNumber = boardSerial;
  return info;
}

function portTypeName(type: number): PortType {
  return PORT_TYPE_NAMES[type] ?? '<unknown type>';
}

/** One PORT_GET reply (or PORT_NEW notification). */
export function decodePort(attrs: Attrs): PortInfo {
  const port: PortInfo = {
    handle: decodeHandle(attrs),
    port: attrs.require(DevlinkAttr.PORT_INDEX, (a, t) => a.u32(t), 'DEVLINK_ATTR_PORT_INDEX'),
  };
  const type = attrs.u16(DevlinkAttr.PORT_TYPE);
  if (type !== undefined) port.type = portTypeName(type);
  const desired = attrs.u16(DevlinkAttr.PORT_DESIRED_TYPE);
  if (desired !== undefined) port.desiredType = portTypeName(desired);
  const netdev = attrs.string(DevlinkAttr.PORT_NETDEV_NAME);
  if (netdev !== undefined) port.netdev = netdev;
  const ibdev = attrs.string(DevlinkAttr.PORT_IBDEV_NAME);
  if (ibdev !== undefined) port.ibdev = ibdev;
  const flavour = attrs.u16(DevlinkAttr.PORT_FLAVOUR);
  if (flavour !== undefined) port.flavour = (PORT_FLAVOUR_NAMES[flavour] ?? '<unknown flavour>') as PortFlavour;
  const controller = attrs.u32(DevlinkAttr.PORT_CONTROLLER_NUMBER);
  if (controller !== undefined) port.controller = controller;
  const pfnum = attrs.u16(DevlinkAttr.PORT_PCI_PF_NUMBER);
  if (pfnum !== undefined) port.pfnum = pfnum;
  const vfnum = attrs.u16(DevlinkAttr.PORT_PCI_VF_NUMBER);
  if (vfnum !== undefined) port.vfnum = vfnum;
  const sfnum = attrs.u32(DevlinkAttr.PORT_PCI_SF_NUMBER);
  if (sfnum !== undefined) port.sfnum = sfnum;
  const external = flagU8(attrs, DevlinkAttr.PORT_EXTERNAL);
  if (external !== undefined) port.external = external;
  const number = attrs.u32(DevlinkAttr.PORT_NUMBER);
  if (number !== undefined) port.number = number;
  const splitGroup = attrs.u32(DevlinkAttr.PORT_SPLIT_GROUP);
  if (splitGroup !== undefined) port.splitGroup = splitGroup;
  const splittable = flagU8(attrs, DevlinkAttr.PORT_SPLITTABLE);
  if (splittable !== undefined) port.splittable = splittable;
  const lanes = attrs.u32(DevlinkAttr.PORT_LANES);
  if (lanes !== undefined) port.lanes = lanes;
  return port;
}

export function decodeRegion(attrs: Attrs): RegionInfo {
  const snapshots = attrs.nested(DevlinkAttr.REGION_SNAPSHOTS);
  return {
    handle: decodeHandle(attrs),
    region: attrs.require(DevlinkAttr.REGION_NAME, str, 'DEVLINK_ATTR_REGION_NAME'),
    size: attrs.require(DevlinkAttr.REGION_SIZE, u64, 'DEVLINK_ATTR_REGION_SIZE'),
    maxSnapshots: attrs.u32(DevlinkAttr.REGION_MAX_SNAPSHOTS) ?? 0,
    // Kernel list order is creation order; keep it.
    snapshots: snapshots
      ? snapshots.all(DevlinkAttr.REGION_SNAPSHOT).map((entry) =>
        readNested(entry).require(DevlinkAttr.REGION_SNAPSHOT_ID, (a, t) => a.u32(t), 'DEVLINK_ATTR_REGION_SNAPSHOT_ID'))
      : [],
  };
}

/** The REGION_CHUNKS of one REGION_READ dump message. */
export function decodeChunks(attrs: Attrs): RegionChunk[] {
  const chunks = attrs.nested(DevlinkAttr.REGION_CHUNKS);
  if (!chunks) return [];
  return chunks.all(DevlinkAttr.REGION_CHUNK).map((entry) => {
    const chunk = readNested(entry);
    const data = chunk.get(DevlinkAttr.REGION_CHUNK_DATA);
    if (!data) throw new NetlinkParseError(`region chunk at offset ${entry.offset} has no data`);
    return { address: chunk.require(DevlinkAttr.REGION_CHUNK_ADDR, u64, 'DEVLINK_ATTR_REGION_CHUNK_ADDR'), data: data.data.toString('base64') };
  });
}

export function decodeReporter(attrs: Attrs): ReporterInfo {
  const reporter = attrs.require(DevlinkAttr.HEALTH_REPORTER, nest, 'DEVLINK_ATTR_HEALTH_REPORTER');
  const state = reporter.require(DevlinkAttr.HEALTH_REPORTER_STATE, (a, t) => a.u8(t), 'DEVLINK_ATTR_HEALTH_REPORTER_STATE');
  if (state !== HealthReporterState.HEALTHY && state !== HealthReporterState.ERROR) {
    throw new NetlinkParseError(`health reporter state ${state} is neither healthy nor error`);
  }
  const info: ReporterInfo = {
    handle: decodeHandle(attrs),
    reporter: reporter.require(DevlinkAttr.HEALTH_REPORTER_NAME, str, 'DEVLINK_ATTR_HEALTH_REPORTER_NAME'),
    state: state === HealthReporterState.HEALTHY ? 'healthy' : 'error',
    error: reporter.require(DevlinkAttr.HEALTH_REPORTER_ERR_COUNT, u64, 'DEVLINK_ATTR_HEALTH_REPORTER_ERR_COUNT'),
    recover: reporter.require(DevlinkAttr.HEALTH_REPORTER_RECOVER_COUNT, u64, 'DEVLINK_ATTR_HEALTH_REPORTER_RECOVER_COUNT'),
  };
  const port = attrs.u32(DevlinkAttr.PORT_INDEX);
  if (port !== undefined) info.port = port;
  const dumpTs = u64(reporter, DevlinkAttr.HEALTH_REPORTER_DUMP_TS);
  if (dumpTs !== undefined) info.dumpTs = dumpTs;
  const dumpTsNs = reporter.u64(DevlinkAttr.HEALTH_REPORTER_DUMP_TS_NS);
  if (dumpTsNs !== undefined) info.dumpTsNs = dumpTsNs.toString();
  const grace = u64(reporter, DevlinkAttr.HEALTH_REPORTER_GRACEFUL_PERIOD);
  if (grace !== undefined) info.gracePeriod = grace;
  const burst = u64(reporter, DevlinkAttr.HEALTH_REPORTER_BURST_PERIOD);
  if (burst !== undefined) info.burstPeriod = burst;
  const autoRecover = flagU8(reporter, DevlinkAttr.HEALTH_REPORTER_AUTO_RECOVER);
  if (autoRecover !== undefined) info.autoRecover = autoRecover;
  const autoDump = flagU8(reporter, DevlinkAttr.HEALTH_REPORTER_AUTO_DUMP);
  if (autoDump !== undefined) info.autoDump = autoDump;
  return info;
}

const PARAM_TYPES = new Map<number, ParamValueType>(
  (Object.entries(ParamTypeNumber) as Array<[ParamValueType, number]>).map(([name, number]) => [number, name]),
);
const CMODES = new Map<number, ParamCmode>(
  (Object.entries(ParamCmodeNumber) as Array<[ParamCmode, number]>).map(([name, number]) => [number, name]),
);
const CMODE_RANK: Record<ParamCmode, number> = { runtime: 0, driverinit: 1, permanent: 2 };

export function paramTypeName(type: number): ParamValueType | undefined {
  return PARAM_TYPES.get(type);
}

/**
 * One PARAM_GET reply. Undefined for a value type the API cannot carry (u64 params, newer types):
 * such a param is left out of `param show` rather than failing the whole dump.
 */
export function decodeParam(attrs: Attrs): ParamInfo | undefined {
  const param = attrs.require(DevlinkAttr.PARAM, nest, 'DEVLINK_ATTR_PARAM');
  const type = paramTypeName(param.require(DevlinkAttr.PARAM_TYPE, (a, t) => a.u8(t), 'DEVLINK_ATTR_PARAM_TYPE'));
  if (type === undefined) return undefined;
  const list = param.nested(DevlinkAttr.PARAM_VALUES_LIST);
  const values = (list ? list.all(DevlinkAttr.PARAM_VALUE) : []).flatMap((entry) => {
    const value = readNested(entry);
    const cmode = CMODES.get(value.require(DevlinkAttr.PARAM_VALUE_CMODE, (a, t) => a.u8(t), 'DEVLINK_ATTR_PARAM_VALUE_CMODE'));
    if (cmode === undefined) return [];
    const fallback = value.get(DevlinkAttr.PARAM_VALUE_DEFAULT);
    return [{ cmode, value: decodeParamValue(type, value), ...(fallback ? { default: decodeParamDefault(type, fallback) } : {}) }];
  });
  values.sort((a, b) => CMODE_RANK[a.cmode] - CMODE_RANK[b.cmode]);
  return {
    handle: decodeHandle(attrs),
    name: param.require(DevlinkAttr.PARAM_NAME, str, 'DEVLINK_ATTR_PARAM_NAME'),
    generic: param.has(DevlinkAttr.PARAM_GENERIC),
    type,
    values,
  };
}

function decodeParamValue(type: ParamValueType, value: Attrs): ParamValue {
  const data = value.get(DevlinkAttr.PARAM_VALUE_DATA);
  if (type === 'bool') return data !== undefined;
  if (!data) throw new NetlinkParseError(`param value of type ${type} has no data`);
  return decodeParamData(type, data);
}

/** PARAM_VALUE_DEFAULT is always there when sent: a bool's is a u8, not a flag. */
function decodeParamDefault(type: ParamValueType, data: Attr): ParamValue {
  return type === 'bool' ? readU8(data) !== 0 : decodeParamData(type, data);
}

function decodeParamData(type: ParamValueType, data: Attr): ParamValue {
  switch (type) {
    case 'bool':
      return readU8(data) !== 0;
    case 'u8':
      return readU8(data);
    case 'u16':
      return readU16(data);
    case 'u32':
      return readU32(data);
    case 'string':
      return readString(data);
  }
}

/** A "config" group notification, or undefined for the kinds `devlink monitor` of mlx5ctl does not show. */
export function decodeEvent(message: GenlMessage): DevlinkEvent | undefined {
  const { attrs } = message;
  switch (message.cmd) {
    case DevlinkCmd.REGION_NEW:
    case DevlinkCmd.REGION_DEL: {
      const event: DevlinkEvent = {
        object: 'region',
        command: message.cmd === DevlinkCmd.REGION_NEW ? 'new' : 'del',
        handle: decodeHandle(attrs),
        region: attrs.require(DevlinkAttr.REGION_NAME, str, 'DEVLINK_ATTR_REGION_NAME'),
      };
      const size = u64(attrs, DevlinkAttr.REGION_SIZE);
      if (size !== undefined) event.size = size;
      const snapshotId = attrs.u32(DevlinkAttr.REGION_SNAPSHOT_ID);
      if (snapshotId !== undefined) event.snapshotId = snapshotId;
      return event;
    }
    case DevlinkCmd.PORT_NEW:
    case DevlinkCmd.PORT_DEL:
      return { object: 'port', command: message.cmd === DevlinkCmd.PORT_NEW ? 'new' : 'del', port: decodePort(attrs) };
    case DevlinkCmd.HEALTH_REPORTER_RECOVER:
      return { object: 'health', command: 'status', reporter: decodeReporter(attrs) };
    case DevlinkCmd.PARAM_NEW:
    case DevlinkCmd.PARAM_DEL: {
      const param = decodeParam(attrs);
      return param && { object: 'param', command: message.cmd === DevlinkCmd.PARAM_NEW ? 'new' : 'del', param };
    }
    default:
      return undefined;
  }
}
