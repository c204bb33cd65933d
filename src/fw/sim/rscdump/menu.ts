/**
 * The resource-dump menu: the 45 segment types this ConnectX-7 can dump, with the index names the
 * MENU segment advertises. Names follow the firmware's (the kernel's rsc_dump.c looks segments up by
 * these exact strings: HW_CQPC, FULL_QPC, SND_BUFF, PRM_QUERY_QP ...). `kind` says how the segment
 * is rendered (see render.ts); `objects` which firmware objects index1 names.
 */
import type { ObjectType } from '../object_store';

export type SegmentKind =
  /** An object's context image (HW_*, FULL_*, *_CTX). */
  | 'context'
  /** The object as its PRM QUERY_* command returns it. */
  | 'prm'
  /** Entries of an object's queue buffer: index2 is the first entry, num_of_obj2 the count. */
  | 'buffer'
  /** A hardware pipeline slice: index1 is the slice (0..7). */
  | 'slice'
  /** Every slice. */
  | 'slices';

export interface MenuEntry {
  readonly type: number;
  readonly name: string;
  readonly index1?: string;
  readonly index2?: string;
  readonly kind: SegmentKind;
  /** Object types index1 is looked up in, in order (SQs and RQs share the QP number space). */
  readonly objects?: readonly ObjectType[];
  /** Bytes per buffer entry ('buffer' segments). */
  readonly stride?: number;
}

const QP: readonly ObjectType[] = ['qp', 'sq', 'rq'];

