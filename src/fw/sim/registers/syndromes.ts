/**
 * Syndromes of the access-register, resource-dump and diagnostic-counter checks. Stable values, so
 * tools and tests can tell which check failed (the shared ones live in ../errors.ts).
 */
export const RegSyndrome = {
  REG_NOT_SUPPORTED: 0x6a1e0001,
  REG_READ_ONLY: 0x6a1e0002,
  BAD_LOCAL_PORT: 0x6a1e0003,
  BAD_FIELD_VALUE: 0x6a1e0004,
  BAD_SENSOR: 0x6a1e0005,
  BAD_PPCNT_GROUP: 0x6a1e0006,
  BAD_PDDR_PAGE: 0x6a1e0007,
  BAD_PROTO_MASK: 0x6a1e0008,
  MCIA_OUT_OF_PAGE: 0x6a1e0009,
  // 0x6a1e0010..0x6a1e001f: CORE_DUMP, defined with it in ../memory/core_dump.ts.
  RSC_DUMP_BAD_SEQ: 0x6a1e0020,
  RSC_DUMP_STALE_OPAQUE: 0x6a1e0021,
  RSC_DUMP_UMEM_UNSUPPORTED: 0x6a1e0022,
  RSC_DUMP_BAD_MKEY: 0x6a1e0023,
  DIAG_NOT_CONFIGURED: 0x6a1e0030,
  DIAG_TOO_MANY_COUNTERS: 0x6a1e0031,
  DIAG_BAD_COUNTER_ID: 0x6a1e0032,
  DIAG_BAD_SAMPLES: 0x6a1e0033,
  DIAG_BAD_PERIOD: 0x6a1e0034,
  DIAG_BAD_MODE: 0x6a1e0035,
  DIAG_DUPLICATE_COUNTER: 0x6a1e0036,
  DIAG_BAD_SAMPLE_INDEX: 0x6a1e0037,
  DIAG_BAD_INLEN: 0x6a1e0038,
} as const;
