/**
 * The objects a session may create through raw RPCs (PD, MKEY) are recorded from the firmware's
 * answer, with the command that frees them under the session's UID; a successful destroy by the
 * client drops the record. Whatever is left is freed when the session is released.
 */
import { newInbox, outboxStatus } from '../fw/mailbox';
import { Opcode } from '../fw/opcodes';
import { getBits, setBits } from '../uapi/ifc/bits';
import { SessionView } from './types';

interface TrackedKind {
  kind: string;
  create: number;
  destroy: number;
  /** Where the id sits: create's outbox and destroy's inbox (both @0x48/24 for PD and MKEY). */
  idBit: number;
  idWidth: number;
  destroyInLen: number;
}

const kinds: TrackedKind[] = [
  { kind: 'pd', create: Opcode.ALLOC_PD, destroy: Opcode.DEALLOC_PD, idBit: 0x48, idWidth: 24, destroyInLen: 16 },
  { kind: 'mkey', create: Opcode.CREATE_MKEY, destroy: Opcode.DESTROY_MKEY, idBit: 0x48, idWidth: 24, destroyInLen: 16 },
];

/** Updates the session's records after an RPC that the firmware answered with status 0. */
export function trackRpcResult(session: SessionView, opcode: number, inbox: Buffer, outbox: Buffer): void {
  if (outboxStatus(outbox) !== 0) return;
  for (const k of kinds) {
    if (opcode === k.create && outbox.length >= 16) {
      const id = getBits(outbox, k.idBit, k.idWidth);
      session.objects.add({
        kind: k.kind,
        id,
        pinnedBytes: 0,
        destroy: async () => {
          // A removed device took its objects with it; there is nobody to tell.
          if (session.device.removed) return;
          const cmd = newInbox(k.destroy, k.destroyInLen, 0, session.fwUid);
          setBits(cmd, k.idBit, k.idWidth, id);
          const out = await session.execute(cmd, 16, session.maxScope);
          if (outboxStatus(out) !== 0) throw new Error(`${k.kind} ${id}: destroy returned status 0x${outboxStatus(out).toString(16)}`);
        },
      });
    } else if (opcode === k.destroy && inbox.length >= 16) {
      session.objects.remove(k.kind, getBits(inbox, k.idBit, k.idWidth));
    }
  }
}
