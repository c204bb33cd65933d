/**
 * QUERY_TIS / QUERY_TIR / QUERY_RQT: the transport interface objects that tie the netdev's
 * traffic to its queues (SQ → TIS for transmit; TIR → RQT → RQs for receive-side scaling).
 */
import { Opcode } from '../../opcodes';
import { layout } from '../../../uapi/ifc';
import { setBits } from '../../../uapi/ifc/bits';
import type { CommandDef } from '../command';
import { RQTC, RQTC_RQ_NUM_BYTE, TIRC, TIRC_TOEPLITZ_KEY_BYTE, TISC, contextBase, fill } from './contexts';
import { buf, num, nums } from './ctx';
import { readableObject } from './ownership';

const TIR_DISP_INDIRECT = 1;
const RX_HASH_TOEPLITZ = 2;

const tisIn = layout('query_tis_in');
const tirIn = layout('query_tir_in');
const rqtIn = layout('query_rqt_in');
const TIS_CTX = contextBase('query_tis_out', 'tis_context');
const TIR_CTX = contextBase('query_tir_out', 'tir_context');
const RQT_CTX = contextBase('query_rqt_out', 'rqt_context');

export const queryTis: CommandDef = {
  opcode: Opcode.QUERY_TIS,
  inLen: tisIn.size,
  outLen: layout('query_tis_out').size,
  run({ inbox, outbox, uid, state }) {
    const tis = readableObject(state, 'tis', tisIn.uint('tisn').get(inbox), uid);
    fill(outbox, TIS_CTX, TISC, { prio: num(tis, 'prio'), transport_domain: num(tis, 'td') });
  },
};

export const queryTir: CommandDef = {
  opcode: Opcode.QUERY_TIR,
  inLen: tirIn.size,
  outLen: layout('query_tir_out').size,
  run({ inbox, outbox, uid, state }) {
    const tir = readableObject(state, 'tir', tirIn.uint('tirn').get(inbox), uid);
    const hashFn = num(tir, 'hashFn');
    fill(outbox, TIR_CTX, TIRC, {
      disp_type: TIR_DISP_INDIRECT,
      indirect_table: num(tir, 'rqtn'),
      rx_hash_fn: hashFn,
      self_lb_block: num(tir, 'selfLb'),
      transport_domain: num(tir, 'td'),
      outer_l3_prot_type: num(tir, 'l3'),
      outer_l4_prot_type: num(tir, 'l4'),
      outer_selected_fields: num(tir, 'fields'),
    });
    // Only Toeplitz uses the key; XOR8 (direct TIRs) leaves it zero, as mlx5e does.
    const key = buf(tir, 'key');
    if (hashFn === RX_HASH_TOEPLITZ && key) key.copy(outbox, TIR_CTX + TIRC_TOEPLITZ_KEY_BYTE, 0, 40);
  },
};

/**
 * The rq_num list follows the fixed outbox; entries are written as far as the caller's outbox
 * reaches (mlx5ctl's `obj rqt` passes the fixed 272 bytes and so sees only the context).
 */
export const queryRqt: CommandDef = {
  opcode: Opcode.QUERY_RQT,
  inLen: rqtIn.size,
  outLen: layout('query_rqt_out').size,
  run({ inbox, outbox, uid, state }) {
    const rqt = readableObject(state, 'rqt', rqtIn.uint('rqtn').get(inbox), uid);
    const rqns = nums(rqt, 'rqns');
    fill(outbox, RQT_CTX, RQTC, { rqt_max_size: num(rqt, 'maxSize', rqns.length), rqt_actual_size: rqns.length });
    const first = RQT_CTX + RQTC_RQ_NUM_BYTE;
    const fit = Math.min(rqns.length, Math.floor((outbox.length - first) / 4));
    for (let i = 0; i < fit; i++) setBits(outbox, (first + i * 4) * 8 + 8, 24, rqns[i] ?? 0);
  },
};

export const steeringQueries: readonly CommandDef[] = [queryTis, queryTir, queryRqt];
