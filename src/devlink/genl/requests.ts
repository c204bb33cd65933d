/**
 * Request attributes as iproute2's devlink sends them (dl_opts_put): the handle as BUS_NAME and
 * DEV_NAME, then the object's selectors and values, in the kernel's types (u64 addresses and
 * periods, u8 booleans, a flag for REGION_DIRECT).
 */
import { AttrWriter } from '../../netlink/attributes';
import { DevlinkError, Errno } from '../errors';
import type { DevlinkHandle, HealthSetRequest, ParamCmode, ParamValue, ParamValueType, RegionReadRequest, ReporterRef } from '../types';
import { DevlinkAttr, ParamCmodeNumber, ParamTypeNumber } from './numbers';

/** `bus/dev` → BUS_NAME, DEV_NAME. */
export function handleAttrs(handle: DevlinkHandle, writer = new AttrWriter()): AttrWriter {
  const slash = handle.indexOf('/');
  if (slash <= 0 || slash === handle.length - 1 || handle.includes('/', slash + 1)) {
    throw new DevlinkError(Errno.EINVAL, `"${handle}" is not a bus_name/dev_name handle`);
  }
  return writer.string(DevlinkAttr.BUS_NAME, handle.slice(0, slash)).string(DevlinkAttr.DEV_NAME, handle.slice(slash + 1));
}

/** DEV/PORT_INDEX → BUS_NAME, DEV_NAME, PORT_INDEX. */
export function portAttrs(handle: DevlinkHandle, port: number): AttrWriter {
  return handleAttrs(handle).u32(DevlinkAttr.PORT_INDEX, port);
}

export function regionAttrs(handle: DevlinkHandle, region: string, snapshotId?: number): AttrWriter {
  const writer = handleAttrs(handle).string(DevlinkAttr.REGION_NAME, region);
  if (snapshotId !== undefined) writer.u32(DevlinkAttr.REGION_SNAPSHOT_ID, snapshotId);
  return writer;
}

/** One REGION_READ page: always ranged (the kernel applies a range only when both are given). */
export function regionReadAttrs(request: RegionReadRequest, address: number, length: number): AttrWriter {
  const writer = regionAttrs(request.handle, request.region, request.snapshotId);
  if (request.direct) writer.flag(DevlinkAttr.REGION_DIRECT);
  return writer.u64(DevlinkAttr.REGION_CHUNK_ADDR, address).u64(DevlinkAttr.REGION_CHUNK_LEN, length);
}

export function reporterAttrs(ref: Pick<ReporterRef, 'handle' | 'port'> & { reporter?: string }): AttrWriter {
  const writer = handleAttrs(ref.handle);
  if (ref.port !== undefined) writer.u32(DevlinkAttr.PORT_INDEX, ref.port);
  if (ref.reporter !== undefined) writer.string(DevlinkAttr.HEALTH_REPORTER_NAME, ref.reporter);
  return writer;
}

export function healthSetAttrs(request: HealthSetRequest): AttrWriter {
  const writer = reporterAttrs(request);
  if (request.gracePeriod !== undefined) writer.u64(DevlinkAttr.HEALTH_REPORTER_GRACEFUL_PERIOD, request.gracePeriod);
  if (request.burstPeriod !== undefined) writer.u64(DevlinkAttr.HEALTH_REPORTER_BURST_PERIOD, request.burstPeriod);
  if (request.autoRecover !== undefined) writer.u8(DevlinkAttr.HEALTH_REPORTER_AUTO_RECOVER, request.autoRecover ? 1 : 0);
  if (request.autoDump !== undefined) writer.u8(DevlinkAttr.HEALTH_REPORTER_AUTO_DUMP, request.autoDump ? 1 : 0);
  return writer;
}

export function paramGetAttrs(handle: DevlinkHandle, name: string): AttrWriter {
  return handleAttrs(handle).string(DevlinkAttr.PARAM_NAME, name);
}

/** PARAM_SET back to the driver's default (iproute2 7.2's `default`): the RESET_DEFAULT flag, no value. */
export function paramResetDefaultAttrs(handle: DevlinkHandle, name: string, type: ParamValueType, cmode: ParamCmode): AttrWriter {
  return paramGetAttrs(handle, name)
    .u8(DevlinkAttr.PARAM_VALUE_CMODE, ParamCmodeNumber[cmode])
    .flag(DevlinkAttr.PARAM_RESET_DEFAULT)
    .u8(DevlinkAttr.PARAM_TYPE, ParamTypeNumber[type]);
}

/** PARAM_SET: the type must be the param's own (the kernel checks); a false bool sends no data. */
export function paramSetAttrs(handle: DevlinkHandle, name: string, type: ParamValueType, cmode: ParamCmode, value: ParamValue): AttrWriter {
  const writer = paramGetAttrs(handle, name)
    .u8(DevlinkAttr.PARAM_TYPE, ParamTypeNumber[type])
    .u8(DevlinkAttr.PARAM_VALUE_CMODE, ParamCmodeNumber[cmode]);
  switch (type) {
    case 'bool':
      if (value === true) writer.flag(DevlinkAttr.PARAM_VALUE_DATA);
      return writer;
    case 'u8':
      return writer.u8(DevlinkAttr.PARAM_VALUE_DATA, Number(value));
    case 'u16':
      return writer.u16(DevlinkAttr.PARAM_VALUE_DATA, Number(value));
    case 'u32':
      return writer.u32(DevlinkAttr.PARAM_VALUE_DATA, Number(value));
    case 'string':
      return writer.string(DevlinkAttr.PARAM_VALUE_DATA, String(value));
  }
}
