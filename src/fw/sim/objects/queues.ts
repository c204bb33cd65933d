/**
 * QUERY_EQ / QUERY_CQ / QUERY_SQ / QUERY_RQ / QUERY_QP over the driver's queues. Static context
 * fields come from the object; producer/consumer counters come from the clock (traffic.ts), and a
 * queue's counters agree with its CQ's because both derive from the same rate.
 */
import { Opcode } from '../../opcodes';
import { layout } from '../../../uapi/ifc';
import type { CommandDef } from '../command';
import type { FwObject } from '../object_store';
import type { SimState } from '../state';
import { DRIVER_UAR, QP_RTS, QUEUE_RDY } from './bringup';
import { CQC, QPC, RQC, SQC, WQ, WQ_IN_SQC_RQC, contextBase, fill } from './contexts';
import { num, str } from './ctx';
import { readableObject } from './ownership';
import { MASK16, MASK24, eventsSoFar, ringCounters } from './traffic';

const EQ_ST_ARMED = 0x9;
const CQ_ST_ARMED = 0x9;
const CQ_ST_FIRED = 0xa;
const WQ_CYCLIC = 1;
/** How many WQEs/CQEs may be in flight between producer and consumer when sampled. */
const MAX_INFLIGHT = 3;

const eqIn = layout('query_eq_in');
const eqOut = layout('query_eq_out');
const cqIn = layout('query_cq_in');
const sqIn = layout('query_sq_in');
const rqIn = layout('query_rq_in');
const qpIn = layout('query_qp_in');
const CQ_CTX = contextBase('query_cq_out', 'cq_context');
const SQ_CTX = contextBase('query_sq_out', 'sq_context');
const RQ_CTX = contextBase('query_rq_out', 'rq_context');
const QP_CTX = contextBase('query_qp_out', 'qpc');

/** Completions of a CQ (or work done by its queue) so far. */
const completions = (state: SimState, obj: FwObject): number => eventsSoFar(state, num(obj, 'rate'), num(obj, 'atBoot'));

export const queryEq: CommandDef = {
  opcode: Opcode.QUERY_EQ,
  inLen: eqIn.size,
  outLen: eqOut.size,
  run({ inbox, outbox, uid, state }) {
    const eq = readableObject(state, 'eq', eqIn.uint('eq_number').get(inbox), uid);
    // The driver's IRQ handler drains EQs as they fill, so the consumer sits on the producer.
    const produced = completions(state, eq) & MASK24;
    const set = (f: string, v: number): void => eqOut.uint(`eq_context_entry.${f}`).set(outbox, v);
    set('status', 0);
    set('st', EQ_ST_ARMED);
    set('log_eq_size', num(eq, 'logSize'));
    set('uar_page', DRIVER_UAR);
    set('intr', num(eq, 'intr'));
    set('log_page_size', 0);
    set('consumer_counter', produced);
    set('producer_counter', produced);
    eqOut.u64('event_bitmask').set(outbox, BigInt(num(eq, 'bitmask')));
  },
};

export const queryCq: CommandDef = {
  opcode: Opcode.QUERY_CQ,
  inLen: cqIn.size,
  outLen: layout('query_cq_out').size,
  run({ inbox, outbox, uid, state }) {
    const cq = readableObject(state, 'cq', cqIn.uint('cqn').get(inbox), uid);
    const { producer, consumer } = ringCounters(completions(state, cq), MAX_INFLIGHT);
    fill(outbox, CQ_CTX, CQC, {
      status: 0,
      cqe_sz: 0,
      st: producer === consumer ? CQ_ST_ARMED : CQ_ST_FIRED,
      log_cq_size: num(cq, 'logSize'),
      uar_page: DRIVER_UAR,
      cq_period: num(cq, 'period'),
      cq_max_count: num(cq, 'count'),
      c_eqn: num(cq, 'eqn'),
      last_notified_index: consumer & MASK24,
      consumer_counter: consumer & MASK24,
      producer_counter: producer & MASK24,
      dbr_addr: num(cq, 'dbr'),
    });
  },
};

