/**
 * Netlink and generic netlink numbers (include/uapi/linux/{netlink,genetlink}.h). Every field is
 * host byte order on the wire; this project runs on little-endian hosts (x86_64, aarch64), so
 * the codec reads and writes little-endian.
 */

export const NETLINK_GENERIC = 16;

/** struct nlmsghdr {u32 len; u16 type; u16 flags; u32 seq; u32 pid} */
export const NLMSG_HDRLEN = 16;
/** struct genlmsghdr {u8 cmd; u8 version; u16 reserved} */
export const GENL_HDRLEN = 4;
/** struct nlattr {u16 nla_len; u16 nla_type} */
export const NLA_HDRLEN = 4;
export const NLA_ALIGNTO = 4;

export const NlmsgType = {
  NOOP: 1,
  ERROR: 2,
  DONE: 3,
  OVERRUN: 4,
  /** Types below this are control messages, not a family's. */
  MIN_TYPE: 0x10,
} as const;

export const NlmFlag = {
  REQUEST: 0x1,
  MULTI: 0x2,
  ACK: 0x4,
  ECHO: 0x8,
  DUMP_INTR: 0x10,
  DUMP_FILTERED: 0x20,
  ROOT: 0x100,
  MATCH: 0x200,
  DUMP: 0x300,
  /** On NLMSG_ERROR: only the request's header is echoed (NETLINK_CAP_ACK). */
  CAPPED: 0x100,
  /** On NLMSG_ERROR / NLMSG_DONE: extended-ack TLVs follow. */
  ACK_TLVS: 0x200,
} as const;

/** enum nlmsgerr_attrs: the extended-ack TLVs. */
export const NlmsgerrAttr = {
  MSG: 1,
  OFFS: 2,
  COOKIE: 3,
  POLICY: 4,
  MISS_TYPE: 5,
  MISS_NEST: 6,
} as const;

export const NLA_F_NESTED = 0x8000;
export const NLA_F_NET_BYTEORDER = 0x4000;
export const NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

/** setsockopt(SOL_NETLINK, ...) */
export const NetlinkSockopt = {
  ADD_MEMBERSHIP: 1,
  DROP_MEMBERSHIP: 2,
  CAP_ACK: 10,
  EXT_ACK: 11,
  GET_STRICT_CHK: 12,
} as const;

/** The generic netlink controller, "nlctrl". */
export const GENL_ID_CTRL = 0x10;
export const CTRL_VERSION = 2;

export const CtrlCmd = {
  NEWFAMILY: 1,
  DELFAMILY: 2,
  GETFAMILY: 3,
} as const;

export const CtrlAttr = {
  FAMILY_ID: 1,
  FAMILY_NAME: 2,
  VERSION: 3,
  HDRSIZE: 4,
  MAXATTR: 5,
  OPS: 6,
  MCAST_GROUPS: 7,
} as const;

export const CtrlAttrMcastGrp = {
  NAME: 1,
  ID: 2,
} as const;
