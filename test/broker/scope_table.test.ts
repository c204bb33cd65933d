import { Opcode } from '../../src/fw/opcodes';
import { allowedOpcodes, inboxMinimumScope, isRegisterWrite, minimumScope } from '../../src/broker/scope_table';
import { newInbox } from '../../src/fw/mailbox';
import { setBits } from '../../src/uapi/ifc/bits';
import { Scope } from '../../src/uapi/fwctl';

describe('scope table', () => {
  it('mirrors the upstream any-scope list', () => {
    for (const op of [Opcode.QUERY_HCA_CAP, Opcode.QUERY_ADAPTER, Opcode.SET_HCA_CAP, Opcode.MODIFY_CONG_STATUS, Opcode.QUERY_OTHER_HCA_CAP, Opcode.DELEGATE_VHCA_MANAGEMENT]) {
      expect(minimumScope(op, 0)).toBe(Scope.CONFIGURATION);
    }
  });

  it('needs read-only debug for the other queries and NOP', () => {
    for (const op of [Opcode.QUERY_EQ, Opcode.QUERY_CQ, Opcode.QUERY_QP, Opcode.QUERY_UCTX, Opcode.QUERY_UMEM, Opcode.QUERY_MTT, Opcode.NOP, Opcode.FPGA_QUERY_QP, Opcode.USER_QUERY_XRQ_ERROR_PARAMS, Opcode.QUERY_DIAGNOSTIC_COUNTERS]) {
      expect(minimumScope(op, 0)).toBe(Scope.DEBUG_READ_ONLY);
    }
  });

  it('needs DEBUG_WRITE to set diagnostic parameters', () => {
    expect(minimumScope(Opcode.SET_DIAGNOSTIC_PARAMS, 0)).toBe(Scope.DEBUG_WRITE);
  });

  it('splits ACCESS_REG by op_mod as upstream: write at any scope, read from read-only', () => {
    expect(minimumScope(Opcode.ACCESS_REG, 0)).toBe(Scope.CONFIGURATION);
    expect(minimumScope(Opcode.ACCESS_REG, 1)).toBe(Scope.DEBUG_READ_ONLY);
    expect(minimumScope(Opcode.ACCESS_REGISTER_USER, 1)).toBe(Scope.DEBUG_READ_ONLY);
  });

  it('needs DEBUG_READ_ONLY for the dump registers on either op_mod: their op_mod 0 reads', () => {
    for (const reg of [0xc000, 0x402e]) {
      for (const opMod of [0, 1]) {
        expect(minimumScope(Opcode.ACCESS_REG, opMod, reg)).toBe(Scope.DEBUG_READ_ONLY);
        expect(minimumScope(Opcode.ACCESS_REGISTER_USER, opMod, reg)).toBe(Scope.DEBUG_READ_ONLY);
      }
    }
    expect(minimumScope(Opcode.ACCESS_REG, 0, 0x5006)).toBe(Scope.CONFIGURATION);
  });

  it('reads opcode, op_mod and register_id from the inbox', () => {
    const accessReg = (reg: number, opMod: number): Buffer => {
      const inbox = newInbox(Opcode.ACCESS_REG, 16 + 0x100, opMod);
      setBits(inbox, 0x50, 16, reg);
      return inbox;
    };
    expect(inboxMinimumScope(accessReg(0xc000, 0))).toBe(Scope.DEBUG_READ_ONLY);
    expect(inboxMinimumScope(accessReg(0x5006, 0))).toBe(Scope.CONFIGURATION);
    expect(inboxMinimumScope(newInbox(Opcode.QUERY_HCA_CAP, 16))).toBe(Scope.CONFIGURATION);
    expect([isRegisterWrite(accessReg(0x5006, 0)), isRegisterWrite(accessReg(0x5006, 1)), isRegisterWrite(accessReg(0xc000, 0))]).toEqual([true, false, false]);
  });

  it('allows the tracked PD and MKEY commands and refuses raw UMEM and UCTX management', () => {
    for (const op of [Opcode.ALLOC_PD, Opcode.DEALLOC_PD, Opcode.CREATE_MKEY, Opcode.DESTROY_MKEY]) expect(minimumScope(op, 0)).toBe(Scope.DEBUG_READ_ONLY);
    for (const op of [Opcode.CREATE_UMEM, Opcode.DESTROY_UMEM, Opcode.CREATE_UCTX, Opcode.DESTROY_UCTX, Opcode.CREATE_GENERAL_OBJECT, Opcode.DESTROY_GENERAL_OBJECT, 0x7777]) {
      expect(minimumScope(op, 0)).toBeUndefined();
    }
  });

  it('lists every allowed opcode once', () => {
    const all = allowedOpcodes();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toContain(Opcode.ACCESS_REG);
    expect(all).not.toContain(Opcode.CREATE_UMEM);
  });
});
