/**
 * The 16-byte command mailbox headers every PRM command starts with.
 *   inbox:  opcode@0x00/16, uid@0x10/16, op_mod@0x30/16, 8 command-specific bytes
 *   outbox: status@0x00/8, syndrome@0x20/32, 8 command-specific bytes
 */
import { getBits, setBits } from '../uapi/ifc/bits';

export const MAILBOX_HEADER_SIZE = 16;

export const inboxOpcode = (inbox: Buffer): number => getBits(inbox, 0x00, 16);
export const inboxUid = (inbox: Buffer): number => getBits(inbox, 0x10, 16);
export const inboxOpMod = (inbox: Buffer): number => getBits(inbox, 0x30, 16);
export const setInboxUid = (inbox: Buffer, uid: number): void => setBits(inbox, 0x10, 16, uid);

export const outboxStatus = (outbox: Buffer): number => getBits(outbox, 0x00, 8);
export const outboxSyndrome = (outbox: Buffer): number => getBits(outbox, 0x20, 32);

/** Builds an inbox header (and room for `size` bytes in all). */
export function newInbox(opcode: number, size: number, opMod = 0, uid = 0): Buffer {
  const inbox = Buffer.alloc(Math.max(size, MAILBOX_HEADER_SIZE));
  setBits(inbox, 0x00, 16, opcode);
  setBits(inbox, 0x10, 16, uid);
  setBits(inbox, 0x30, 16, opMod);
  return inbox;
}

/**
 * A zeroed outbox. Small ones are cut from Node's shared allocation pool (what allocUnsafe
 * uses, then zeroed here) rather than each being its own malloc'd ArrayBuffer: one per RPC was
 * a measurable share of the broker's CPU (malloc, free, the ArrayBuffer sweeper). The pool takes
 * sizes under half of Buffer.poolSize, which the broker raises for its 4 KiB cap outboxes.
 */
export function newOutbox(outlen: number): Buffer {
  return outlen < Buffer.poolSize >>> 1 ? Buffer.allocUnsafe(outlen).fill(0) : Buffer.alloc(outlen);
}

export function setOutboxStatus(outbox: Buffer, status: number, syndrome: number): void {
  setBits(outbox, 0x00, 8, status);
  setBits(outbox, 0x20, 32, syndrome);
}
