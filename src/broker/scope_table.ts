/**
 * Which RPCs a session may issue, and at what minimum fwctl scope. Deny by default: an opcode not
 * listed here, by name, is refused (EBADMSG), whatever the scope. No name pattern: a QUERY_* added
 * to fw/opcodes.ts is refused until someone decides its scope here.
 *
 * Mirrors the upstream mlx5 fwctl allowlist (drivers/fwctl/mlx5/main.c), plus the PD and MKEY
 * commands, which upstream refuses because "nothing will free the memory when the FD is closed":
 * the broker records every PD and MKEY a session creates and frees them on release, so it can
 * allow them. UMEM objects are created only through UMEM_REG (the broker builds the MTTs); a raw
 * CREATE_UMEM would let a client point the device at arbitrary memory, so it stays refused.
 */
import { inboxOpcode, inboxOpMod, MAILBOX_HEADER_SIZE } from '../fw/mailbox';
import { Opcode, OpcodeName } from '../fw/opcodes';
import { Scope, ScopeValue } from '../uapi/fwctl';
import { getBits } from '../uapi/ifc/bits';

/** Usable at any scope, CONFIGURATION included ("true" in the upstream switch). */
const ANY_SCOPE: readonly OpcodeName[] = [
  'MODIFY_CONG_STATUS',
  'POSTPONE_CONNECTED_QP_TIMEOUT',
  'QUERY_ADAPTER',
  'QUERY_ESW_FUNCTIONS',
  'QUERY_HCA_CAP',
  'QUERY_HCA_VPORT_CONTEXT',
  'QUERY_OTHER_HCA_CAP',
  'QUERY_ROCE_ADDRESS',
  'QUERY_VUID',
  'DELEGATE_VHCA_MANAGEMENT',
  // "FW limits SET_HCA_CAP on the tools UID to only the other function mode".
  'SET_HCA_CAP',
];

/**
 * Needs at least DEBUG_READ_ONLY: upstream's read-only cases, one by one. An opcode added to
 * fw/opcodes.ts later is refused until it is listed here, as upstream's `default: return false`.
 */
const READ_ONLY: readonly OpcodeName[] = [
  'NOP',
  'FPGA_QUERY_QP',
  'FPGA_QUERY_QP_COUNTERS',
  'QUERY_ADJACENT_FUNCTIONS_ID',
  'QUERY_AFU',
  'QUERY_BURST_SIZE',
  'QUERY_CAPI_PEC',
  'QUERY_CONG_PARAMS',
  'QUERY_CONG_STATISTICS',
  'QUERY_CONG_STATUS',
  'QUERY_CQ',
  'QUERY_CRYPTO_STATE',
  'QUERY_DC_CNAK_TRACE',
  'QUERY_DCT',
  'QUERY_DELAY_DROP_PARAMS',
  'QUERY_DELEGATED_VHCA',
  'QUERY_DIAGNOSTIC_COUNTERS',
  'QUERY_DIAGNOSTIC_PARAMS',
  'QUERY_DPA_PARTITION',
  'QUERY_DPA_PARTITIONS',
  'QUERY_DRIVER_VERSION',
  'QUERY_EMU_DEV_EQ_MSIX_MAPPING',
  'QUERY_EMULATED_FUNCTIONS_INFO',
  'QUERY_EMULATED_RESOURCES_INFO',
  'QUERY_EQ',
  'QUERY_ESW_VPORT_CONTEXT',
  'QUERY_FLOW_COUNTER',
  'QUERY_FLOW_GROUP',
  'QUERY_FLOW_TABLE',
  'QUERY_FLOW_TABLE_ENTRY',
  'QUERY_GENERAL_OBJECT',
  'QUERY_HCA_VPORT_GID',
  'QUERY_HCA_VPORT_PKEY',
  'QUERY_ISSI',
  'QUERY_L2_TABLE_ENTRY',
  'QUERY_LAG',
  'QUERY_MAD_DEMUX',
  'QUERY_MATCH_SAMPLE_INFO',
  'QUERY_MKEY',
  'QUERY_MODIFY_HEADER_CONTEXT',
  'QUERY_MTT',
  'QUERY_NIC_VPORT_CONTEXT',
  'QUERY_NVMF_BACKEND_CONTROLLER',
  'QUERY_NVMF_CC_RESPONSE',
  'QUERY_NVMF_NAMESPACE_CONTEXT',
  'QUERY_PACKET_REFORMAT_CONTEXT',
  'QUERY_PAGES',
  'QUERY_PSV',
  'QUERY_Q_COUNTER',
  'QUERY_QP',
  'QUERY_RATE_LIMIT',
  'QUERY_RDB',
  'QUERY_REGEXP_PARAMS',
  'QUERY_REGEXP_REGISTER',
  'QUERY_RMP',
  'QUERY_RQ',
  'QUERY_RQT',
  'QUERY_RSV_RESOURCES',
  'QUERY_SCHED_QUEUE',
  'QUERY_SCHEDULING_ELEMENT',
  'QUERY_SF_PARTITION',
  'QUERY_SPECIAL_CONTEXTS',
  'QUERY_SQ',
  'QUERY_SRQ',
  'QUERY_TIR',
  'QUERY_TIS',
  'QUERY_UCTX',
  'QUERY_UMEM',
  'QUERY_VHCA_MIGRATION_STATE',
  'QUERY_VHCA_STATE',
  'QUERY_VNIC_ENV',
  'QUERY_VPORT_COUNTER',
  'QUERY_VPORT_STATE',
  'QUERY_WOL_ROL',
  'QUERY_XRC_SRQ',
  'QUERY_XRQ',
  'QUERY_XRQ_DC_PARAMS_ENTRY',
  'QUERY_XRQ_ERROR_PARAMS',
  'USER_QUERY_XRQ_DC_PARAMS_ENTRY',
  'USER_QUERY_XRQ_ERROR_PARAMS',
];

