/**
 * The objects a session may create through raw RPCs (PD, MKEY) are recorded from the firmware's
 * answer, with the command that frees them under the session's UID; a successful destroy by the
 * client drops the record. Whatever is left is freed when the session is released. Each record
 * holds one share of the object quota, taken before the create ran (objectChargeFor).
 */
import { newInbox, outboxStatus } from '../fw/mailbox';
import { Opcode } from '../fw/opcodes';
import { getBits, setBits } from '../uapi/ifc/bits';
import { ObjectCharge, ObjectQuota, ObjectRefusal } from './object_quota';
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

/**
 * For an RPC that creates a tracked object: its share of the quota (a refusal when a limit would
 * be passed). Undefined for any other RPC.
 */
export function objectChargeFor(quota: ObjectQuota, session: SessionView, opcode: number): ObjectCharge | ObjectRefusal | undefined {
  if (!kinds.some((k) => k.create === opcode)) return undefined;
  return quota.charge(session.id, session.peer.uid);
}

/**
 * Updates the session's records after an RPC the firmware answered. `charge` (from
 * objectChargeFor) goes to the new record, or back to the quota when nothing was created.
 */
export function trackRpcResult(session: SessionView, opcode: number, inbox: Buffer, outbox: Buffer, charge?: ObjectCharge): void {
  let kept = false;
  try {
    if (outboxStatus(outbox) === 0) kept = recordResult(session, opcode, inbox, outbox, charge);
  } finally {
    if (!kept) charge?.release();
  }
}

/** True when a new record took `charge`. */
function recordResult(session: SessionView, opcode: number, inbox: Buffer, outbox: Buffer, charge: ObjectCharge | undefined): boolean {
  for (const k of kinds) {
    if (opcode === k.create && outbox.length >= 16) {
      const id = getBits(outbox, k.idBit, k.idWidth);
      session.objects.add({
        kind: k.kind,
        id,
        pinnedBytes: 0,
        charge,
        destroy: async () => {
          // A removed device took its objects with it; there is nobody to tell.
          if (session.device.removed) return;
          const cmd = newInbox(k.destroy, k.destroyInLen, 0, session.fwUid);
          setBits(cmd, k.idBit, k.idWidth, id);
          const out = await session.execute(cmd, 16, session.maxScope);
          if (outboxStatus(out) !== 0) throw new Error(`${k.kind} ${id}: destroy returned status 0x${outboxStatus(out).toString(16)}`);
        },
      });
      return true;
    } else if (opcode === k.destroy && inbox.length >= 16) {
      session.objects.remove(k.kind, getBits(inbox, k.idBit, k.idWidth));
    }
  }
  return false;
}
