/**
 * ACCESS_REG (0x805) and ACCESS_REGISTER_USER (0xb0c): the register payload follows the 16-byte
 * header and is laid out by the register's own layout (see registers*.ts, rsc_dump.ts).
 */
import type { LayoutFamily } from '../types';
import { IN_HDR, OUT_HDR } from './common';

export const accessReg: LayoutFamily = {
  access_register_in: {
    size: 16,
    doc: 'op_mod 0 = write, 1 = read',
    fields: [
      ...IN_HDR,
      ['register_id', 0x50, 0x10],
      ['argument', 0x60, 0x20],
      { name: 'register_data', bit: 0x80, kind: 'array', of: 'uint', stride: 0x20, count: 0 },
    ],
  },
  access_register_out: {
    size: 16,
    fields: [...OUT_HDR, { name: 'register_data', bit: 0x80, kind: 'array', of: 'uint', stride: 0x20, count: 0 }],
  },
};
