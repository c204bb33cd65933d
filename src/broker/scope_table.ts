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
import { inboxOpcode, inboxOpMod, MAILBOX_HEADER_SIZE } from '../fw/mailbox';
import { Opcode, OpcodeName } from '../fw/opcodes';
import { Scope, ScopeValue } from '../uapi/fwctl';
import { getBits } from '../uapi/ifc/bits';

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
