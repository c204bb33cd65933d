/**
 * The resource-dump response stream (info segment, command segment, then a chain of segments
 * `{length_dw, segment_type}` ending in TERMINATE or ERROR), walked once into a list of parsed
 * segments, and printed as rscdump.c parse_resource_dump() does.
 */
import { layout, RSC_SEGMENT } from '../../../src/uapi/ifc';
import { hexdump } from '../output';

const INFO_SIZE = 16;
const CMD_SIZE = 20;
/** sizeof(resource_dump_response): the info and command segments. */
export const RESPONSE_HEADER = INFO_SIZE + CMD_SIZE;
const RESOURCE_HEADER = 16;
const MENU_HEADER = 8;
const RECORD_SIZE = 52;

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

const RECORD_FLAGS = [
  'support_index1', 'must_have_index1', 'support_index2', 'must_have_index2', 'support_num_of_obj1',
  'must_have_num_of_obj1', 'support_num_of_obj2', 'must_have_num_of_obj2', 'num_of_obj1_supports_all',
  'num_of_obj1_supports_active', 'num_of_obj2_supports_all', 'num_of_obj2_supports_active',
] as const;

export interface Segment {
  offset: number;
  type: number;
  length: number;
  fields?: Record<string, unknown>;
  records?: Record<string, unknown>[];
  payload?: Buffer;
}

export interface ParsedDump {
  size: number;
  info: Record<string, unknown>;
  command: Record<string, unknown>;
  segments: Segment[];
  /** Set when the chain ran past the data or had a zero length. */
  overflow?: number;
}

const header = (v: Record<string, unknown>): Record<string, unknown> => {
  const { segment_header: _h, ...rest } = v;
  return rest;
};

function parseSegment(data: Buffer, at: number, type: number, length: number): Segment {
  const seg: Segment = { offset: at, type, length };
  const body = data.subarray(at, at + Math.max(length, 4));
  if (type === RSC_SEGMENT.ERROR) seg.fields = header(layout('resource_dump_error_segment').decode(body));
  else if (type === RSC_SEGMENT.NOTICE) seg.fields = header(layout('resource_dump_notice_segment').decode(body));
  else if (type === RSC_SEGMENT.REFERENCE) seg.fields = header(layout('resource_dump_reference_segment').decode(body));
  else if (type === RSC_SEGMENT.MENU) {
    const count = layout('resource_dump_menu_segment').uint('num_of_records').get(body.length >= MENU_HEADER ? body : Buffer.alloc(MENU_HEADER));
    const rec = layout('resource_dump_menu_record');
    seg.records = [];
    for (let i = 0; i < count && MENU_HEADER + (i + 1) * RECORD_SIZE <= body.length; i++) {
      seg.records.push(rec.decode(body, MENU_HEADER + i * RECORD_SIZE));
    }
  } else if (type <= 0xfeff) {
    const r = layout('resource_dump_resource_segment');
    seg.fields = { index1: r.uint('index1').get(body.length >= RESOURCE_HEADER ? body : Buffer.alloc(RESOURCE_HEADER)), index2: r.uint('index2').get(body.length >= RESOURCE_HEADER ? body : Buffer.alloc(RESOURCE_HEADER)) };
    seg.payload = body.subarray(RESOURCE_HEADER, Math.max(RESOURCE_HEADER, length));
  }
  return seg;
}

/** Walks the stream; stops after TERMINATE or ERROR, or where the chain leaves the data. */
export function parseDump(data: Buffer): ParsedDump {
  const padded = data.length >= RESPONSE_HEADER ? data : Buffer.concat([data, Buffer.alloc(RESPONSE_HEADER - data.length)]);
  const dump: ParsedDump = {
    size: data.length,
    info: header(layout('resource_dump_info_segment').decode(padded, 0)),
    command: layout('resource_dump_command_segment').decode(padded, INFO_SIZE),
    segments: [],
  };
  if (data.length < RESPONSE_HEADER + 4) return dump;
  const hdr = layout('resource_dump_segment_header');
  let at = RESPONSE_HEADER;
  for (;;) {
    const type = hdr.uint('segment_type').get(data, at);
    const length = hdr.uint('length_dw').get(data, at) * 4;
    dump.segments.push(parseSegment(data, at, type, length));
    if (type === RSC_SEGMENT.TERMINATE || type === RSC_SEGMENT.ERROR) break;
    // A zero length would loop forever upstream; treat it like running off the end.
    if (length === 0 || at + length >= data.length || at + length + 4 > data.length) {
      dump.overflow = at + (length === 0 ? 0 : length);
      break;
    }
    at += length;
  }
  return dump;
}

