/**
 * The resource-dump stream (what RESOURCE_DUMP reads return, concatenated): an info segment and a
 * command segment, then a chain of segments `{length_dw:16, segment_type:16, body}` (length_dw
 * counts dwords, header included) ending in TERMINATE or ERROR. ResourceDumpParser takes the
 * stream in chunks as they are read, wherever they are cut, and hands back each segment once its
 * last byte has arrived; parseResourceDump parses a whole dump. Field names are the PRM's (as
 * accessReg's), so a segment's `fields` read like the layout they come from.
 *
 * A damaged stream never throws and never loops: a zero length_dw (which would loop a walker
 * forever), a chain that leaves the data, or a stream without TERMINATE ends the walk, and the
 * result says where (`overflow`) and that the dump is not `complete`.
 */
import { DecodedStruct, layout, RSC_SEGMENT } from '../uapi/ifc';

const INFO_SIZE = 16;
const COMMAND_SIZE = 20;
/** The info and command segments that open every dump (sizeof(resource_dump_response)). */
export const RESOURCE_DUMP_HEADER_SIZE = INFO_SIZE + COMMAND_SIZE;
const SEGMENT_HEADER = 4;
const RESOURCE_HEADER = 16;
const MENU_HEADER = 8;
const MENU_RECORD_SIZE = 52;

export interface ResourceDumpInfo {
  dump_version: number;
  hw_version: number;
  fw_version: number;
}

/** What the dump answers: the segment type asked for and the indexes it was asked with. */
export interface ResourceDumpCommand {
  segment_header: { length_dw: number; segment_type: number };
  segment_called: number;
  vhca_id: number;
  index1: number;
  index2: number;
  num_of_obj1: number;
  num_of_obj2: number;
}

/** One entry of the menu: a segment type the device can dump, and how to ask for it. */
export interface ResourceDumpMenuRecord {
  num_of_obj2_supports_active: number;
  num_of_obj2_supports_all: number;
  must_have_num_of_obj2: number;
  support_num_of_obj2: number;
  num_of_obj1_supports_active: number;
  num_of_obj1_supports_all: number;
  must_have_num_of_obj1: number;
  support_num_of_obj1: number;
  must_have_index2: number;
  support_index2: number;
  must_have_index1: number;
  support_index1: number;
  segment_type: number;
  segment_name: string;
  index1_name: string;
  index2_name: string;
}

interface SegmentCommon {
  /** Byte offset of the segment in the dump. */
  offset: number;
  /** segment_type. */
  type: number;
  /** length_dw × 4: the segment's bytes, header included. */
  length: number;
  /** The dump ended before the segment's last byte; the missing bytes were read as zero. */
  truncated?: true;
}

export interface ResourceDumpTerminateSegment extends SegmentCommon {
  kind: 'terminate';
}

/** The dump stops here: the device could not dump what was asked. */
export interface ResourceDumpErrorSegment extends SegmentCommon {
  kind: 'error';
  fields: { syndrome_id: number; error: string };
}

/** A warning that does not end the dump. */
export interface ResourceDumpNoticeSegment extends SegmentCommon {
  kind: 'notice';
  fields: { syndrome_id: number; notice: string };
}

/** Points at another segment to dump, with the indexes to dump it with. */
export interface ResourceDumpReferenceSegment extends SegmentCommon {
  kind: 'reference';
  fields: { reference_segment_type: number; index1: number; index2: number; num_of_obj1: number; num_of_obj2: number };
}

export interface ResourceDumpMenuSegment extends SegmentCommon {
  kind: 'menu';
  /** The records that fit in the segment (num_of_records may claim more). */
  records: ResourceDumpMenuRecord[];
}

/** An object's dump (segment types up to 0xfeff): its indexes and its raw bytes. */
export interface ResourceDumpResourceSegment extends SegmentCommon {
  kind: 'resource';
  fields: { index1: number; index2: number };
  payload: Buffer;
}

/** A type with no body to decode here (INFO or COMMAND inside the chain, or an unknown type). */
export interface ResourceDumpOtherSegment extends SegmentCommon {
  kind: 'other';
}

export type ResourceDumpSegment =
  | ResourceDumpTerminateSegment
  | ResourceDumpErrorSegment
  | ResourceDumpNoticeSegment
  | ResourceDumpReferenceSegment
  | ResourceDumpMenuSegment
  | ResourceDumpResourceSegment
  | ResourceDumpOtherSegment;

