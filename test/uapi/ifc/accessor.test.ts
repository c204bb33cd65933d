/**
 * Compiled accessors: get/set round trips, agreement with independent byte arithmetic, whole-struct
 * decode/encode, describe() and the reserved bit map.
 */
import { layout } from '../../../src/uapi/ifc/accessor';
import { bitMap, describe as describeLayout, describeText } from '../../../src/uapi/ifc/registry';

describe('field accessors', () => {
  it('read fields placed with plain byte arithmetic', () => {
    const out = Buffer.alloc(4112);
    const cap = 0x10; // capability union starts at byte 0x10
    out.writeUInt32BE(0x7, cap + 0x6a0 / 8); // uctx_cap
    out.writeUInt32BE(1_000_000, cap + 0x4e0 / 8); // device_frequency_khz
    out.writeUInt16BE(18, cap + 0x280 / 8); // num_of_diagnostic_counters
    out[cap + 0x30] = 0x10; // bit 0x183 = debug (byte 0x30, mask 0x10)
    const l = layout('query_hca_cap_out');
    expect(l.uint('general.uctx_cap').get(out)).toBe(7);
    expect(l.uint('general.device_frequency_khz').get(out)).toBe(1_000_000);
    expect(l.uint('general.num_of_diagnostic_counters').get(out)).toBe(18);
    expect(l.uint('general.debug').get(out)).toBe(1);
    expect(layout('cmd_hca_cap').uint('debug').get(out, cap)).toBe(1);
  });

  it('MGIR hw_dev_id is the low 16 bits of the big-endian dword at byte 8', () => {
    const reg = Buffer.alloc(160);
    reg.writeUInt32BE(0xdead0218, 8);
    expect(layout('mgir').uint('hardware_info.hw_dev_id').get(reg)).toBe(0x218);
  });

  it('MTMP temperature is the low 16 bits of dword 1 (0.125 degC, signed)', () => {
    const reg = Buffer.alloc(32);
    reg.writeUInt16BE(0xffe6, 6); // -3.25 C reads as 0xFFE6
    const raw = layout('mtmp').uint('temperature').get(reg);
    expect(raw).toBe(0xffe6);
    expect((((raw << 16) >> 16) * 0.125).toFixed(2)).toBe('-3.25');
  });

  it('round-trip every kind and leave neighbouring bits alone', () => {
    const l = layout('resource_dump');
    const buf = Buffer.alloc(256, 0xff);
    l.uint('seq_num').set(buf, 0x5);
    expect(l.uint('seq_num').get(buf)).toBe(5);
    expect(buf.readUInt16BE(0)).toBe(0xfff5); // bits around seq_num (@0xc/4) untouched
    l.u64('device_opaque').set(buf, 0x0123456789abcdefn);
    expect(buf.readBigUInt64BE(24)).toBe(0x0123456789abcdefn);
    l.uint('inline_data[51]').set(buf, 0xcafef00d);
    expect(buf.readUInt32BE(252)).toBe(0xcafef00d);
    const rec = layout('resource_dump_menu_record');
    const r = Buffer.alloc(52);
    rec.string('segment_name').set(r, 'FULL_QPC');
    expect(r.subarray(4, 13).toString('latin1')).toBe('FULL_QPC\0');
    expect(rec.string('segment_name').get(r)).toBe('FULL_QPC');
    const mcam = layout('mcam');
    const m = Buffer.alloc(72);
    mcam.bytes('mng_access_reg_cap_mask').set(m, Buffer.from([1, 2, 3]));
    expect(m.subarray(8, 12)).toEqual(Buffer.from([1, 2, 3, 0]));
  });

  it('honours a base offset (struct inside a bigger buffer)', () => {
    const inbox = Buffer.alloc(16 + 64);
    layout('core_dump_reg').u64('address').set(inbox, 0x7f0000001000n, 16);
    expect(inbox.readBigUInt64BE(16 + 24)).toBe(0x7f0000001000n);
    expect(layout('access_register_in').uint('register_data[6]').get(inbox)).toBe(0x7f00);
  });

  it('refuses values that do not fit and wrong kinds', () => {
    const l = layout('create_umem_out');
    expect(() => l.uint('umem_id').set(Buffer.alloc(16), 1 << 24)).toThrow(RangeError);
    expect(() => l.uint('umem_id').set(Buffer.alloc(16), -1)).toThrow(RangeError);
    expect(() => l.u64('umem_id')).toThrow(TypeError);
    expect(() => l.field('nope')).toThrow(RangeError);
    expect(() => layout('resource_dump').field('inline_data[52]')).toThrow(RangeError);
  });

  it('caches compiled accessors', () => {
    expect(layout('mkc').field('pd')).toBe(layout('mkc').field('pd'));
  });
});

describe('decode / encode', () => {
  it('encode then decode gives the object back, nested and flexible parts included', () => {
    const l = layout('create_umem_in');
    const value = {
      opcode: 0xa08,
      uid: 3,
      op_mod: 0,
      umem: { ats: 0, log_page_size: 0, page_offset: 0x10, num_of_mtt: 2n },
      mtt: [
        { ptag_63_32: 0x1, ptag_31_8: 0x000010, wr_en: 1, rd_en: 1 },
        { ptag_63_32: 0x1, ptag_31_8: 0x000020, wr_en: 0, rd_en: 1 },
      ],
    };
    const buf = l.encode(value);
    expect(buf.length).toBe(48 + 16);
    expect(buf.readBigUInt64BE(48)).toBe(0x0000000100001003n);
    expect(l.decode(buf)).toEqual(value);
  });

  it('decodes a short buffer as zero-padded', () => {
    const d = layout('query_issi_out').decode(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]));
    expect(d).toEqual({ status: 0, syndrome: 0, current_issi: 1, supported_issi_dw0: 0 });
  });

  it('decodes the DTOR timeouts as {to_multiplier, to_value} pairs', () => {
    const reg = Buffer.alloc(64);
    reg.writeUInt32BE((1 << 29) | 60, 0xc0 / 8); // full_crdump_to: mult 1, val 60
    expect(layout('dtor').decode(reg)['full_crdump_to']).toEqual({ to_multiplier: 1, to_value: 60 });
  });

  it('refuses unknown field names when encoding', () => {
    expect(() => layout('alloc_pd_out').encode({ pdn: 1 })).toThrow(/no field pdn/);
  });
});

describe('describe and bit map', () => {
  it('lists fields in bit order and the reserved runs between them', () => {
    const d = describeLayout('destroy_umem_in');
    expect(d.size).toBe(16);
    expect(d.fields.map((f) => f.name)).toEqual(['opcode', 'uid', 'op_mod', 'umem_id']);
    expect(d.reserved).toEqual([
      { bit: 0x20, width: 16 },
      { bit: 0x40, width: 8 },
      { bit: 0x60, width: 32 },
    ]);
    expect(describeText('destroy_umem_in')).toContain('@0x48/24 uint umem_id');
  });

  it('marks nested struct fields defined and their reserved bits reserved', () => {
    const map = bitMap('create_uctx_in');
    expect(map.sizeBits).toBe(512);
    expect(map.defined[4]).toBe(0xffffffff); // uctx.cap
    expect(map.defined[5]).toBe(0); // uctx reserved
    expect(map.reserved.at(-1)).toEqual({ bit: 0xa0, width: 512 - 0xa0 });
  });
});
