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

  it('is exactly upstream\'s switch (reference §4.3) plus the tracked objects, opcode by opcode', () => {
    // Opcode numbers from the reference (§3.2), written out here independently of fw/opcodes.ts.
    const anyScope = [0x823, 0xb2e, 0x101, 0x740, 0x100, 0x762, 0x10e, 0x760, 0xb22, 0x731, 0x109];
    const readOnly = [
      0x80d, 0x962, 0x964, 0x730, 0x971, 0x813, 0x981, 0x824, 0x826, 0x822, 0x402, 0xb14, 0x716, 0x713, 0x911, 0x732,
      0x821, 0x819, 0xb28, 0xb2a, 0x10c, 0xb0f, 0xb03, 0xb2f, 0x303, 0x752, 0x93b, 0x935, 0x932, 0x937, 0xa02, 0x764,
      0x765, 0x10a, 0x82a, 0x842, 0x80b, 0xb13, 0x201, 0x942, 0x8001, 0x754, 0x722, 0xb02, 0x728, 0x93f, 0x107, 0x602,
      0x773, 0x50b, 0x781, 0x512, 0xb05, 0xb07, 0x90f, 0x90b, 0x919, 0x8000, 0x8006, 0x784, 0x111, 0x203, 0x907, 0x702,
      0x903, 0x915, 0xa05, 0xa09, 0x117, 0xb0d, 0x76f, 0x770, 0x750, 0x831, 0x707, 0x719, 0x725, 0x727, 0xb08, 0xb0a,
    ];
    const tracked = [0x800, 0x801, 0x200, 0x202];
    const expected = new Map<number, number>([
      ...anyScope.map((op) => [op, Scope.CONFIGURATION] as const),
      ...readOnly.map((op) => [op, Scope.DEBUG_READ_ONLY] as const),
      ...tracked.map((op) => [op, Scope.DEBUG_READ_ONLY] as const),
      [0x820, Scope.DEBUG_WRITE],
    ]);
    const actual = new Map(allowedOpcodes().filter((op) => op !== Opcode.ACCESS_REG && op !== Opcode.ACCESS_REGISTER_USER).map((op) => [op, minimumScope(op, 0)]));
    expect(new Map([...actual].sort((a, b) => a[0] - b[0]))).toEqual(new Map([...expected].sort((a, b) => a[0] - b[0])));
    // Every other 16-bit opcode, QUERY_-shaped or not, is refused at every scope.
    for (let op = 0; op <= 0xffff; op++) {
      if (!expected.has(op) && op !== Opcode.ACCESS_REG && op !== Opcode.ACCESS_REGISTER_USER) expect(minimumScope(op, 0)).toBeUndefined();
    }
  });

  it('lists every allowed opcode once', () => {
    const all = allowedOpcodes();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toContain(Opcode.ACCESS_REG);
    expect(all).not.toContain(Opcode.CREATE_UMEM);
  });
});
