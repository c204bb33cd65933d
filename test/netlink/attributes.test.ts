import { AttrWriter, nlaAlign, parseAttrs, readNested, readString } from '../../src/netlink/attributes';
import { NLA_F_NESTED } from '../../src/netlink/constants';
import { parseError } from './fixtures';

describe('netlink attributes', () => {
  it('round-trips every scalar type with 4-byte alignment', () => {
    const w = new AttrWriter(8)
      .u8(1, 0xab)
      .u16(2, 0xbeef)
      .u32(3, 0xdeadbeef)
      .u64(4, 0xffff_ffff_ffff_ffffn)
      .string(5, 'héllo')
      .flag(6)
      .put(7, Buffer.from([1, 2, 3]));
    const bytes = w.bytes();
    // u8 (4+1 → 8), u16 (4+2 → 8), u32 (8), u64 (12), string 'héllo\0' (4+7 → 12), flag (4), 3 bytes (8)
    expect(bytes.length).toBe(8 + 8 + 8 + 12 + 12 + 4 + 8);
    expect(bytes.readUInt16LE(0)).toBe(5); // nla_len excludes the padding
    expect(bytes.subarray(5, 8)).toEqual(Buffer.alloc(3)); // padding is zeroed
    const attrs = parseAttrs(bytes);
    expect(attrs.u8(1)).toBe(0xab);
    expect(attrs.u16(2)).toBe(0xbeef);
    expect(attrs.u32(3)).toBe(0xdeadbeef);
    expect(attrs.u64(4)).toBe(0xffff_ffff_ffff_ffffn);
    expect(attrs.string(5)).toBe('héllo');
    expect(attrs.has(6)).toBe(true);
    expect(attrs.get(6)?.data.length).toBe(0);
    expect(attrs.get(7)?.data).toEqual(Buffer.from([1, 2, 3]));
    expect(attrs.has(8)).toBe(false);
    expect(attrs.list.map((a) => a.offset)).toEqual([0, 8, 16, 24, 36, 48, 52]);
  });

  it('nests carry NLA_F_NESTED and a length patched after their content', () => {
    const w = new AttrWriter().nest(10, (n) => n.u32(1, 7).nest(2, (m) => m.string(1, 'a'))).u8(11, 1);
    const bytes = w.bytes();
    expect(bytes.readUInt16LE(2)).toBe(10 | NLA_F_NESTED);
    expect(bytes.readUInt16LE(0)).toBe(4 + 8 + 4 + 8);
    const outer = parseAttrs(bytes);
    const nest = outer.get(10);
    expect(nest?.nested).toBe(true);
    expect(nest?.type).toBe(10);
    const inner = outer.nested(10);
    expect(inner?.u32(1)).toBe(7);
    expect(inner?.nested(2)?.string(1)).toBe('a');
    // Offsets inside a nest point into the enclosing buffer.
    expect(inner?.get(1)?.offset).toBe(4);
    expect(outer.u8(11)).toBe(1);
  });

  it('keeps repeated attributes in order; get() returns the last, as nla_parse does', () => {
    const attrs = parseAttrs(new AttrWriter().u32(1, 1).u32(2, 9).u32(1, 2).u32(1, 3).bytes());
    expect(attrs.all(1).map((a) => a.data.readUInt32LE(0))).toEqual([1, 2, 3]);
    expect(attrs.u32(1)).toBe(3);
  });

  it('accepts a last attribute whose padding the message cut off', () => {
    const bytes = new AttrWriter().u8(1, 5).bytes().subarray(0, 5);
    expect(parseAttrs(bytes).u8(1)).toBe(5);
  });

  it('refuses nla_len below the header, beyond the data, and stray trailing bytes', () => {
    const good = new AttrWriter().u32(1, 1).u32(2, 2).bytes();
    const short = Buffer.from(good);
    short.writeUInt16LE(3, 8);
    expect(parseError(() => parseAttrs(short, 20))).toBe('attribute at offset 28 has nla_len 3 < 4');
    const long = Buffer.from(good);
    long.writeUInt16LE(9, 8);
    expect(parseError(() => parseAttrs(long))).toBe('attribute 2 at offset 8 has nla_len 9 but only 8 bytes remain');
    expect(parseError(() => parseAttrs(Buffer.concat([good, Buffer.from([1, 2])])))).toBe('2 stray bytes after the last attribute at offset 16');
  });

  it('typed getters check the payload size and strings their terminator', () => {
    const attrs = parseAttrs(new AttrWriter().put(1, Buffer.from([1, 2, 3])).put(2, Buffer.from('abc')).bytes());
    expect(parseError(() => attrs.u32(1))).toBe('attribute 1 at offset 0 is 3 bytes, a u32 needs 4');
    expect(parseError(() => attrs.u8(1))).toBe('attribute 1 at offset 0 is 3 bytes, a u8 needs 1');
    expect(parseError(() => attrs.u64(1))).toBe('attribute 1 at offset 0 is 3 bytes, a u64 needs 8');
    expect(parseError(() => attrs.string(2))).toBe('string attribute 2 at offset 8 is not NUL-terminated');
    expect(parseError(() => attrs.require(9, (a, t) => a.u32(t), 'THE_THING'))).toBe('THE_THING (attribute 9) is missing');
  });

  it('a nest whose content is corrupt fails when read, with offsets into the message', () => {
    const bytes = new AttrWriter().nest(1, (n) => n.u32(2, 1)).bytes();
    bytes.writeUInt16LE(200, 4); // the inner nla_len
    const nest = parseAttrs(bytes, 16).get(1);
    expect(nest).toBeDefined();
    if (nest) expect(parseError(() => readNested(nest))).toBe('attribute 2 at offset 20 has nla_len 200 but only 8 bytes remain');
  });

  it('the writer refuses values that do not fit, and strings with NUL', () => {
    const w = new AttrWriter();
    expect(() => w.u8(1, 256)).toThrow(RangeError);
    expect(() => w.u16(1, -1)).toThrow(RangeError);
    expect(() => w.u32(1, 1.5)).toThrow(RangeError);
    expect(() => w.u64(1, -1n)).toThrow(RangeError);
    expect(() => w.string(1, 'a\0b')).toThrow(RangeError);
    expect(() => w.put(1, Buffer.alloc(0x10000))).toThrow(RangeError);
    expect(() => w.nest(1, (n) => n.put(2, Buffer.alloc(0xfff0)).put(3, Buffer.alloc(100)))).toThrow(RangeError);
    expect(w.length).toBeGreaterThan(0); // what was written before the throw stays (callers discard the writer)
  });

  it('nlaAlign rounds to 4', () => {
    expect([0, 1, 4, 5, 7, 8].map(nlaAlign)).toEqual([0, 4, 4, 8, 8, 8]);
  });

  it('readString stops at the first NUL', () => {
    const attr = parseAttrs(new AttrWriter().put(1, Buffer.from('ab\0cd\0')).bytes()).get(1);
    expect(attr && readString(attr)).toBe('ab');
  });
});
