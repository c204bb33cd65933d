/**
 * Encoders for the segments of a resource-dump stream. Every segment starts with
 * {length_dw:16, segment_type:16}; length_dw counts dwords and includes the header.
 */
import { layout, RSC_SEGMENT } from '../../../uapi/ifc';
import type { MenuEntry } from './menu';

export const INFO_SEGMENT_SIZE = 16;
export const CMD_SEGMENT_SIZE = 20;
export const MENU_RECORD_SIZE = 52;
const RESOURCE_HEADER_SIZE = 16;
const TEXT_LEN = 32;

function header(buf: Buffer, type: number): Buffer {
  if (buf.length % 4 !== 0 || buf.length / 4 > 0xffff) throw new RangeError(`segment of ${buf.length} bytes`);
  buf.writeUInt16BE(buf.length / 4, 0);
  buf.writeUInt16BE(type, 2);
  return buf;
}

export interface DumpVersions {
  dumpVersion: number;
  hwVersion: number;
  fwVersion: number;
}

export function infoSegment(v: DumpVersions): Buffer {
  const b = Buffer.alloc(INFO_SEGMENT_SIZE);
  const l = layout('resource_dump_info_segment');
  l.uint('dump_version').set(b, v.dumpVersion);
  l.uint('hw_version').set(b, v.hwVersion);
  l.uint('fw_version').set(b, v.fwVersion >>> 0);
  return header(b, RSC_SEGMENT.INFO);
}

export interface DumpCommand {
  segmentType: number;
  vhcaId: number;
  index1: number;
  index2: number;
  numOfObj1: number;
  numOfObj2: number;
}

export function cmdSegment(c: DumpCommand): Buffer {
  const b = Buffer.alloc(CMD_SEGMENT_SIZE);
  const l = layout('resource_dump_command_segment');
  l.uint('segment_called').set(b, c.segmentType);
  l.uint('vhca_id').set(b, c.vhcaId);
  l.uint('index1').set(b, c.index1 >>> 0);
  l.uint('index2').set(b, c.index2 >>> 0);
  l.uint('num_of_obj1').set(b, c.numOfObj1);
  l.uint('num_of_obj2').set(b, c.numOfObj2);
  return header(b, RSC_SEGMENT.CMD);
}

function textSegment(type: number, layoutName: string, textField: string, syndromeId: number, text: string): Buffer {
  const l = layout(layoutName);
  const b = Buffer.alloc(l.size);
  l.uint('syndrome_id').set(b, syndromeId & 0xffff);
  l.string(textField).set(b, text.slice(0, TEXT_LEN));
  return header(b, type);
}

/** An ERROR segment: the dump stops here (a TERMINATE still follows). Text is cut to 32 chars. */
export const errorSegment = (syndromeId: number, text: string): Buffer =>
  textSegment(RSC_SEGMENT.ERROR, 'resource_dump_error_segment', 'error', syndromeId, text);

/** A NOTICE segment: a warning that does not end the dump. */
export const noticeSegment = (syndromeId: number, text: string): Buffer =>
  textSegment(RSC_SEGMENT.NOTICE, 'resource_dump_notice_segment', 'notice', syndromeId, text);

export const terminateSegment = (): Buffer => header(Buffer.alloc(4), RSC_SEGMENT.TERMINATE);

/** A resource segment: index1 and index2 of the object, then its payload (padded to dwords). */
export function resourceSegment(type: number, index1: number, index2: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(RESOURCE_HEADER_SIZE + ((payload.length + 3) & ~3));
  const l = layout('resource_dump_resource_segment');
  l.uint('index1').set(b, index1 >>> 0);
  l.uint('index2').set(b, index2 >>> 0);
  payload.copy(b, RESOURCE_HEADER_SIZE);
  return header(b, type);
}

const record = layout('resource_dump_menu_record');

/** The MENU segment: num_of_records at byte 6, then 52-byte records from byte 8. */
export function menuSegment(entries: readonly MenuEntry[]): Buffer {
  const b = Buffer.alloc(8 + entries.length * MENU_RECORD_SIZE);
  layout('resource_dump_menu_segment').uint('num_of_records').set(b, entries.length);
  entries.forEach((e, i) => {
    const at = 8 + i * MENU_RECORD_SIZE;
    const set = (name: string, v: number): void => record.uint(name).set(b, v, at);
    set('segment_type', e.type);
    if (e.index1 !== undefined) {
      set('support_index1', 1);
      set('must_have_index1', 1);
    }
    if (e.index2 !== undefined) set('support_index2', 1);
    if (e.kind === 'context' || e.kind === 'prm') {
      set('support_num_of_obj1', 1);
      set('num_of_obj1_supports_all', 1);
    }
    if (e.kind === 'buffer') {
      set('support_num_of_obj2', 1);
      set('num_of_obj2_supports_all', 1);
    }
    record.string('segment_name').set(b, e.name, at);
    record.string('index1_name').set(b, e.index1 ?? '', at);
    record.string('index2_name').set(b, e.index2 ?? '', at);
  });
  return header(b, RSC_SEGMENT.MENU);
}
