import { MAX_CONTROL_JSON, MAX_CONTROL_REPLY_JSON } from '../../src/uapi/control';
import { Errno } from '../../src/uapi/errno';
import { decodeControl, encodeControl, encodeControlReply } from '../../src/uapi/message';

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
});
