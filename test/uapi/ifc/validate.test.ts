/**
 * validateInbox against inboxes built with plain byte arithmetic (no accessor involved), and the
 * ajv object validator as an independent second opinion on random inboxes.
 */
import { inboxView, validateInboxObject } from '../../../src/uapi/ifc/ajv_inbox';
import { COMMANDS } from '../../../src/uapi/ifc/opcodes';
import { validateInbox } from '../../../src/uapi/ifc/validate';

/** A zeroed inbox with opcode, uid and op_mod written as the PRM header says (BE16 at 0, 2, 6). */
function inbox(opcode: number, size: number, opMod = 0, uid = 0): Buffer {
  const b = Buffer.alloc(size);
  b.writeUInt16BE(opcode, 0);
  b.writeUInt16BE(uid, 2);
  b.writeUInt16BE(opMod, 6);
  return b;
}

describe('validateInbox accepts well-formed inboxes', () => {
  it('QUERY_HCA_CAP for every cap type, cur and max, other_function + function_id', () => {
    for (const type of [0x0, 0x1, 0xc, 0xd, 0x20]) {
      for (const cur of [0, 1]) {
        const b = inbox(0x100, 16, (type << 1) | cur, 7);
        b[8] = 0x80; // other_function @0x40
        b.writeUInt16BE(3, 10); // function_id @0x50
        expect(validateInbox(0x100, b)).toEqual([]);
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
    expect(validateInbox(0x805, b)).toEqual([]);
  });

  it('ACCESS_REG write of CORE_DUMP to memory', () => {
    const b = inbox(0x805, 16 + 64, 0);
    b.writeUInt16BE(0x402e, 10);
    b[16 + 3] = 2; // core_dump_type CR_DUMP_TO_MEM @0x18
    b.writeUInt32BE(0xabcd01, 16 + 16); // mkey @0x80
    b.writeUInt32BE(2 << 20, 16 + 20); // size @0xa0
    b.writeBigUInt64BE(0x7f0000001000n, 16 + 24); // address @0xc0
    expect(validateInbox(0x805, b)).toEqual([]);
  });

  it('CREATE_UMEM with MTT entries carrying rd/wr enables', () => {
    const n = 4;
    const b = inbox(0xa08, 48 + 8 * n);
    b.writeUInt32BE(0x123, 16 + 20); // umem.page_offset @0x120 -> byte 0x24
    b.writeBigUInt64BE(BigInt(n), 16 + 24); // umem.num_of_mtt @0x140 -> byte 0x28
    for (let i = 0; i < n; i++) b.writeBigUInt64BE(0x10000000n + BigInt(i) * 0x1000n + 3n, 48 + 8 * i);
    expect(validateInbox(0xa08, b)).toEqual([]);
  });

  it('SET_DIAGNOSTIC_PARAMS with counter ids in the low 16 bits', () => {
    const b = inbox(0x820, 32 + 4 * 3);
    b.writeUInt16BE(3, 8); // num_of_counters @0x40
    b[8 + 3] = 4; // log_num_of_samples @0x58
    b[12] = 0x20 | 0x04; // sync @0x62, enable @0x65
    b[15] = 10; // log_sample_period @0x78
    for (let i = 0; i < 3; i++) b.writeUInt32BE(0x401 + i, 32 + 4 * i);
    expect(validateInbox(0x820, b)).toEqual([]);
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
    expect(validateInbox(0x200, b)).toEqual([]);
  });

  it('generic QUERY_* inbox with command-specific bytes', () => {
    const b = inbox(0x740, 16);
    b.writeUInt32BE(0xffffffff, 8);
    expect(validateInbox(0x740, b)).toEqual([]);
  });
});

describe('validateInbox rejects', () => {
  it('a reserved header bit (0x20-0x2f)', () => {
    const b = inbox(0x100, 16, 1);
    b[4] = 0x01; // bit 0x27
    expect(validateInbox(0x100, b)).toEqual([
      { field: 'reserved_at_20', bit: 0x20, width: 16, reason: 'reserved_nonzero', value: 0x0100 },
    ]);
  });

  it('reserved bits between fields of query_hca_cap_in', () => {
    const b = inbox(0x100, 16, 1);
    b[9] = 0x80; // bit 0x48, between other_function @0x40 and function_id @0x50
    const v = validateInbox(0x100, b);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ field: 'reserved_at_41', bit: 0x41, width: 15, reason: 'reserved_nonzero' });
  });

  it('op_mod outside the allowed set', () => {
    expect(validateInbox(0x805, inbox(0x805, 16, 2))).toEqual([
      { field: 'op_mod', bit: 0x30, width: 16, reason: 'op_mod_not_allowed', value: 2 },
    ]);
    // cap type 0xa is not a known cap type
    expect(validateInbox(0x100, inbox(0x100, 16, 0xa << 1))[0]?.reason).toBe('op_mod_not_allowed');
    expect(validateInbox(0x109, inbox(0x109, 4112, 1))[0]?.reason).toBe('op_mod_not_allowed');
  });

  it('unknown opcodes, mismatched opcodes and short inboxes', () => {
    expect(validateInbox(0x999, inbox(0x999, 16))[0]?.reason).toBe('unknown_opcode');
    expect(validateInbox(0x100, inbox(0x101, 16))[0]?.reason).toBe('opcode_mismatch');
    expect(validateInbox(0x100, Buffer.alloc(8))[0]?.reason).toBe('inbox_too_short');
  });

  it('reserved bits in an MTT entry, named by element', () => {
    const b = inbox(0xa08, 48 + 16);
    b.writeBigUInt64BE(0x1000n | 0x4n, 48 + 8); // bit 2 of the low byte = reserved @0x3d
    expect(validateInbox(0xa08, b)).toEqual([
      { field: 'mtt[1].reserved_at_38', bit: (48 + 8) * 8 + 0x38, width: 6, reason: 'reserved_nonzero', value: 1 },
    ]);
  });

  it('reserved bits in a RESOURCE_DUMP payload', () => {
    const b = inbox(0x805, 16 + 256, 1);
    b.writeUInt16BE(0xc000, 10);
    b[16 + 20] = 0xff; // bytes 0x14-0x17 of the register (reserved_at_a0)
    const v = validateInbox(0x805, b);
    expect(v).toEqual([
      { field: 'register_data.resource_dump.reserved_at_a0', bit: (16 + 20) * 8, width: 32, reason: 'reserved_nonzero', value: 0xff000000 },
    ]);
  });

  it('reserved counter-id bits in SET_DIAGNOSTIC_PARAMS', () => {
    const b = inbox(0x820, 36);
    b.writeUInt32BE(0x00010401, 32);
    expect(validateInbox(0x820, b)[0]).toMatchObject({ field: 'counter_id[0].reserved_at_0', reason: 'reserved_nonzero' });
  });

  it('reports several problems at once', () => {
    const b = inbox(0x202, 16, 3);
    b[8] = 1; // reserved above mkey_index
    b[12] = 1; // reserved_at_60
    expect(validateInbox(0x202, b).map((v) => v.reason)).toEqual(['op_mod_not_allowed', 'reserved_nonzero', 'reserved_nonzero']);
  });
});

describe('ajv object validator agrees with the buffer validator', () => {
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
        const fast = validateInbox(opcode, b).map((v) => v.reason).sort();
        const slow = validateInboxObject(opcode, inboxView(opcode, b)).map((v) => v.reason).sort();
        expect([cmd.name, bit, fast.length > 0]).toEqual([cmd.name, bit, slow.length > 0]);
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
