/**
 * Syndromes of the object commands, kept here until errors.ts grows them (requested upstream).
 * Each names one check, so a tool or test can tell "no such CQ" from "CQ owned by another UID".
 */
export const ObjSyndrome = {
  /** Object id not found, per object type (status BAD_RES). */
  NO_SUCH_EQ: 0x61e0a001,
  NO_SUCH_CQ: 0x61e0a002,
  NO_SUCH_QP: 0x61e0a003,
  NO_SUCH_SQ: 0x61e0a004,
  NO_SUCH_RQ: 0x61e0a005,
  NO_SUCH_TIS: 0x61e0a006,
  NO_SUCH_TIR: 0x61e0a007,
  NO_SUCH_RQT: 0x61e0a008,
  NO_SUCH_MKEY: 0x61e0a009,
  NO_SUCH_Q_COUNTER: 0x61e0a00a,
  NO_SUCH_PD: 0x61e0a00b,
  NO_SUCH_GENERAL_OBJECT: 0x61e0a00c,
  NO_SUCH_OBJECT: 0x61e0a00f,
  /** A user UID touched (modify/destroy, or read) an object another user UID owns (BAD_PARAM). */
  UID_NOT_OWNER: 0x61e0b001,
  /** The object is still referenced (an SQ on a CQ, a TIR on an RQT...) (BAD_RES_STATE). */
  OBJECT_IN_USE: 0x61e0b002,
  /** other_vport with a vport number this function does not manage (BAD_PARAM). */
  NO_SUCH_VPORT: 0x61e0c001,
  /** QUERY_PAGES / QUERY_ESW_FUNCTIONS for a function that does not exist (BAD_PARAM). */
  NO_SUCH_FUNCTION: 0x61e0c002,
  /** QUERY_GENERAL_OBJECT for an obj_type the device does not implement (BAD_PARAM). */
  OBJ_TYPE_UNSUPPORTED: 0x61e0c003,
  /** Congestion-control protocol or priority out of range (BAD_PARAM). */
  CONG_PROTOCOL_INVALID: 0x61e0c004,
  /** op_mod with no meaning for this command (BAD_PARAM). */
  OP_MOD_INVALID: 0x61e0c005,
} as const;