/** The upstream text: INFO lines on stdout, as `INFO : ` + text; raw lines as they are. */
export function dumpLines(dump: ParsedDump): { info?: string; line?: string; raw?: string; error?: string }[] {
  const out: { info?: string; line?: string; raw?: string; error?: string }[] = [];
  const segHeader = (type: number, length: number): void => {
    out.push({ info: `${segmentTypeName(type)} Segment: type 0x${type.toString(16)}, length ${length}` });
  };
  const cmdHdr = dump.command.segment_header as Record<string, number> | undefined;
  out.push({ info: `Resource dump size ${dump.size}` });
  segHeader(RSC_SEGMENT.INFO, INFO_SIZE);
  const i = dump.info as Record<string, number>;
  out.push({ line: `\tdump_version ${i.dump_version}, hw_version ${i.hw_version}, fw_version 0${i.fw_version.toString(16)}` });
  segHeader(cmdHdr?.segment_type ?? RSC_SEGMENT.CMD, (cmdHdr?.length_dw ?? 5) * 4);
  const c = dump.command as Record<string, number>;
  out.push({
    line: `\tsegment_called 0x${c.segment_called.toString(16)}, vhca_id 0x${c.vhca_id.toString(16)}, index1 0x${c.index1.toString(16)}, index2 0x${c.index2.toString(16)}, num_of_obj1 ${c.num_of_obj1}, num_of_obj2 ${c.num_of_obj2}`,
  });
  for (const s of dump.segments) {
    segHeader(s.type, s.length);
    const f = (s.fields ?? {}) as Record<string, number | string>;
    const x = (k: string): string => Number(f[k] ?? 0).toString(16);
    if (s.type === RSC_SEGMENT.TERMINATE) out.push({ info: `end: ${segmentTypeName(s.type)}` });
    else if (s.type === RSC_SEGMENT.ERROR) out.push({ line: `\terror: syndrome 0x${x('syndrome_id')}, ${String(f.error ?? '')}` });
    else if (s.type === RSC_SEGMENT.NOTICE) out.push({ line: `\tnotice: syndrome 0x${x('syndrome_id')}, ${String(f.notice ?? '')}` });
    else if (s.type === RSC_SEGMENT.REFERENCE) {
      out.push({ line: `\treference_segment: 0x${x('reference_segment_type')}, index1 0x${x('index1')}, index2 0x${x('index2')}, num_of_obj1 ${f.num_of_obj1}, num_of_obj2 ${f.num_of_obj2}` });
    } else if (s.type === RSC_SEGMENT.MENU) {
      // Upstream prints an uninitialised 0 as the menu size; the whole dump's size is what it meant.
      out.push({ info: `Resource dump menu size ${dump.size} num of records ${s.records?.length ?? 0}` });
      (s.records ?? []).forEach((r, n) => {
        const type = Number(r.segment_type);
        out.push({ line: `Menu Record ${n}` });
        out.push({ line: `\tsegment_type: 0x${type.toString(16)} (${segmentTypeName(type)})` });
        for (const flag of RECORD_FLAGS) out.push({ line: `\t${flag}: ${Number(r[flag])}` });
        for (const name of ['segment_name', 'index1_name', 'index2_name']) out.push({ line: `\t${name}: ${String(r[name])}` });
      });
    } else if (s.payload !== undefined) {
      out.push({ info: `\tindex1 0x${x('index1')}, index2 0x${x('index2')}` });
      out.push({ raw: hexdump(s.payload) });
    }
  }
  if (dump.overflow !== undefined) out.push({ error: `Segment overflow ${dump.overflow}, data size ${dump.size}` });
  return out;
}