export const MENU: readonly MenuEntry[] = [
  { type: 0x0001, name: 'HW_SQPC', index1: 'QPN', kind: 'context', objects: QP },
  { type: 0x0002, name: 'HW_CQPC', index1: 'QPN', kind: 'context', objects: QP },
  { type: 0x0003, name: 'HW_RQPC', index1: 'QPN', kind: 'context', objects: QP },
  { type: 0x0010, name: 'HW_EQC', index1: 'EQN', kind: 'context', objects: ['eq'] },
  { type: 0x0011, name: 'HW_CQC', index1: 'CQN', kind: 'context', objects: ['cq'] },
  { type: 0x0012, name: 'HW_SRQC', index1: 'SRQN', kind: 'context', objects: ['rmp'] },
  { type: 0x1000, name: 'FULL_QPC', index1: 'QPN', kind: 'context', objects: QP },
  { type: 0x1001, name: 'SND_BUFF', index1: 'QPN', index2: 'WQEBB', kind: 'buffer', objects: ['qp', 'sq'], stride: 64 },
  { type: 0x1002, name: 'RCV_BUFF', index1: 'QPN', index2: 'WQE', kind: 'buffer', objects: ['qp', 'rq'], stride: 16 },
  { type: 0x1003, name: 'RDB', index1: 'QPN', kind: 'context', objects: ['qp'] },
  { type: 0x1100, name: 'FULL_SRQC', index1: 'SRQN', kind: 'context', objects: ['rmp'] },
  { type: 0x1101, name: 'SRQ_BUFF', index1: 'SRQN', index2: 'WQE', kind: 'buffer', objects: ['rmp'], stride: 16 },
  { type: 0x1200, name: 'FULL_CQC', index1: 'CQN', kind: 'context', objects: ['cq'] },
  { type: 0x1201, name: 'CQ_BUFF', index1: 'CQN', index2: 'CQE', kind: 'buffer', objects: ['cq'], stride: 64 },
  { type: 0x1300, name: 'FULL_EQC', index1: 'EQN', kind: 'context', objects: ['eq'] },
  { type: 0x1301, name: 'EQ_BUFF', index1: 'EQN', index2: 'EQE', kind: 'buffer', objects: ['eq'], stride: 64 },
  { type: 0x1310, name: 'MKEY_CTX', index1: 'MKEY', kind: 'context', objects: ['mkey'] },
  { type: 0x1318, name: 'FLOW_COUNTER', index1: 'COUNTER_ID', kind: 'context', objects: ['flow_counter'] },
  { type: 0x1400, name: 'FULL_DCTC', index1: 'DCTN', kind: 'context', objects: ['general'] },
  { type: 0x1500, name: 'FULL_RMPC', index1: 'RMPN', kind: 'context', objects: ['rmp'] },
  { type: 0x1600, name: 'TIR_CTX', index1: 'TIRN', kind: 'context', objects: ['tir'] },
  { type: 0x1601, name: 'TIS_CTX', index1: 'TISN', kind: 'context', objects: ['tis'] },
  { type: 0x1602, name: 'RQT_CTX', index1: 'RQTN', kind: 'context', objects: ['rqt'] },
  { type: 0x1700, name: 'PD_CTX', index1: 'PDN', kind: 'context', objects: ['pd'] },
  { type: 0x2000, name: 'RX_SLICE', index1: 'SLICE', kind: 'slice' },
  { type: 0x2001, name: 'RX_SLICE_ALL', kind: 'slices' },
  { type: 0x3000, name: 'SX_SLICE', index1: 'SLICE', kind: 'slice' },
  { type: 0x3001, name: 'SX_SLICE_ALL', kind: 'slices' },
  { type: 0x3100, name: 'FT_CTX', index1: 'TABLE_ID', kind: 'context', objects: ['flow_table'] },
  { type: 0x3101, name: 'FG_CTX', index1: 'TABLE_ID', index2: 'GROUP_ID', kind: 'context', objects: ['flow_table'] },
  { type: 0x4000, name: 'PRM_QUERY_QP', index1: 'QPN', kind: 'prm', objects: ['qp'] },
  { type: 0x4001, name: 'PRM_QUERY_CQ', index1: 'CQN', kind: 'prm', objects: ['cq'] },
  { type: 0x4002, name: 'PRM_QUERY_EQ', index1: 'EQN', kind: 'prm', objects: ['eq'] },
  { type: 0x4003, name: 'PRM_QUERY_SQ', index1: 'SQN', kind: 'prm', objects: ['sq'] },
  { type: 0x4004, name: 'PRM_QUERY_RQ', index1: 'RQN', kind: 'prm', objects: ['rq'] },
  { type: 0x4005, name: 'PRM_QUERY_RMP', index1: 'RMPN', kind: 'prm', objects: ['rmp'] },
  { type: 0x4006, name: 'PRM_QUERY_TIR', index1: 'TIRN', kind: 'prm', objects: ['tir'] },
  { type: 0x4007, name: 'PRM_QUERY_TIS', index1: 'TISN', kind: 'prm', objects: ['tis'] },
  { type: 0x4008, name: 'PRM_QUERY_RQT', index1: 'RQTN', kind: 'prm', objects: ['rqt'] },
  { type: 0x4010, name: 'QUERY_FT', index1: 'TABLE_ID', kind: 'prm', objects: ['flow_table'] },
  { type: 0x4012, name: 'QUERY_FG', index1: 'TABLE_ID', index2: 'GROUP_ID', kind: 'prm', objects: ['flow_table'] },
  { type: 0x4014, name: 'QUERY_FTE', index1: 'TABLE_ID', index2: 'FLOW_IX', kind: 'prm', objects: ['flow_table'] },
  { type: 0x4020, name: 'QUERY_Q_COUNTER', index1: 'COUNTER_ID', kind: 'prm', objects: ['q_counter'] },
  { type: 0x4030, name: 'PRM_QUERY_MKEY', index1: 'MKEY', kind: 'prm', objects: ['mkey'] },
  { type: 0x4040, name: 'PRM_QUERY_UMEM', index1: 'UMEM_ID', kind: 'prm', objects: ['umem'] },
];

const byType = new Map(MENU.map((e) => [e.type, e]));
export const menuEntry = (type: number): MenuEntry | undefined => byType.get(type);
