/** The EBADMSG reason: opcode (and register), the scope needed, asked for and granted. */
import { newInbox } from '../../src/fw/mailbox';
import { Opcode } from '../../src/fw/opcodes';
import { Scope } from '../../src/uapi/fwctl';
import { scopeRefusal } from '../../src/broker/scope_refusal';

describe('scopeRefusal', () => {
  it('names the opcode, the scope it needs and the scope the policy grants', () => {
    const inbox = newInbox(Opcode.SET_DIAGNOSTIC_PARAMS, 16);
    expect(scopeRefusal(inbox, Scope.DEBUG_READ_ONLY, Scope.DEBUG_READ_ONLY)).toBe(
      'opcode 0x820 (SET_DIAGNOSTIC_PARAMS) op_mod 0 needs scope DEBUG_WRITE; the policy grants this session DEBUG_READ_ONLY',
    );
  });

  it('says when the request asked for less than the policy grants (fwctl scope)', () => {
    const inbox = newInbox(Opcode.ACCESS_REG, 16 + 16, 1);
    inbox.writeUInt16BE(0x900a, 10); // MTMP: a read needs DEBUG_READ_ONLY
    expect(scopeRefusal(inbox, Scope.CONFIGURATION, Scope.DEBUG_WRITE_FULL)).toBe(
      'opcode 0x805 (ACCESS_REG) op_mod 1 register 0x900a needs scope DEBUG_READ_ONLY; the request asked for CONFIGURATION, ' +
        'the policy grants this session DEBUG_WRITE_FULL',
    );
  });

  it('says an opcode outside the scope table is not allowed at any scope', () => {
    const inbox = newInbox(Opcode.CREATE_UMEM, 16);
    expect(scopeRefusal(inbox, Scope.DEBUG_WRITE_FULL, Scope.DEBUG_WRITE_FULL)).toBe(
      `opcode 0x${Opcode.CREATE_UMEM.toString(16)} (CREATE_UMEM) op_mod 0 is not allowed at any scope`,
    );
  });
});
