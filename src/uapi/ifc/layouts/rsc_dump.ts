/**
 * RESOURCE_DUMP (register 0xC000) and CORE_DUMP (register 0x402E), both reached through ACCESS_REG,
 * plus the segments of the resource-dump response stream. Every segment starts with
 * {length_dw, segment_type}; length_dw counts dwords and includes the header.
 */
import type { LayoutFamily } from '../types';

export const RSC_SEGMENT = {
  MENU: 0xffff,
  INFO: 0xfffe,
  REFERENCE: 0xfffd,
  ERROR: 0xfffc,
  TERMINATE: 0xfffb,
  CMD: 0xfffa,
  NOTICE: 0xfff9,
} as const;

const HEADER = { name: 'segment_header', bit: 0x0, kind: 'struct', of: 'resource_dump_segment_header' } as const;

export const rscDump: LayoutFamily = {
  resource_dump: {
    size: 256,
    doc: 'inline mode returns up to 208 B in inline_data; umem mode writes size bytes at address via mkey',
    fields: [
      ['more_dump', 0x0, 1],
      ['inline_dump', 0x1, 1],
      { name: 'vhca_id_valid', bit: 0x2, width: 1, doc: 'newer PRM: vhca_id selects another function' },
      ['seq_num', 0xc, 4],
      ['segment_type', 0x10, 0x10],
      ['vhca_id', 0x30, 0x10],
      ['index1', 0x40, 0x20],
      ['index2', 0x60, 0x20],
      ['num_of_obj1', 0x80, 0x10],
      ['num_of_obj2', 0x90, 0x10],
      ['device_opaque', 0xc0, 64],
      ['mkey', 0x100, 0x20],
      ['size', 0x120, 0x20],
      ['address', 0x140, 64],
      { name: 'inline_data', bit: 0x180, kind: 'array', of: 'uint', stride: 0x20, count: 52 },
    ],
  },
  resource_dump_segment_header: {
    size: 4,
    fields: [['length_dw', 0x0, 0x10], ['segment_type', 0x10, 0x10]],
  },
  resource_dump_info_segment: {
    size: 16,
    fields: [HEADER, ['dump_version', 0x20, 0x20], ['hw_version', 0x40, 0x20], ['fw_version', 0x60, 0x20]],
  },
  resource_dump_command_segment: {
    size: 20,
    fields: [
      HEADER,
      ['segment_called', 0x20, 0x10],
      ['vhca_id', 0x30, 0x10],
      ['index1', 0x40, 0x20],
      ['index2', 0x60, 0x20],
      ['num_of_obj1', 0x80, 0x10],
      ['num_of_obj2', 0x90, 0x10],
    ],
  },
  resource_dump_error_segment: {
    size: 48,
    fields: [HEADER, ['syndrome_id', 0x30, 0x10], { name: 'error', bit: 0x80, kind: 'string', width: 0x100 }],
  },
  resource_dump_notice_segment: {
    size: 48,
    doc: 'same shape as the error segment; a warning that does not end the dump',
    fields: [HEADER, ['syndrome_id', 0x30, 0x10], { name: 'notice', bit: 0x80, kind: 'string', width: 0x100 }],
  },
  resource_dump_terminate_segment: { size: 4, fields: [HEADER] },
  resource_dump_reference_segment: {
    size: 20,
    doc: 'points at another segment to dump with the given indexes',
    fields: [
      HEADER,
      ['reference_segment_type', 0x30, 0x10],
      ['index1', 0x40, 0x20],
      ['index2', 0x60, 0x20],
      ['num_of_obj1', 0x80, 0x10],
      ['num_of_obj2', 0x90, 0x10],
    ],
  },
  resource_dump_resource_segment: {
    size: 16,
    fields: [
      HEADER,
      ['index1', 0x40, 0x20],
      ['index2', 0x60, 0x20],
      { name: 'payload', bit: 0x80, kind: 'array', of: 'uint', stride: 0x20, count: 0 },
    ],
  },
  resource_dump_menu_record: {
    size: 52,
    fields: [
      ['num_of_obj2_supports_active', 0x4, 1],
      ['num_of_obj2_supports_all', 0x5, 1],
      ['must_have_num_of_obj2', 0x6, 1],
      ['support_num_of_obj2', 0x7, 1],
      ['num_of_obj1_supports_active', 0x8, 1],
      ['num_of_obj1_supports_all', 0x9, 1],
      ['must_have_num_of_obj1', 0xa, 1],
      ['support_num_of_obj1', 0xb, 1],
      ['must_have_index2', 0xc, 1],
      ['support_index2', 0xd, 1],
      ['must_have_index1', 0xe, 1],
      ['support_index1', 0xf, 1],
      ['segment_type', 0x10, 0x10],
      { name: 'segment_name', bit: 0x20, kind: 'string', width: 0x80 },
      { name: 'index1_name', bit: 0xa0, kind: 'string', width: 0x80 },
      { name: 'index2_name', bit: 0x120, kind: 'string', width: 0x80 },
    ],
  },
  resource_dump_menu_segment: {
    size: 8,
    fields: [
      HEADER,
      ['num_of_records', 0x30, 0x10],
      { name: 'record', bit: 0x40, kind: 'array', of: 'resource_dump_menu_record', count: 0 },
    ],
  },
  core_dump_reg: {
    size: 64,
    doc: 'core_dump_type 0 GENERAL, 1 QP, 2 CR_DUMP_TO_MEM',
    fields: [
      ['more_dump', 0x0, 1],
      ['core_dump_type', 0x18, 8],
      ['vhca_id', 0x50, 0x10],
      ['qpn', 0x68, 0x18],
      ['mkey', 0x80, 0x20],
      ['size', 0xa0, 0x20],
      ['address', 0xc0, 64],
      ['cookie', 0x100, 64],
    ],
  },
};
