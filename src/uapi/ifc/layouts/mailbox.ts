/** Mailbox headers and the generic inbox used for commands with no command-specific layout here. */
import type { LayoutFamily } from '../types';
import { IN_HDR, OUT_HDR } from './common';

export const mailbox: LayoutFamily = {
  mbox_in: {
    size: 16,
    doc: 'command inbox header; bytes 8-15 are command specific',
    fields: [...IN_HDR, { name: 'command_specific', bit: 0x40, kind: 'bytes', width: 0x40 }],
  },
  mbox_out: {
    size: 16,
    doc: 'command outbox header; bytes 8-15 are command specific',
    fields: [...OUT_HDR, { name: 'command_specific', bit: 0x40, kind: 'bytes', width: 0x40 }],
  },
  general_obj_in_cmd_hdr: {
    size: 16,
    doc: 'general object commands: obj_type takes the place of op_mod',
    fields: [
      ['opcode', 0x0, 0x10],
      ['uid', 0x10, 0x10],
      ['vhca_tunnel_id', 0x20, 0x10],
      ['obj_type', 0x30, 0x10],
      ['obj_id', 0x40, 0x20],
      ['log_obj_range', 0x63, 5],
    ],
  },
  general_obj_out_cmd_hdr: {
    size: 16,
    fields: [...OUT_HDR, ['obj_id', 0x40, 0x20]],
  },
  nop_in: { size: 16, fields: [...IN_HDR] },
  nop_out: { size: 16, fields: [...OUT_HDR] },
};
