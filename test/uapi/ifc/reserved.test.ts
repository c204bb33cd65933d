/**
 * clearReservedBits against inboxes built with plain byte arithmetic (no accessor involved), and
 * the ajv object validator as an independent second opinion on random inboxes.
 */
import { inboxView, validateInboxObject } from '../../../src/uapi/ifc/ajv_inbox';
import { COMMANDS } from '../../../src/uapi/ifc/opcodes';
import { clearReservedBits, reservedFieldsSet } from '../../../src/uapi/ifc/reserved';

/** A zeroed inbox with opcode, uid and op_mod written as the PRM header says (BE16 at 0, 2, 6). */
function inbox(opcode: number, size: number, opMod = 0, uid = 0): Buffer {
  const b = Buffer.alloc(size);
  b.writeUInt16BE(opcode, 0);
  b.writeUInt16BE(uid, 2);
  b.writeUInt16BE(opMod, 6);
  return b;
}

/** Clears a copy of `b`; returns the fields named and the cleared bytes. */
function cleared(opcode: number, b: Buffer): { fields: ReturnType<typeof clearReservedBits>; after: Buffer } {
  const after = Buffer.from(b);
  return { fields: clearReservedBits(opcode, after), after };
}

function expectUntouched(opcode: number, b: Buffer): void {
  const { fields, after } = cleared(opcode, b);
  expect(fields).toEqual([]);
  expect(after.equals(b)).toBe(true);
}

describe('clearReservedBits leaves well-formed inboxes alone', () => {
  it('QUERY_HCA_CAP for every cap type, cur and max, other_function + function_id', () => {
    for (const type of [0x0, 0x1, 0xc, 0xd, 0x20]) {
      for (const cur of [0, 1]) {
        const b = inbox(0x100, 16, (type << 1) | cur, 7);
        b[8] = 0x80; // other_function @0x40
        b.writeUInt16BE(3, 10); // function_id @0x50
        expectUntouched(0x100, b);
      }
    }
  });

  it('ACCESS_REG read of RESOURCE_DUMP with inline_dump, segment and indexes', () => {
    const b = inbox(0x805, 16 + 256, 1);
    b.writeUInt16BE(0xc000, 10); // register_id @0x50
    const d = 16;
    b[d] = 0x40; // inline_dump @0x1
    b.writeUInt16BE(0x1000, d + 2); // segment_type @0x10: FULL_QPC
    b.writeUInt32BE(5, d + 8); // index1
    b.writeUInt32BE(6, d + 12); // index2
    b.writeUInt16BE(1, d + 16); // num_of_obj1
    b.writeBigUInt64BE(0x1234n, d + 24); // device_opaque
    expectUntouched(0x805, b);
  });

  it('ACCESS_REG write of CORE_DUMP to memory', () => {
    const b = inbox(0x805, 16 + 64, 0);
    b.writeUInt16BE(0x402e, 10);
    b[16 + 3] = 2; // core_dump_type CR_DUMP_TO_MEM @0x18
    b.writeUInt32BE(0xabcd01, 16 + 16); // mkey @0x80
    b.writeUInt32BE(2 << 20, 16 + 20); // size @0xa0
    b.writeBigUInt64BE(0x7f0000001000n, 16 + 24); // address @0xc0
    expectUntouched(0x805, b);
  });

  it('CREATE_UMEM with MTT entries carrying rd/wr enables', () => {
    const n = 4;
    const b = inbox(0xa08, 48 + 8 * n);
    b.writeUInt32BE(0x123, 16 + 20); // umem.page_offset @0x120 -> byte 0x24
    b.writeBigUInt64BE(BigInt(n), 16 + 24); // umem.num_of_mtt @0x140 -> byte 0x28
    for (let i = 0; i < n; i++) b.writeBigUInt64BE(0x10000000n + BigInt(i) * 0x1000n + 3n, 48 + 8 * i);
    expectUntouched(0xa08, b);
  });

  it('SET_DIAGNOSTIC_PARAMS with counter ids in the low 16 bits', () => {
    const b = inbox(0x820, 32 + 4 * 3);
    b.writeUInt16BE(3, 8); // num_of_counters @0x40
    b[8 + 3] = 4; // log_num_of_samples @0x58
    b[12] = 0x20 | 0x04; // sync @0x62, enable @0x65
    b[15] = 10; // log_sample_period @0x78
    for (let i = 0; i < 3; i++) b.writeUInt32BE(0x401 + i, 32 + 4 * i);
    expectUntouched(0x820, b);
  });

  it('CREATE_MKEY over a UMEM', () => {
    const b = inbox(0x200, 272);
    b[12] = 0x40; // mkey_umem_valid @0x61
    b[16 + 2] = 0x0d; // lw | lr | access_mode_1_0 = 1 (bits 0x14,0x15,0x17)
    b.writeUInt32BE((0xffffff00 | 0x42) >>> 0, 16 + 4); // qpn 0xffffff, mkey_7_0 0x42
    b.writeUInt32BE(0x00000005, 16 + 12); // pd @0x68
    b.writeBigUInt64BE(0x7f0000000000n, 16 + 16); // start_addr
    b.writeBigUInt64BE(0x200000n, 16 + 24); // len
    b.writeUInt32BE(9, 0x64); // mkey_umem_id @0x320
    expectUntouched(0x200, b);
  });

  it('generic QUERY_* inbox with command-specific bytes', () => {
    const b = inbox(0x740, 16);
    b.writeUInt32BE(0xffffffff, 8);
    expectUntouched(0x740, b);
  });
});

