/**
 * Resource-dump images of the driver's objects, made by the code that answers their QUERY_*
 * commands, so a dump and a query taken at the same moment agree byte for byte:
 *  - a `context` segment (HW_CQC, FULL_QPC, TIR_CTX, MKEY_CTX ...) carries the PRM context as
 *    the query returns it (cqc, qpc, sqc, rqc, eqc, tisc, tirc, rqtc, mkc);
 *  - a `prm` segment (PRM_QUERY_CQ, QUERY_Q_COUNTER ...) carries the whole QUERY_* outbox, header
 *    included (status 0).
 * The query runs as the kernel (uid 0), which may read every object; the dump register's own
 * access rules were applied before rendering started.
 */
import { Opcode } from '../../opcodes';
import { layout } from '../../../uapi/ifc';
import type { CommandDef } from '../command';
import type { FwObject, ObjectType } from '../object_store';
import { setObjectImager } from '../rscdump';
import type { SegmentKind } from '../rscdump/menu';
import type { SimState } from '../state';

interface ImageSource {
  readonly type: ObjectType;
  readonly opcode: number;
  readonly inLayout: string;
  /** The inbox field naming the object. */
  readonly idField: string;
  readonly outLayout: string;
  /** The outbox field holding the object's PRM context; absent: `context` segments get the outbox. */
  readonly context?: string;
}

const SOURCES: readonly ImageSource[] = [
  { type: 'eq', opcode: Opcode.QUERY_EQ, inLayout: 'query_eq_in', idField: 'eq_number', outLayout: 'query_eq_out', context: 'eq_context_entry' },
  { type: 'cq', opcode: Opcode.QUERY_CQ, inLayout: 'query_cq_in', idField: 'cqn', outLayout: 'query_cq_out', context: 'cq_context' },
  { type: 'qp', opcode: Opcode.QUERY_QP, inLayout: 'query_qp_in', idField: 'qpn', outLayout: 'query_qp_out', context: 'qpc' },
  { type: 'sq', opcode: Opcode.QUERY_SQ, inLayout: 'query_sq_in', idField: 'sqn', outLayout: 'query_sq_out', context: 'sq_context' },
  { type: 'rq', opcode: Opcode.QUERY_RQ, inLayout: 'query_rq_in', idField: 'rqn', outLayout: 'query_rq_out', context: 'rq_context' },
  { type: 'tis', opcode: Opcode.QUERY_TIS, inLayout: 'query_tis_in', idField: 'tisn', outLayout: 'query_tis_out', context: 'tis_context' },
  { type: 'tir', opcode: Opcode.QUERY_TIR, inLayout: 'query_tir_in', idField: 'tirn', outLayout: 'query_tir_out', context: 'tir_context' },
  { type: 'rqt', opcode: Opcode.QUERY_RQT, inLayout: 'query_rqt_in', idField: 'rqtn', outLayout: 'query_rqt_out', context: 'rqt_context' },
  { type: 'mkey', opcode: Opcode.QUERY_MKEY, inLayout: 'query_mkey_in', idField: 'mkey_index', outLayout: 'query_mkey_out', context: 'memory_key_mkey_entry' },
  { type: 'q_counter', opcode: Opcode.QUERY_Q_COUNTER, inLayout: 'query_q_counter_in', idField: 'counter_set_id', outLayout: 'query_q_counter_out' },
];

function image(state: SimState, command: CommandDef, src: ImageSource, obj: FwObject, kind: SegmentKind): Buffer {
  const inLayout = layout(src.inLayout);
  const inbox = Buffer.alloc(Math.max(command.inLen, inLayout.size));
  inbox.writeUInt16BE(command.opcode, 0);
  inLayout.uint(src.idField).set(inbox, obj.id);
  const outbox = Buffer.alloc(Math.max(command.outLen, layout(src.outLayout).size));
  command.run({ inbox, outbox, uid: 0, opMod: 0, state });
  if (kind === 'prm' || src.context === undefined) return outbox;
  const ctx = layout(src.outLayout).field(src.context);
  return Buffer.from(outbox.subarray(ctx.bit / 8, (ctx.bit + ctx.width) / 8));
}

/** Registers the query-backed images for every object type whose QUERY_* is among `commands`. */
export function installDumpImages(state: SimState, commands: readonly CommandDef[]): void {
  const byOpcode = new Map(commands.map((c) => [c.opcode, c]));
  for (const src of SOURCES) {
    const command = byOpcode.get(src.opcode);
    if (command === undefined) throw new Error(`dump image of ${src.type}: no QUERY command 0x${src.opcode.toString(16)}`);
    setObjectImager(state, src.type, (obj, kind) => image(state, command, src, obj, kind));
  }
}
