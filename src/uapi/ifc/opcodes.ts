/**
 * Opcode → inbox layout table (opcodes of reference §3.2 plus the object commands the broker
 * issues itself), with the op_mod values each command accepts, and register id → register layout
 * for the ACCESS_REG payload. `opMods` absent means any op_mod (the PRM gives it no meaning, or it
 * carries data such as the general-object type).
 */

/** QUERY_HCA_CAP cap types (mlx5ctl devcaps.c); op_mod = type << 1 | cur. */
export const CAP_TYPES = {
  GENERAL: 0x0,
  ETHERNET_OFFLOADS: 0x1,
  ODP: 0x2,
  ATOMIC: 0x3,
  ROCE: 0x4,
  IPOIB_OFFLOADS: 0x5,
  IPOIB_ENHANCED_OFFLOADS: 0x6,
  FLOW_TABLE: 0x7,
  ESWITCH_FLOW_TABLE: 0x8,
  ESWITCH: 0x9,
  QOS: 0xc,
  DEBUG: 0xd,
  DEV_MEM: 0xf,
  TLS: 0x11,
  VDPA_EMULATION: 0x13,
  DEV_EVENT: 0x14,
  IPSEC: 0x15,
  CRYPTO: 0x1a,
  MACSEC: 0x1f,
  GENERAL_2: 0x20,
  PORT_SELECTION: 0x25,
  ADV_VIRTUALIZATION: 0x26,
} as const;

const capTypes = Object.values(CAP_TYPES);
const QUERY_CAP_OP_MODS = capTypes.flatMap((t) => [t << 1, (t << 1) | 1]);
const SET_CAP_OP_MODS = capTypes.map((t) => t << 1);

export interface CommandInfo {
  readonly name: string;
  readonly inbox: string;
  readonly opMods?: readonly number[];
}

const ZERO = [0] as const;