function fillWq(outbox: Buffer, base: number, obj: FwObject, stride: number, sw: number, hw: number): void {
  fill(outbox, base + WQ_IN_SQC_RQC / 8, WQ, {
    wq_type: WQ_CYCLIC,
    pd: num(obj, 'pd'),
    uar_page: DRIVER_UAR,
    dbr_addr: num(obj, 'dbr'),
    hw_counter: hw & MASK16,
    sw_counter: sw & MASK16,
    log_wq_stride: stride,
    log_wq_pg_sz: 0,
    log_wq_sz: num(obj, 'logWqSz'),
  });
}

export const querySq: CommandDef = {
  opcode: Opcode.QUERY_SQ,
  inLen: sqIn.size,
  outLen: layout('query_sq_out').size,
  run({ inbox, outbox, uid, state }) {
    const sq = readableObject(state, 'sq', sqIn.uint('sqn').get(inbox), uid);
    const txq = str(sq, 'kind') === 'txq';
    const tisn = num(sq, 'tisn');
    // pc = WQEBBs posted, cc = WQEBBs completed (what the SQ's CQ has reported)
    const { producer, consumer } = ringCounters(completions(state, sq), MAX_INFLIGHT);
    fill(outbox, SQ_CTX, SQC, {
      flush_in_error_en: 1,
      allow_multi_pkt_send_wqe: txq ? 1 : 0,
      state: num(sq, 'state', QUEUE_RDY),
      reg_umr: txq ? 0 : 1,
      allow_swp: txq ? 1 : 0,
      cqn: num(sq, 'cqn'),
      tis_lst_sz: tisn === 0 ? 0 : 1,
      tis_num_0: tisn,
    });
    fillWq(outbox, SQ_CTX, sq, 6, producer, consumer);
  },
};

export const queryRq: CommandDef = {
  opcode: Opcode.QUERY_RQ,
  inLen: rqIn.size,
  outLen: layout('query_rq_out').size,
  run({ inbox, outbox, uid, state }) {
    const rq = readableObject(state, 'rq', rqIn.uint('rqn').get(inbox), uid);
    // The ring was filled at open; software reposts each consumed WQE, so posted = received + ring.
    const received = completions(state, rq);
    fill(outbox, RQ_CTX, RQC, {
      state: num(rq, 'state', QUEUE_RDY),
      flush_in_error_en: 1,
      cqn: num(rq, 'cqn'),
      counter_set_id: num(rq, 'counterSetId'),
    });
    fillWq(outbox, RQ_CTX, rq, 4, received + (1 << num(rq, 'logWqSz')), received);
  },
};

export const queryQp: CommandDef = {
  opcode: Opcode.QUERY_QP,
  inLen: qpIn.size,
  outLen: layout('query_qp_out').size,
  run({ inbox, outbox, uid, state }) {
    const qp = readableObject(state, 'qp', qpIn.uint('qpn').get(inbox), uid);
    const sent = completions(state, qp) & MASK24;
    const cqn = num(qp, 'cqn');
    fill(outbox, QP_CTX, QPC, {
      state: num(qp, 'state', QP_RTS),
      st: num(qp, 'st'),
      pm_state: 3,
      pd: num(qp, 'pd'),
      mtu: 4,
      log_msg_max: 30,
      log_rq_size: num(qp, 'logRq'),
      log_rq_stride: 2,
      log_sq_size: num(qp, 'logSq'),
      uar_page: DRIVER_UAR,
      primary_vhca_port_num: 1,
      next_send_psn: sent,
      ssn: sent,
      cqn_snd: cqn,
      deth_sqpn: num(qp, 'dethSqpn'),
      cqn_rcv: cqn,
      dbr_addr: num(qp, 'dbr'),
      q_key: num(qp, 'qkey'),
    });
  },
};

export const queueQueries: readonly CommandDef[] = [queryEq, queryCq, querySq, queryRq, queryQp];