export interface ResourceDumpHeader {
  info: ResourceDumpInfo;
  command: ResourceDumpCommand;
}

export interface ResourceDump extends ResourceDumpHeader {
  /** Bytes in the dump. */
  size: number;
  segments: ResourceDumpSegment[];
  /** The chain ended in TERMINATE or ERROR, and that segment arrived whole. */
  complete: boolean;
  /**
   * Where the chain left the data, or stopped at a zero length: set when segments followed the
   * header but none ended the dump.
   */
  overflow?: number;
  /** The dump is shorter than its info and command segments (which then read as zero past the end). */
  headerTruncated?: true;
}

/** The name rscdump prints for a segment type. */
export function segmentTypeName(type: number): string {
  switch (type) {
    case 0x1000:
      return 'Device dump';
    case RSC_SEGMENT.NOTICE:
      return 'Notice';
    case RSC_SEGMENT.CMD:
      return 'Command';
    case RSC_SEGMENT.TERMINATE:
      return 'Terminate';
    case RSC_SEGMENT.ERROR:
      return 'Error';
    case RSC_SEGMENT.REFERENCE:
      return 'Reference';
    case RSC_SEGMENT.INFO:
      return 'Info';
    case RSC_SEGMENT.MENU:
      return 'Menu';
    default:
      return type <= 0xfeff ? 'A Resource' : 'Unknown';
  }
}

/** `bytes` decoded as `name`, zero-filled to the layout's size; segment_header dropped. */
function decodeBody(name: string, bytes: Buffer, size: number): DecodedStruct {
  const body = bytes.length >= size ? bytes : Buffer.concat([bytes, Buffer.alloc(size - bytes.length)]);
  const { segment_header: _header, ...fields } = layout(name).decode(body);
  return fields;
}

function decodeSegment(offset: number, type: number, length: number, bytes: Buffer, truncated: boolean): ResourceDumpSegment {
  const common: SegmentCommon = { offset, type, length, ...(truncated ? { truncated: true as const } : {}) };
  switch (type) {
    case RSC_SEGMENT.TERMINATE:
      return { ...common, kind: 'terminate' };
    case RSC_SEGMENT.ERROR:
      return { ...common, kind: 'error', fields: decodeBody('resource_dump_error_segment', bytes, 48) as ResourceDumpErrorSegment['fields'] };
    case RSC_SEGMENT.NOTICE:
      return { ...common, kind: 'notice', fields: decodeBody('resource_dump_notice_segment', bytes, 48) as ResourceDumpNoticeSegment['fields'] };
    case RSC_SEGMENT.REFERENCE:
      return { ...common, kind: 'reference', fields: decodeBody('resource_dump_reference_segment', bytes, 20) as ResourceDumpReferenceSegment['fields'] };
    case RSC_SEGMENT.MENU: {
      const claimed = Number(decodeBody('resource_dump_menu_segment', bytes.subarray(0, MENU_HEADER), MENU_HEADER).num_of_records);
      const record = layout('resource_dump_menu_record');
      const records: ResourceDumpMenuRecord[] = [];
      for (let i = 0; i < claimed && MENU_HEADER + (i + 1) * MENU_RECORD_SIZE <= bytes.length; i++) {
        records.push(record.decode(bytes, MENU_HEADER + i * MENU_RECORD_SIZE) as unknown as ResourceDumpMenuRecord);
      }
      return { ...common, kind: 'menu', records };
    }
    default:
      if (type <= 0xfeff) {
        const { index1, index2 } = decodeBody('resource_dump_resource_segment', bytes.subarray(0, RESOURCE_HEADER), RESOURCE_HEADER) as { index1: number; index2: number };
        return { ...common, kind: 'resource', fields: { index1, index2 }, payload: Buffer.from(bytes.subarray(RESOURCE_HEADER)) };
      }
      return { ...common, kind: 'other' };
  }
}

const isLast = (type: number): boolean => type === RSC_SEGMENT.TERMINATE || type === RSC_SEGMENT.ERROR;

/**
 * The stream parser. `push` each chunk as it is read (a segment may span any number of chunks);
 * it returns the segments completed by that chunk. `end` when the device says it is done: it
 * returns the whole dump, including a last segment cut short.
 */
export class ResourceDumpParser {
  /** Bytes not yet part of a returned segment, from `pendingAt` on. */
  private pending = Buffer.alloc(0);
  private pendingAt = 0;
  private size = 0;
  private headerValue: ResourceDumpHeader | undefined;
  private readonly segments: ResourceDumpSegment[] = [];
  private finished = false;
  private overflowAt: number | undefined;

