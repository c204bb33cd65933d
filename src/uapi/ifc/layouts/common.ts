/**
 * Header fields every command mailbox starts with (PRM "mbox_in"/"mbox_out"), spread into each
 * command layout so that a layout reads top to bottom like its mlx5_ifc struct.
 */
import type { FieldSrc } from '../types';

/** Inbox header: opcode, the UID the broker stamps on every command, op_mod. Bits 0x20-0x2f reserved. */
export const IN_HDR: readonly FieldSrc[] = [
  ['opcode', 0x0, 0x10],
  ['uid', 0x10, 0x10],
  ['op_mod', 0x30, 0x10],
];

/** Outbox header: FW status and syndrome; the status travels here, never as an errno. */
export const OUT_HDR: readonly FieldSrc[] = [
  ['status', 0x0, 8],
  ['syndrome', 0x20, 0x20],
];
