/**
 * Renders a whole resource-dump stream: INFO, CMD, the requested segments (or an ERROR), TERMINATE.
 * Inline dumps hand it out 208 bytes at a time (inline.ts); mkey-mode dumps write it to memory.
 */
import { RSC_SEGMENT } from '../../../uapi/ifc';
import { encodeHealthFwVer } from '../crspace/health';
import { mix32 } from '../crspace/hash';
import type { FwObject } from '../object_store';
import type { SimState } from '../state';
import { bufferEntries, objectImage } from './images';
import { MENU, menuEntry, MenuEntry } from './menu';
import { cmdSegment, DumpCommand, errorSegment, infoSegment, menuSegment, noticeSegment, resourceSegment, terminateSegment } from './segments';

export interface RscDumpRequest {
  segmentType: number;
  vhcaId?: number;
  /** When set, vhca_id names the function to dump; only this function (vhca_id 0) exists. */
  vhcaIdValid?: boolean;
  index1?: number;
  index2?: number;
  numOfObj1?: number;
  numOfObj2?: number;
}

/** ERROR/NOTICE syndrome ids (16 bits) carried inside the stream. */
export const DumpSyndrome = { UNKNOWN_SEGMENT: 0x1, BAD_INDEX1: 0x2, BAD_VHCA: 0x3, BAD_INDEX2: 0x4, TRUNCATED: 0x5 } as const;

const DUMP_VERSION = 1;
const SLICES = 8;
const SLICE_BYTES = 256;
/** num_of_obj value meaning "all of them" (menu: num_of_obj*_supports_all). */
const ALL = 0xffff;
const MAX_OBJECTS = 4096;
const MAX_ENTRIES = 4096;

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

function lookup(state: SimState, e: MenuEntry, id: number): FwObject | undefined {
  for (const type of e.objects ?? []) {
    const hit = state.objects.get(type, id) ?? (type === 'mkey' ? state.objects.get(type, id >>> 8) : undefined);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** index1 and the objects after it: num_of_obj1 of them (0 → 1, 0xffff → all). */
function selectObjects(state: SimState, e: MenuEntry, index1: number, num: number): FwObject[] {
  if (num <= 1) {
    const one = lookup(state, e, index1);
    return one === undefined ? [] : [one];
  }
  const all = (e.objects ?? []).flatMap((t) => state.objects.list(t)).filter((o) => o.id >= index1).sort((a, b) => a.id - b.id);
  if (all[0]?.id !== index1) return [];
  return all.slice(0, num === ALL ? MAX_OBJECTS : Math.min(num, MAX_OBJECTS));
}

function slicePayload(type: number, slice: number): Buffer {
  const b = Buffer.alloc(SLICE_BYTES);
  for (let i = 0; i < SLICE_BYTES; i += 4) b.writeUInt32BE(mix32((type << 16) ^ (slice << 12) ^ i), i);
  return b;
}

function bodySegments(state: SimState, req: Required<RscDumpRequest>): Buffer[] {
  const type = req.segmentType;
  if (type === RSC_SEGMENT.MENU) return [menuSegment(MENU)];
  if (req.vhcaIdValid && req.vhcaId !== 0) return [errorSegment(DumpSyndrome.BAD_VHCA, `Invalid vhca_id ${hex(req.vhcaId)}`)];
  const e = menuEntry(type);
  if (e === undefined) return [errorSegment(DumpSyndrome.UNKNOWN_SEGMENT, `Unsupported segment ${hex(type)}`)];
  switch (e.kind) {
    case 'slice':
      if (req.index1 >= SLICES) return [errorSegment(DumpSyndrome.BAD_INDEX1, `Invalid index1 ${hex(req.index1)}`)];
      return [resourceSegment(type, req.index1, 0, slicePayload(type, req.index1))];
    case 'slices':
      return Array.from({ length: SLICES }, (_, s) => resourceSegment(type, s, 0, slicePayload(type, s)));
    case 'buffer': {
      const obj = lookup(state, e, req.index1);
      if (obj === undefined) return [errorSegment(DumpSyndrome.BAD_INDEX1, `Invalid index1 ${hex(req.index1)}`)];
      const stride = e.stride ?? 64;
      const count = req.numOfObj2 === ALL ? 64 : Math.max(1, Math.min(req.numOfObj2, MAX_ENTRIES));
      return [resourceSegment(type, obj.id, req.index2, bufferEntries(obj, req.index2, count, stride))];
    }
    case 'context':
    case 'prm': {
      const objs = selectObjects(state, e, req.index1, req.numOfObj1);
      if (objs.length === 0) return [errorSegment(DumpSyndrome.BAD_INDEX1, `Invalid index1 ${hex(req.index1)}`)];
      const segs = objs.map((o) => resourceSegment(type, o.id, req.index2, objectImage(state, o, e.kind)));
      if (objs.length === MAX_OBJECTS) segs.push(noticeSegment(DumpSyndrome.TRUNCATED, `Dump truncated at ${MAX_OBJECTS} objs`));
      return segs;
    }
  }
}

/** The complete dump stream for `request`, as the device would write it to memory. */
export function renderDump(state: SimState, request: RscDumpRequest): Buffer {
  const req: Required<RscDumpRequest> = {
    segmentType: request.segmentType,
    vhcaId: request.vhcaId ?? 0,
    vhcaIdValid: request.vhcaIdValid ?? false,
    index1: request.index1 ?? 0,
    index2: request.index2 ?? 0,
    numOfObj1: request.numOfObj1 ?? 0,
    numOfObj2: request.numOfObj2 ?? 0,
  };
  const id = state.identity;
  const cmd: DumpCommand = req;
  return Buffer.concat([
    infoSegment({ dumpVersion: DUMP_VERSION, hwVersion: id.hwDevId, fwVersion: encodeHealthFwVer(id.fwVersion) }),
    cmdSegment(cmd),
    ...bodySegments(state, req),
    terminateSegment(),
  ]);
}