  /** The info and command segments, once their 36 bytes have arrived. */
  get header(): ResourceDumpHeader | undefined {
    return this.headerValue;
  }

  push(chunk: Buffer): ResourceDumpSegment[] {
    this.size += chunk.length;
    if (this.finished) return [];
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    if (this.headerValue === undefined) {
      if (this.pending.length < RESOURCE_DUMP_HEADER_SIZE) return [];
      this.headerValue = decodeHeader(this.pending);
      this.consume(RESOURCE_DUMP_HEADER_SIZE);
    }
    const done: ResourceDumpSegment[] = [];
    while (!this.finished && this.pending.length >= SEGMENT_HEADER) {
      const type = this.pending.readUInt16BE(2);
      const length = this.pending.readUInt16BE(0) * 4;
      if (length === 0) {
        // Walking on would never advance: the chain is corrupt here, unless the dump ends anyway.
        done.push(decodeSegment(this.pendingAt, type, 0, this.pending.subarray(0, SEGMENT_HEADER), false));
        if (!isLast(type)) this.overflowAt = this.pendingAt;
        this.finished = true;
        break;
      }
      if (this.pending.length < length) break;
      done.push(decodeSegment(this.pendingAt, type, length, this.pending.subarray(0, length), false));
      this.consume(length);
      if (isLast(type)) this.finished = true;
    }
    this.segments.push(...done);
    return done;
  }

  /** The dump as parsed; a segment still incomplete is returned `truncated`. Call once. */
  end(): ResourceDump {
    const header = this.headerValue ?? decodeHeader(this.pending);
    const headerTruncated = this.headerValue === undefined;
    if (!this.finished && !headerTruncated) {
      if (this.pending.length >= SEGMENT_HEADER) {
        const type = this.pending.readUInt16BE(2);
        const length = this.pending.readUInt16BE(0) * 4;
        this.segments.push(decodeSegment(this.pendingAt, type, length, this.pending, true));
        if (isLast(type)) this.finished = true;
        else this.overflowAt = this.pendingAt + length;
      } else if (this.segments.length > 0) {
        // The chain ran to the end of the data (or to a few stray bytes) with no TERMINATE.
        this.overflowAt = this.pendingAt;
      }
    }
    return {
      ...header,
      size: this.size,
      segments: this.segments,
      complete: this.finished && this.overflowAt === undefined && this.segments[this.segments.length - 1]?.truncated !== true,
      ...(this.overflowAt !== undefined ? { overflow: this.overflowAt } : {}),
      ...(headerTruncated ? { headerTruncated: true as const } : {}),
    };
  }

  private consume(bytes: number): void {
    this.pending = this.pending.subarray(bytes);
    this.pendingAt += bytes;
  }
}

function decodeHeader(bytes: Buffer): ResourceDumpHeader {
  const padded = bytes.length >= RESOURCE_DUMP_HEADER_SIZE ? bytes : Buffer.concat([bytes, Buffer.alloc(RESOURCE_DUMP_HEADER_SIZE - bytes.length)]);
  return {
    info: decodeBody('resource_dump_info_segment', padded.subarray(0, INFO_SIZE), INFO_SIZE) as unknown as ResourceDumpInfo,
    command: layout('resource_dump_command_segment').decode(padded, INFO_SIZE) as unknown as ResourceDumpCommand,
  };
}

/** A whole dump, parsed. */
export function parseResourceDump(data: Buffer): ResourceDump {
  const parser = new ResourceDumpParser();
  parser.push(data);
  return parser.end();
}

/**
 * The segments of a dump as its chunks arrive, e.g. from resourceDump(): each segment as soon as
 * its last byte is read. Returns the whole dump (header, `complete`, `overflow`) when the chunks
 * end.
 */
export async function* resourceDumpSegments(chunks: AsyncIterable<Buffer | { data: Buffer }>): AsyncGenerator<ResourceDumpSegment, ResourceDump, undefined> {
  const parser = new ResourceDumpParser();
  for await (const chunk of chunks) {
    yield* parser.push(Buffer.isBuffer(chunk) ? chunk : chunk.data);
  }
  const dump = parser.end();
  const last = dump.segments[dump.segments.length - 1];
  if (last?.truncated) yield last;
  return dump;
}