describe('clearReservedBits clears and names', () => {
  it('a reserved header bit (0x20-0x2f)', () => {
    const b = inbox(0x100, 16, 1);
    b[4] = 0x01; // bit 0x27
    const { fields, after } = cleared(0x100, b);
    expect(fields).toEqual([{ field: 'reserved_at_20', bit: 0x20, width: 16, value: 0x0100 }]);
    expect(after.equals(inbox(0x100, 16, 1))).toBe(true);
  });

  it('reserved bits between fields of query_hca_cap_in, keeping the fields around them', () => {
    const b = inbox(0x100, 16, 1);
    b[8] = 0x80 | 0x7f; // other_function @0x40 and reserved 0x41-0x47
    b[9] = 0x80; // bit 0x48
    b.writeUInt16BE(0x1234, 10); // function_id @0x50
    const { fields, after } = cleared(0x100, b);
    expect(fields).toEqual([{ field: 'reserved_at_41', bit: 0x41, width: 15, value: 0x7f80 }]);
    expect([after[8], after[9], after.readUInt16BE(10)]).toEqual([0x80, 0x00, 0x1234]);
  });

  it('nothing for an op_mod the PRM does not define: that is the firmware\'s to answer', () => {
    expectUntouched(0x805, inbox(0x805, 16, 2));
    expectUntouched(0x100, inbox(0x100, 16, 0xa << 1));
  });

  it('nothing for opcodes without a layout, nor for inboxes shorter than the header', () => {
    const unknown = inbox(0x999, 16);
    unknown.fill(0xff, 2);
    expectUntouched(0x999, unknown);
    const short = Buffer.alloc(8, 0xff);
    expectUntouched(0x100, short);
  });

  it('reserved bits in an MTT entry, named by element, keeping the address and enables', () => {
    const b = inbox(0xa08, 48 + 16);
    b.writeBigUInt64BE(0x1000n | 0x4n | 0x3n, 48 + 8); // bit 2 of the low byte = reserved @0x3d
    const { fields, after } = cleared(0xa08, b);
    expect(fields).toEqual([{ field: 'mtt[1].reserved_at_38', bit: (48 + 8) * 8 + 0x38, width: 6, value: 1 }]);
    expect(after.readBigUInt64BE(48 + 8)).toBe(0x1003n);
  });

  it('reserved bits in a RESOURCE_DUMP payload', () => {
    const b = inbox(0x805, 16 + 256, 1);
    b.writeUInt16BE(0xc000, 10);
    b[16 + 20] = 0xff; // bytes 0x14-0x17 of the register (reserved_at_a0)
    const { fields, after } = cleared(0x805, b);
    expect(fields).toEqual([{ field: 'register_data.resource_dump.reserved_at_a0', bit: (16 + 20) * 8, width: 32, value: 0xff000000 }]);
    expect(after[16 + 20]).toBe(0);
  });

  it('junk in the reserved parts of SET_DIAGNOSTIC_PARAMS, as a malloc\'d inbox has', () => {
    const b = inbox(0x820, 36);
    b.writeUInt16BE(1, 8); // num_of_counters
    b[12] = 0x04; // enable @0x65
    b.writeUInt32BE(0xdead0401, 32); // counter id 0x401 with junk in reserved_at_0
    b.writeUInt32BE(0xa5a5a5a5, 24); // inside reserved_at_80 (bytes 0x10-0x1f)
    const { fields, after } = cleared(0x820, b);
    expect(fields.map((f) => f.field)).toEqual(['reserved_at_80', 'counter_id[0].reserved_at_0']);
    expect([after.readUInt32BE(24), after.readUInt32BE(32), after.readUInt16BE(8), after[12]]).toEqual([0, 0x401, 1, 0x04]);
  });

  it('reports several runs at once; reservedFieldsSet names them without clearing', () => {
    const b = inbox(0x202, 16, 3);
    b[8] = 1; // reserved above mkey_index
    b[12] = 1; // reserved_at_60
    const copy = Buffer.from(b);
    expect(reservedFieldsSet(0x202, copy).map((f) => f.field)).toEqual(['reserved_at_40', 'reserved_at_60']);
    expect(copy.equals(b)).toBe(true);
    const { fields, after } = cleared(0x202, b);
    expect(fields.map((f) => f.field)).toEqual(['reserved_at_40', 'reserved_at_60']);
    expect(after.equals(inbox(0x202, 16, 3))).toBe(true);
  });

  it('a partial trailing dword is left as it is, and not named', () => {
    const b = inbox(0x100, 18, 1);
    b[16] = 0xff;
    expectUntouched(0x100, b);
  });
});