/**
 * The broker's one addition to upstream's switch, at DEBUG_READ_ONLY: objects it records and frees
 * on release (see tracked_objects.ts), which umem-mode dumps need.
 */
const TRACKED_OBJECTS: readonly OpcodeName[] = ['ALLOC_PD', 'DEALLOC_PD', 'CREATE_MKEY', 'DESTROY_MKEY'];

/** Needs at least DEBUG_WRITE (which taints). */
const WRITE: readonly OpcodeName[] = ['SET_DIAGNOSTIC_PARAMS'];

function buildTable(): Map<number, ScopeValue> {
  const table = new Map<number, ScopeValue>();
  const add = (names: readonly OpcodeName[], scope: ScopeValue): void => {
    for (const name of names) {
      if (table.has(Opcode[name])) throw new Error(`scope table: ${name} listed twice`);
      table.set(Opcode[name], scope);
    }
  };
  add(ANY_SCOPE, Scope.CONFIGURATION);
  add(READ_ONLY, Scope.DEBUG_READ_ONLY);
  add(TRACKED_OBJECTS, Scope.DEBUG_READ_ONLY);
  add(WRITE, Scope.DEBUG_WRITE);
  return table;
}

const table = buildTable();

const ACCESS_REG_WRITE = 0;

/**
 * Registers that answer with device data on either op_mod (the kernel's rsc_dump.c "writes"
 * RESOURCE_DUMP): an op_mod 0 access to them is a read, whatever the bit says. The upstream
 * switch looks at op_mod alone, so there a CONFIGURATION fd can dump any object with op_mod 0;
 * the broker closes that and asks DEBUG_READ_ONLY for every access to these.
 */
export const DUMP_REGISTERS: ReadonlyMap<number, string> = new Map([
  [0xc000, 'RESOURCE_DUMP'],
  [0x402e, 'CORE_DUMP'],
]);

export const isAccessReg = (opcode: number): boolean => opcode === Opcode.ACCESS_REG || opcode === Opcode.ACCESS_REGISTER_USER;

/** register_id@0x50/16 of an access_register_in; undefined for other opcodes or a bare header. */
export function accessRegisterId(inbox: Buffer): number | undefined {
  return isAccessReg(inboxOpcode(inbox)) && inbox.length >= MAILBOX_HEADER_SIZE ? getBits(inbox, 0x50, 16) : undefined;
}

/**
 * The minimum scope for an RPC, or undefined when it is never allowed.
 * ACCESS_REG / ACCESS_REGISTER_USER: upstream allows op_mod 0 (write) at any scope, leaving the
 * firmware to limit what the tools UID may write; reads, and any access to a dump register,
 * need DEBUG_READ_ONLY.
 */
export function minimumScope(opcode: number, opMod: number, registerId?: number): ScopeValue | undefined {
  if (isAccessReg(opcode)) {
    if (registerId !== undefined && DUMP_REGISTERS.has(registerId)) return Scope.DEBUG_READ_ONLY;
    return opMod === ACCESS_REG_WRITE ? Scope.CONFIGURATION : Scope.DEBUG_READ_ONLY;
  }
  return table.get(opcode);
}

/** minimumScope of the RPC an inbox carries. */
export function inboxMinimumScope(inbox: Buffer): ScopeValue | undefined {
  return minimumScope(inboxOpcode(inbox), inboxOpMod(inbox), accessRegisterId(inbox));
}

/** An ACCESS_REG that writes a register (op_mod 0 on anything but a dump register). */
export function isRegisterWrite(inbox: Buffer): boolean {
  const id = accessRegisterId(inbox);
  return id !== undefined && inboxOpMod(inbox) === ACCESS_REG_WRITE && !DUMP_REGISTERS.has(id);
}

/** Every opcode the table allows at some scope (for tests and documentation). */
export function allowedOpcodes(): number[] {
  return [...table.keys(), Opcode.ACCESS_REG, Opcode.ACCESS_REGISTER_USER].sort((a, b) => a - b);
}
