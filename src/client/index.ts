/**
 * The package's public API (`import { Mlx5ctlClient } from 'mlx5ctl'`): open a control device by
 * any accepted name, call its ioctls, pin UMEMs, take core dumps, drive devlink, read the broker's
 * status, parse resource dumps. Failures are ErrnoError (`errno`, `code`) or, for a firmware status, FirmwareCommandError.
 */
export * from './client';
export * from './connection';
export * from './devices';
export * from './failures';
export * from './umem';
export { connectDevlink } from './devlink_api';
export type { DevlinkConnection } from './devlink_api';
export { collectCoreDump, createUmemMkey, FirmwareCommandError } from './coredump';
export type { CoreDumpResult, UmemMkey } from './coredump';
export type { DevlinkApi } from '../devlink/api';
export type { BrokerStatus } from '../broker/types';
export { Errno, ErrnoError } from '../uapi/errno';
export { defaultRundir } from '../config/paths';
export { queryCap } from './query_cap';
export type { CapMode, CapResult, CapTypeName } from './query_cap';
export { accessReg } from './access_reg';
export type { AccessRegOptions, RegisterResult } from './access_reg';
export { queryObject, OBJECT_NAMES } from './query_object';
export type { ObjectResult, QueryObjectOptions } from './query_object';
export type { DecodedStruct, FieldValue } from '../uapi/ifc';
export { resourceDump } from './resource_dump';
export { DumpEndlessError, DumpOutOfSequenceError } from '../fw/resource_dump';
export type { ResourceDumpChunk, ResourceDumpOptions } from './resource_dump';
export { parseResourceDump, ResourceDumpParser, resourceDumpSegments, segmentTypeName, RESOURCE_DUMP_HEADER_SIZE } from '../fw/resource_dump_parse';
export type {
  ResourceDump,
  ResourceDumpHeader,
  ResourceDumpInfo,
  ResourceDumpCommand,
  ResourceDumpSegment,
  ResourceDumpMenuRecord,
  ResourceDumpMenuSegment,
  ResourceDumpResourceSegment,
  ResourceDumpErrorSegment,
  ResourceDumpNoticeSegment,
  ResourceDumpReferenceSegment,
  ResourceDumpTerminateSegment,
  ResourceDumpOtherSegment,
} from '../fw/resource_dump_parse';