/** Commands whose inbox layout is known field by field, or at least by its header. */
export const COMMANDS: ReadonlyMap<number, CommandInfo> = new Map<number, CommandInfo>([
  [0x100, { name: 'QUERY_HCA_CAP', inbox: 'query_hca_cap_in', opMods: QUERY_CAP_OP_MODS }],
  [0x101, { name: 'QUERY_ADAPTER', inbox: 'query_adapter_in', opMods: ZERO }],
  [0x107, { name: 'QUERY_PAGES', inbox: 'query_pages_in', opMods: [1, 2, 3] }],
  [0x109, { name: 'SET_HCA_CAP', inbox: 'set_hca_cap_in', opMods: SET_CAP_OP_MODS }],
  [0x10a, { name: 'QUERY_ISSI', inbox: 'query_issi_in', opMods: ZERO }],
  [0x10c, { name: 'QUERY_DRIVER_VERSION', inbox: 'mbox_in' }],
  [0x10e, { name: 'QUERY_OTHER_HCA_CAP', inbox: 'query_other_hca_cap_in' }],
  [0x111, { name: 'QUERY_SF_PARTITION', inbox: 'mbox_in' }],
  [0x117, { name: 'QUERY_VHCA_MIGRATION_STATE', inbox: 'query_vhca_migration_state_in' }],
  [0x200, { name: 'CREATE_MKEY', inbox: 'create_mkey_in', opMods: ZERO }],
  [0x201, { name: 'QUERY_MKEY', inbox: 'query_mkey_in', opMods: ZERO }],
  [0x202, { name: 'DESTROY_MKEY', inbox: 'destroy_mkey_in', opMods: ZERO }],
  [0x203, { name: 'QUERY_SPECIAL_CONTEXTS', inbox: 'query_special_contexts_in', opMods: ZERO }],
  [0x303, { name: 'QUERY_EQ', inbox: 'query_eq_in', opMods: ZERO }],
  [0x402, { name: 'QUERY_CQ', inbox: 'query_cq_in', opMods: ZERO }],
  [0x50b, { name: 'QUERY_QP', inbox: 'query_qp_in', opMods: ZERO }],
  [0x512, { name: 'QUERY_RDB', inbox: 'mbox_in' }],
  [0x602, { name: 'QUERY_PSV', inbox: 'mbox_in' }],
  [0x702, { name: 'QUERY_SRQ', inbox: 'query_srq_in', opMods: ZERO }],
  [0x707, { name: 'QUERY_XRC_SRQ', inbox: 'query_xrc_srq_in', opMods: ZERO }],
  [0x713, { name: 'QUERY_DCT', inbox: 'query_dct_in', opMods: ZERO }],
  [0x716, { name: 'QUERY_DC_CNAK_TRACE', inbox: 'mbox_in' }],
  [0x719, { name: 'QUERY_XRQ', inbox: 'query_xrq_in', opMods: ZERO }],
  [0x722, { name: 'QUERY_NVMF_BACKEND_CONTROLLER', inbox: 'mbox_in' }],
  [0x725, { name: 'QUERY_XRQ_DC_PARAMS_ENTRY', inbox: 'mbox_in' }],
  [0x727, { name: 'QUERY_XRQ_ERROR_PARAMS', inbox: 'mbox_in' }],
  [0x728, { name: 'QUERY_NVMF_NAMESPACE_CONTEXT', inbox: 'mbox_in' }],
  [0x730, { name: 'QUERY_ADJACENT_FUNCTIONS_ID', inbox: 'mbox_in' }],
  [0x731, { name: 'DELEGATE_VHCA_MANAGEMENT', inbox: 'mbox_in' }],
  [0x732, { name: 'QUERY_DELEGATED_VHCA', inbox: 'mbox_in' }],
  [0x740, { name: 'QUERY_ESW_FUNCTIONS', inbox: 'mbox_in' }],
  [0x750, { name: 'QUERY_VPORT_STATE', inbox: 'query_vport_state_in', opMods: [0, 1, 2] }],
  [0x752, { name: 'QUERY_ESW_VPORT_CONTEXT', inbox: 'query_esw_vport_context_in', opMods: ZERO }],
  [0x754, { name: 'QUERY_NIC_VPORT_CONTEXT', inbox: 'query_nic_vport_context_in', opMods: ZERO }],
  [0x760, { name: 'QUERY_ROCE_ADDRESS', inbox: 'mbox_in' }],
  [0x762, { name: 'QUERY_HCA_VPORT_CONTEXT', inbox: 'query_hca_vport_context_in', opMods: ZERO }],
  [0x764, { name: 'QUERY_HCA_VPORT_GID', inbox: 'mbox_in' }],
  [0x765, { name: 'QUERY_HCA_VPORT_PKEY', inbox: 'mbox_in' }],
  [0x76f, { name: 'QUERY_VNIC_ENV', inbox: 'query_vnic_env_in', opMods: ZERO }],
  [0x770, { name: 'QUERY_VPORT_COUNTER', inbox: 'query_vport_counter_in', opMods: ZERO }],
  [0x773, { name: 'QUERY_Q_COUNTER', inbox: 'query_q_counter_in', opMods: ZERO }],
  [0x781, { name: 'QUERY_RATE_LIMIT', inbox: 'mbox_in' }],
  [0x784, { name: 'QUERY_SCHEDULING_ELEMENT', inbox: 'mbox_in' }],
  [0x800, { name: 'ALLOC_PD', inbox: 'alloc_pd_in', opMods: ZERO }],
  [0x801, { name: 'DEALLOC_PD', inbox: 'dealloc_pd_in', opMods: ZERO }],
  [0x805, { name: 'ACCESS_REG', inbox: 'access_register_in', opMods: [0, 1] }],
  [0x80b, { name: 'QUERY_MAD_DEMUX', inbox: 'mbox_in' }],
  [0x80d, { name: 'NOP', inbox: 'nop_in' }],
  [0x813, { name: 'QUERY_BURST_SIZE', inbox: 'mbox_in' }],
  [0x819, { name: 'QUERY_DIAGNOSTIC_PARAMS', inbox: 'query_diagnostic_params_in', opMods: ZERO }],
  [0x820, { name: 'SET_DIAGNOSTIC_PARAMS', inbox: 'set_diagnostic_params_in', opMods: ZERO }],
  [0x821, { name: 'QUERY_DIAGNOSTIC_COUNTERS', inbox: 'query_diagnostic_counters_in', opMods: ZERO }],
  [0x822, { name: 'QUERY_CONG_STATUS', inbox: 'mbox_in' }],
  [0x823, { name: 'MODIFY_CONG_STATUS', inbox: 'mbox_in' }],
  [0x824, { name: 'QUERY_CONG_PARAMS', inbox: 'mbox_in' }],
  [0x826, { name: 'QUERY_CONG_STATISTICS', inbox: 'mbox_in' }],
  [0x82a, { name: 'QUERY_L2_TABLE_ENTRY', inbox: 'mbox_in' }],
  [0x831, { name: 'QUERY_WOL_ROL', inbox: 'mbox_in' }],
  [0x842, { name: 'QUERY_LAG', inbox: 'mbox_in' }],
  [0x903, { name: 'QUERY_TIR', inbox: 'query_tir_in', opMods: ZERO }],
  [0x907, { name: 'QUERY_SQ', inbox: 'query_sq_in', opMods: ZERO }],
  [0x90b, { name: 'QUERY_RQ', inbox: 'query_rq_in', opMods: ZERO }],
  [0x90f, { name: 'QUERY_RMP', inbox: 'query_rmp_in', opMods: ZERO }],
  [0x911, { name: 'QUERY_DELAY_DROP_PARAMS', inbox: 'mbox_in' }],
  [0x915, { name: 'QUERY_TIS', inbox: 'query_tis_in', opMods: ZERO }],
  [0x919, { name: 'QUERY_RQT', inbox: 'query_rqt_in', opMods: ZERO }],
  [0x932, { name: 'QUERY_FLOW_TABLE', inbox: 'mbox_in' }],
  [0x935, { name: 'QUERY_FLOW_GROUP', inbox: 'mbox_in' }],
  [0x937, { name: 'QUERY_FLOW_TABLE_ENTRY', inbox: 'mbox_in' }],
  [0x93b, { name: 'QUERY_FLOW_COUNTER', inbox: 'mbox_in' }],
  [0x93f, { name: 'QUERY_PACKET_REFORMAT_CONTEXT', inbox: 'mbox_in' }],
  [0x942, { name: 'QUERY_MODIFY_HEADER_CONTEXT', inbox: 'mbox_in' }],
  [0x962, { name: 'FPGA_QUERY_QP', inbox: 'mbox_in' }],
  [0x964, { name: 'FPGA_QUERY_QP_COUNTERS', inbox: 'mbox_in' }],
  [0x971, { name: 'QUERY_AFU', inbox: 'mbox_in' }],
  [0x981, { name: 'QUERY_CAPI_PEC', inbox: 'mbox_in' }],
  [0xa00, { name: 'CREATE_GENERAL_OBJECT', inbox: 'general_obj_in_cmd_hdr' }],
  [0xa01, { name: 'MODIFY_GENERAL_OBJECT', inbox: 'general_obj_in_cmd_hdr' }],
  [0xa02, { name: 'QUERY_GENERAL_OBJECT', inbox: 'general_obj_in_cmd_hdr' }],
  [0xa03, { name: 'DESTROY_GENERAL_OBJECT', inbox: 'general_obj_in_cmd_hdr' }],
  [0xa04, { name: 'CREATE_UCTX', inbox: 'create_uctx_in', opMods: ZERO }],
  [0xa05, { name: 'QUERY_UCTX', inbox: 'query_uctx_in', opMods: ZERO }],
  [0xa06, { name: 'DESTROY_UCTX', inbox: 'destroy_uctx_in', opMods: ZERO }],
  [0xa08, { name: 'CREATE_UMEM', inbox: 'create_umem_in', opMods: ZERO }],
  [0xa09, { name: 'QUERY_UMEM', inbox: 'query_umem_in', opMods: ZERO }],
  [0xa0a, { name: 'DESTROY_UMEM', inbox: 'destroy_umem_in', opMods: ZERO }],
  [0xb02, { name: 'QUERY_NVMF_CC_RESPONSE', inbox: 'mbox_in' }],
  [0xb03, { name: 'QUERY_EMULATED_FUNCTIONS_INFO', inbox: 'mbox_in' }],
  [0xb05, { name: 'QUERY_REGEXP_PARAMS', inbox: 'mbox_in' }],
  [0xb07, { name: 'QUERY_REGEXP_REGISTER', inbox: 'mbox_in' }],
  [0xb08, { name: 'USER_QUERY_XRQ_DC_PARAMS_ENTRY', inbox: 'mbox_in' }],
  [0xb0a, { name: 'USER_QUERY_XRQ_ERROR_PARAMS', inbox: 'mbox_in' }],
  [0xb0c, { name: 'ACCESS_REGISTER_USER', inbox: 'access_register_in', opMods: [0, 1] }],
  [0xb0d, { name: 'QUERY_VHCA_STATE', inbox: 'mbox_in' }],
  [0xb0f, { name: 'QUERY_EMULATED_DEV_EQ_MSIX_MAPPING', inbox: 'mbox_in' }],
  [0xb13, { name: 'QUERY_MATCH_SAMPLE_INFO', inbox: 'mbox_in' }],
  [0xb14, { name: 'QUERY_CRYPTO_STATE', inbox: 'mbox_in' }],
  [0xb22, { name: 'QUERY_VUID', inbox: 'mbox_in' }],
  [0xb28, { name: 'QUERY_DPA_PARTITION', inbox: 'mbox_in' }],
  [0xb2a, { name: 'QUERY_DPA_PARTITIONS', inbox: 'mbox_in' }],
  [0xb2e, { name: 'POSTPONE_CONNECTED_QP_TIMEOUT', inbox: 'mbox_in' }],
  [0xb2f, { name: 'QUERY_EMULATED_RESOURCES_INFO', inbox: 'mbox_in' }],
  [0x8000, { name: 'QUERY_RSV_RESOURCES', inbox: 'mbox_in' }],
  [0x8001, { name: 'QUERY_MTT', inbox: 'mbox_in' }],
  [0x8006, { name: 'QUERY_SCHED_QUEUE', inbox: 'mbox_in' }],
]);

