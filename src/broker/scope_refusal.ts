/**
 * The reason an RPC is refused with EBADMSG, as the client is told it: the opcode (and the
 * register, for ACCESS_REG), the scope the scope table asks for, the scope the request ran at and
 * the most this session's policy grants. "Not allowed at scope 1" left a user guessing which.
 */
import { inboxOpcode, inboxOpMod } from '../fw/mailbox';
import { opcodeName } from '../fw/opcodes';
import { isScope, scopeNames, ScopeValue } from '../uapi/fwctl';
import { accessRegisterId, inboxMinimumScope } from './scope_table';

function scopeName(scope: number): string {
  return isScope(scope) ? scopeNames[scope] : `scope ${scope}`;
}

export function scopeRefusal(inbox: Buffer, requested: ScopeValue, granted: number): string {
  const opcode = inboxOpcode(inbox);
  const register = accessRegisterId(inbox);
  const what =
    `opcode 0x${opcode.toString(16)} (${opcodeName(opcode)}) op_mod ${inboxOpMod(inbox)}` +
    (register === undefined ? '' : ` register 0x${register.toString(16)}`);
  const needed = inboxMinimumScope(inbox);
  if (needed === undefined) return `${what} is not allowed at any scope`;
  const at = requested === granted ? '' : `the request asked for ${scopeName(requested)}, `;
  return `${what} needs scope ${scopeName(needed)}; ${at}the policy grants this session ${scopeName(granted)}`;
}