describe('ajv object validator agrees with the buffer walk', () => {
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };

  it('on random single-bit flips over every command with a layout', () => {
    for (const [opcode, cmd] of COMMANDS) {
      if (cmd.inbox === 'set_hca_cap_in') continue; // 4 KB of declared bytes: nothing to flip
      const size = sizeOf(opcode);
      for (let trial = 0; trial < 20; trial++) {
        const b = inbox(opcode, size, cmd.opMods?.[rand() % cmd.opMods.length] ?? 0);
        const bit = 16 + (rand() % (size * 8 - 16)); // leave the opcode alone
        b[bit >>> 3] = (b[bit >>> 3] ?? 0) | (0x80 >>> (bit & 7));
        const fast = reservedFieldsSet(opcode, b).map((f) => f.field).sort();
        const slow = validateInboxObject(opcode, inboxView(opcode, b)).map((v) => v.reason).sort();
        expect([cmd.name, bit, fast.length > 0]).toEqual([cmd.name, bit, slow.length > 0]);
        // Once cleared, the ajv reference finds nothing left.
        clearReservedBits(opcode, b);
        expect([cmd.name, bit, validateInboxObject(opcode, inboxView(opcode, b))]).toEqual([cmd.name, bit, []]);
      }
    }
  });

  it('catches values wider than their field in a hand-built object', () => {
    const view = inboxView(0x100, inbox(0x100, 16, 1));
    view['function_id'] = 0x10000;
    expect(validateInboxObject(0x100, view)).toEqual([
      { field: 'function_id', bit: 0x50, width: 16, reason: 'value_too_wide', value: 0x10000 },
    ]);
    view['function_id'] = 1;
    view['bogus'] = 1;
    expect(validateInboxObject(0x100, view)[0]?.reason).toBe('unknown_field');
  });
});

function sizeOf(opcode: number): number {
  // Independent of the layout module on purpose: inbox sizes from the reference / PRM.
  const sizes: Record<string, number> = {
    create_mkey_in: 272,
    create_uctx_in: 64,
    create_umem_in: 48,
    set_diagnostic_params_in: 32,
    query_q_counter_in: 32,
    query_vport_counter_in: 32,
  };
  return sizes[COMMANDS.get(opcode)?.inbox ?? 'mbox_in'] ?? 16;
}