export interface RegisterInfo {
  readonly name: string;
  readonly layout: string;
}

/** Access registers with a layout here; ACCESS_REG payloads of these are checked field by field. */
export const REGISTERS: ReadonlyMap<number, RegisterInfo> = new Map<number, RegisterInfo>([
  [0x4019, { name: 'QCAM', layout: 'qcam' }],
  [0x402e, { name: 'CORE_DUMP', layout: 'core_dump_reg' }],
  [0x5004, { name: 'PTYS', layout: 'ptys' }],
  [0x5006, { name: 'PAOS', layout: 'paos' }],
  [0x5008, { name: 'PPCNT', layout: 'ppcnt' }],
  [0x5031, { name: 'PDDR', layout: 'pddr' }],
  [0x507f, { name: 'PCAM', layout: 'pcam' }],
  [0x6001, { name: 'NODE_DESC', layout: 'node_desc' }],
  [0x900a, { name: 'MTMP', layout: 'mtmp' }],
  [0x9014, { name: 'MCIA', layout: 'mcia' }],
  [0x9020, { name: 'MGIR', layout: 'mgir' }],
  [0x9021, { name: 'MSGI', layout: 'msgi' }],
  [0x907f, { name: 'MCAM', layout: 'mcam' }],
  [0xc000, { name: 'RESOURCE_DUMP', layout: 'resource_dump' }],
  [0xc00e, { name: 'DTOR', layout: 'dtor' }],
]);

export const ACCESS_REG_OPCODES: ReadonlySet<number> = new Set([0x805, 0xb0c]);
