import { MAX_CONTROL_JSON, MAX_CONTROL_REPLY_JSON } from '../../src/uapi/control';
import { Errno } from '../../src/uapi/errno';
import { decodeControl, encodeControl, encodeControlReply, encodeControlReplyParts } from '../../src/uapi/message';
import { encodeStruct } from '../../src/uapi/struct';
import { mlx5ctldMsg } from '../../src/uapi/control';

const split = (b: Buffer): [Buffer, Buffer] => [b.subarray(0, 8), b.subarray(8)];

describe('control messages', () => {
  it('round-trips JSON and a binary tail', () => {
    const bin = Buffer.from([1, 2, 3, 0xff]);
    const { json, binary } = decodeControl(...split(encodeControl({ a: [1, 'x'] }, bin)));
    expect(json).toEqual({ a: [1, 'x'] });
    expect(binary.equals(bin)).toBe(true);
  });

  it('holds requests to MAX_CONTROL_JSON and replies to the larger MAX_CONTROL_REPLY_JSON', () => {
    const big = encodeControl({ s: 'x'.repeat(MAX_CONTROL_JSON) });
    expect(() => decodeControl(...split(big))).toThrow(expect.objectContaining({ errno: Errno.EMSGSIZE }));
    expect(decodeControl(...split(big), MAX_CONTROL_REPLY_JSON).json).toEqual({ s: 'x'.repeat(MAX_CONTROL_JSON) });
  });

  it('refuses to encode a reply past what clients accept', () => {
    expect(encodeControlReply({ s: 'x'.repeat(MAX_CONTROL_REPLY_JSON - 16) }).readUInt32LE(0)).toBe(MAX_CONTROL_REPLY_JSON - 8);
    expect(() => encodeControlReply({ s: 'x'.repeat(MAX_CONTROL_REPLY_JSON) })).toThrow(expect.objectContaining({ errno: Errno.EMSGSIZE }));
  });

  it('refuses reserved bits, short bodies and bad JSON with their errnos', () => {
    const ok = encodeControl({ a: 1 });
    const reserved = Buffer.from(ok);
    reserved.writeUInt32LE(1, 4);
    expect(() => decodeControl(...split(reserved))).toThrow(expect.objectContaining({ errno: Errno.EOPNOTSUPP }));
    expect(() => decodeControl(ok.subarray(0, 8), ok.subarray(8, 10))).toThrow(expect.objectContaining({ errno: Errno.EFAULT }));
    const bad = Buffer.from(ok);
    bad[8] = 0x7b + 1;
    expect(() => decodeControl(...split(bad))).toThrow(expect.objectContaining({ errno: Errno.EINVAL }));
  });

  it('lays out struct mlx5ctld_msg, the UTF-8 JSON and the binary, reserved bytes zero', () => {
    // Multi-byte characters: json_len counts bytes, not characters.
    const json = { name: 'région', n: 3, list: [null, true] };
    const bin = Buffer.from([9, 8, 7]);
    const text = Buffer.from(JSON.stringify(json), 'utf8');
    const expected = Buffer.concat([encodeStruct(mlx5ctldMsg, { json_len: text.length }), text, bin]);
    expect(encodeControl(json, bin).equals(expected)).toBe(true);
    expect(encodeControl(json).equals(expected.subarray(0, expected.length - bin.length))).toBe(true);
    expect(encodeControl(undefined).subarray(8).toString()).toBe('null');
  });

  it('gives a reply as parts holding the same bytes, the binary itself not copied', () => {
    const bin = Buffer.from([1, 2, 3, 4, 5]);
    const parts = encodeControlReplyParts({ ok: true, reply: { length: 5 } }, bin);
    expect(Buffer.concat(parts).equals(encodeControlReply({ ok: true, reply: { length: 5 } }, bin))).toBe(true);
    expect(parts[parts.length - 1]).toBe(bin);
    expect(encodeControlReplyParts({ ok: true })).toHaveLength(1);
    expect(encodeControlReplyParts({ ok: true }, Buffer.alloc(0))).toHaveLength(1);
    expect(() => encodeControlReplyParts({ s: 'x'.repeat(MAX_CONTROL_REPLY_JSON) })).toThrow(expect.objectContaining({ errno: Errno.EMSGSIZE }));
  });
});
