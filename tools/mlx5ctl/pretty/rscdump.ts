/**
 * A parsed resource dump (src/fw/resource_dump_parse.ts, the library's parser) printed as
 * rscdump.c parse_resource_dump() prints it.
 */
import { ResourceDump, segmentTypeName } from '../../../src/fw/resource_dump_parse';
import { RSC_SEGMENT } from '../../../src/uapi/ifc';
import { hexdump } from '../output';

const INFO_SIZE = 16;

const RECORD_FLAGS = [
  'support_index1', 'must_have_index1', 'support_index2', 'must_have_index2', 'support_num_of_obj1',
  'must_have_num_of_obj1', 'support_num_of_obj2', 'must_have_num_of_obj2', 'num_of_obj1_supports_all',
  'num_of_obj1_supports_active', 'num_of_obj2_supports_all', 'num_of_obj2_supports_active',
] as const;

/** The upstream text: INFO lines on stdout, as `INFO : ` + text; raw lines as they are. */
export function dumpLines(dump: ResourceDump): { info?: string; line?: string; raw?: string; error?: string }[] {
  const out: { info?: string; line?: string; raw?: string; error?: string }[] = [];
  const segHeader = (type: number, length: number): void => {
    out.push({ info: `${segmentTypeName(type)} Segment: type 0x${type.toString(16)}, length ${length}` });
  };
  const cmdHdr = dump.command.segment_header;
  out.push({ info: `Resource dump size ${dump.size}` });
  segHeader(RSC_SEGMENT.INFO, INFO_SIZE);
  const i = dump.info;
  out.push({ line: `\tdump_version ${i.dump_version}, hw_version ${i.hw_version}, fw_version 0${i.fw_version.toString(16)}` });
  segHeader(cmdHdr.segment_type, cmdHdr.length_dw * 4);
  const c = dump.command;
  out.push({
    line: `\tsegment_called 0x${c.segment_called.toString(16)}, vhca_id 0x${c.vhca_id.toString(16)}, index1 0x${c.index1.toString(16)}, index2 0x${c.index2.toString(16)}, num_of_obj1 ${c.num_of_obj1}, num_of_obj2 ${c.num_of_obj2}`,
  });
  const hex = (n: number): string => n.toString(16);
  for (const s of dump.segments) {
    segHeader(s.type, s.length);
    switch (s.kind) {
      case 'terminate':
        out.push({ info: `end: ${segmentTypeName(s.type)}` });
        break;
      case 'error':
        out.push({ line: `\terror: syndrome 0x${hex(s.fields.syndrome_id)}, ${s.fields.error}` });
        break;
      case 'notice':
        out.push({ line: `\tnotice: syndrome 0x${hex(s.fields.syndrome_id)}, ${s.fields.notice}` });
        break;
      case 'reference': {
        const f = s.fields;
        out.push({ line: `\treference_segment: 0x${hex(f.reference_segment_type)}, index1 0x${hex(f.index1)}, index2 0x${hex(f.index2)}, num_of_obj1 ${f.num_of_obj1}, num_of_obj2 ${f.num_of_obj2}` });
        break;
      }
      case 'menu':
        // Upstream prints an uninitialised 0 as the menu size; the whole dump's size is what it meant.
        out.push({ info: `Resource dump menu size ${dump.size} num of records ${s.records.length}` });
        s.records.forEach((r, n) => {
          out.push({ line: `Menu Record ${n}` });
          out.push({ line: `\tsegment_type: 0x${hex(r.segment_type)} (${segmentTypeName(r.segment_type)})` });
          for (const flag of RECORD_FLAGS) out.push({ line: `\t${flag}: ${r[flag]}` });
          for (const name of ['segment_name', 'index1_name', 'index2_name'] as const) out.push({ line: `\t${name}: ${r[name]}` });
        });
        break;
      case 'resource':
        out.push({ info: `\tindex1 0x${hex(s.fields.index1)}, index2 0x${hex(s.fields.index2)}` });
        out.push({ raw: hexdump(s.payload) });
        break;
      case 'other':
        break;
    }
  }
  if (dump.overflow !== undefined) out.push({ error: `Segment overflow ${dump.overflow}, data size ${dump.size}` });
  return out;
}
