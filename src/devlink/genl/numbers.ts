/**
 * The devlink generic netlink family's numbers (include/uapi/linux/devlink.h, Linux 6.x): the
 * commands and attributes mlx5ctl sends or decodes. Both enums are ABI ("don't change the order
 * or add anything between"), so these values hold for every kernel that has the attribute.
 */

export const DEVLINK_GENL_NAME = 'devlink';
export const DEVLINK_GENL_VERSION = 1;
export const DEVLINK_GENL_MCGRP_CONFIG_NAME = 'config';

export const DevlinkCmd = {
  GET: 1,
  NEW: 3,
  DEL: 4,
  PORT_GET: 5,
  PORT_NEW: 7,
  PORT_DEL: 8,
  PARAM_GET: 38,
  PARAM_SET: 39,
  PARAM_NEW: 40,
  PARAM_DEL: 41,
  REGION_GET: 42,
  REGION_SET: 43,
  REGION_NEW: 44,
  REGION_DEL: 45,
  REGION_READ: 46,
  INFO_GET: 51,
  HEALTH_REPORTER_GET: 52,
  HEALTH_REPORTER_SET: 53,
  HEALTH_REPORTER_RECOVER: 54,
  HEALTH_REPORTER_DIAGNOSE: 55,
  HEALTH_REPORTER_DUMP_GET: 56,
  HEALTH_REPORTER_DUMP_CLEAR: 57,
  HEALTH_REPORTER_TEST: 73,
} as const;

export const DevlinkAttr = {
  BUS_NAME: 1,
  DEV_NAME: 2,
  PORT_INDEX: 3,
  PORT_TYPE: 4,
  PORT_DESIRED_TYPE: 5,
  PORT_NETDEV_NAME: 7,
  PORT_IBDEV_NAME: 8,
  PORT_SPLIT_GROUP: 10,
  PORT_FLAVOUR: 77,
  PORT_NUMBER: 78,
  INFO_DRIVER_NAME: 98,
  INFO_SERIAL_NUMBER: 99,
  INFO_VERSION_FIXED: 100,
  INFO_VERSION_RUNNING: 101,
  INFO_VERSION_STORED: 102,
  INFO_VERSION_NAME: 103,
  INFO_VERSION_VALUE: 104,
  PORT_PCI_PF_NUMBER: 127,
  PORT_PCI_VF_NUMBER: 128,
  INFO_BOARD_SERIAL_NUMBER: 146,
  PORT_LANES: 147,
  PORT_SPLITTABLE: 148,
  PORT_EXTERNAL: 149,
  PORT_CONTROLLER_NUMBER: 150,
  PORT_PCI_SF_NUMBER: 164,
  /** Alignment filler before a u64 on architectures that need it; carries nothing. */
  PAD: 61,
  PARAM: 80,
  PARAM_NAME: 81,
  PARAM_GENERIC: 82,
  PARAM_TYPE: 83,
  PARAM_VALUES_LIST: 84,
  PARAM_VALUE: 85,
  PARAM_VALUE_DATA: 86,
  PARAM_VALUE_CMODE: 87,
  REGION_NAME: 88,
  REGION_SIZE: 89,
  REGION_SNAPSHOTS: 90,
  REGION_SNAPSHOT: 91,
  REGION_SNAPSHOT_ID: 92,
  REGION_CHUNKS: 93,
  REGION_CHUNK: 94,
  REGION_CHUNK_DATA: 95,
  REGION_CHUNK_ADDR: 96,
  REGION_CHUNK_LEN: 97,
  FMSG: 106,
  FMSG_OBJ_NEST_START: 107,
  FMSG_PAIR_NEST_START: 108,
  FMSG_ARR_NEST_START: 109,
  FMSG_NEST_END: 110,
  FMSG_OBJ_NAME: 111,
  FMSG_OBJ_VALUE_TYPE: 112,
  FMSG_OBJ_VALUE_DATA: 113,
  HEALTH_REPORTER: 114,
  HEALTH_REPORTER_NAME: 115,
  HEALTH_REPORTER_STATE: 116,
  HEALTH_REPORTER_ERR_COUNT: 117,
  HEALTH_REPORTER_RECOVER_COUNT: 118,
  HEALTH_REPORTER_DUMP_TS: 119,
  HEALTH_REPORTER_GRACEFUL_PERIOD: 120,
  HEALTH_REPORTER_AUTO_RECOVER: 121,
  HEALTH_REPORTER_DUMP_TS_NS: 137,
  HEALTH_REPORTER_AUTO_DUMP: 141,
  REGION_MAX_SNAPSHOTS: 170,
  REGION_DIRECT: 179,
  HEALTH_REPORTER_BURST_PERIOD: 181,
  PARAM_VALUE_DEFAULT: 182,
  PARAM_RESET_DEFAULT: 183,
  /** The devlink instance's index (Linux 7.x), a uint. */
  INDEX: 184,
} as const;

/** enum devlink_port_type, by number, as iproute2 names them. */
export const PORT_TYPE_NAMES = ['notset', 'auto', 'eth', 'ib'] as const;

/** enum devlink_port_flavour, by number (6, UNUSED, has no name in iproute2's map). */
export const PORT_FLAVOUR_NAMES: Readonly<Record<number, string>> = {
  0: 'physical', 1: 'cpu', 2: 'dsa', 3: 'pcipf', 4: 'pcivf', 5: 'virtual', 7: 'pcisf',
};

/** enum devlink_health_reporter_state */
export const HealthReporterState = {
  HEALTHY: 0,
  ERROR: 1,
} as const;

/** enum devlink_param_cmode */
export const ParamCmodeNumber = {
  runtime: 0,
  driverinit: 1,
  permanent: 2,
} as const;

/**
 * DEVLINK_PARAM_TYPE_* (= the NLA_* type of the value): u8 1, u16 2, u32 3, u64 4, string 5,
 * bool 6 (NLA_FLAG: the value attribute is present for true, absent for false).
 */
export const ParamTypeNumber = {
  u8: 1,
  u16: 2,
  u32: 3,
  string: 5,
  bool: 6,
} as const;

/** DEVLINK_ATTR_FMSG_OBJ_VALUE_TYPE: the NLA_* type of an fmsg value. */
export const FmsgValueType = {
  U8: 1,
  U16: 2,
  U32: 3,
  U64: 4,
  /** Carried as a u8 0/1. */
  FLAG: 6,
  NUL_STRING: 10,
  BINARY: 11,
} as const;
