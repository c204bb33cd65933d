import { Opcode } from '../../src/fw/opcodes';
import { allowedOpcodes, minimumScope } from '../../src/broker/scope_table';
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
