/**
 * Which RPCs a session may issue, and at what minimum fwctl scope. Deny by default: an opcode not
 * listed here is refused (EBADMSG), whatever the scope.
 *
 * Mirrors the upstream mlx5 fwctl allowlist (drivers/fwctl/mlx5/main.c), plus the PD and MKEY
 * commands, which upstream refuses because "nothing will free the memory when the FD is closed":
 * the broker records every PD and MKEY a session creates and frees them on release, so it can
 * allow them. UMEM objects are created only through UMEM_REG (the broker builds the MTTs); a raw
 * CREATE_UMEM would let a client point the device at arbitrary memory, so it stays refused.
 */
import { Opcode, OpcodeName } from '../fw/opcodes';
import { Scope, ScopeValue } from '../uapi/fwctl';

/** Usable at any scope, CONFIGURATION included ("true" in the upstream switch). */
const ANY_SCOPE: OpcodeName[] = [
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

/** Needs at least DEBUG_READ_ONLY besides every other QUERY_*. */
const READ_ONLY_EXTRA: OpcodeName[] = ['NOP', 'QUERY_DELEGATED_VHCA', 'QUERY_ADJACENT_FUNCTIONS_ID'];

/** Objects the broker tracks and frees on release (see tracked_objects.ts). */
const TRACKED_OBJECTS: OpcodeName[] = ['ALLOC_PD', 'DEALLOC_PD', 'CREATE_MKEY', 'DESTROY_MKEY'];

const WRITE: OpcodeName[] = ['SET_DIAGNOSTIC_PARAMS'];

const isQuery = (name: string): boolean => /^(QUERY_|FPGA_QUERY_|USER_QUERY_)/.test(name);

function buildTable(): Map<number, ScopeValue> {
  const table = new Map<number, ScopeValue>();
  for (const [name, opcode] of Object.entries(Opcode) as [OpcodeName, number][]) {
    if (isQuery(name)) table.set(opcode, Scope.DEBUG_READ_ONLY);
  }
  for (const name of [...READ_ONLY_EXTRA, ...TRACKED_OBJECTS]) table.set(Opcode[name], Scope.DEBUG_READ_ONLY);
  for (const name of WRITE) table.set(Opcode[name], Scope.DEBUG_WRITE);
  for (const name of ANY_SCOPE) table.set(Opcode[name], Scope.CONFIGURATION);
  return table;
}

const table = buildTable();

const ACCESS_REG_WRITE = 0;

/**
 * The minimum scope for an RPC, or undefined when it is never allowed.
 * ACCESS_REG / ACCESS_REGISTER_USER: upstream allows op_mod 0 (write) at any scope, leaving the
 * firmware to limit what the tools UID may write; reads need DEBUG_READ_ONLY.
 */
export function minimumScope(opcode: number, opMod: number): ScopeValue | undefined {
  if (opcode === Opcode.ACCESS_REG || opcode === Opcode.ACCESS_REGISTER_USER) {
    return opMod === ACCESS_REG_WRITE ? Scope.CONFIGURATION : Scope.DEBUG_READ_ONLY;
  }
  return table.get(opcode);
}

/** Every opcode the table allows at some scope (for tests and documentation). */
export function allowedOpcodes(): number[] {
  return [...table.keys(), Opcode.ACCESS_REG, Opcode.ACCESS_REGISTER_USER].sort((a, b) => a - b);
}
