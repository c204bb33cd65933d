/**
 * The lane's model protocol, checked on the host (the driver's side is C in
 * test/kernel/fwctl_mlx5_sim; these bytes are what it reads and writes).
 */
import { decodeRequest, encodeReply, encodeRequest, HEADER_SIZE, REPLY_MAGIC, REQUEST_MAGIC } from '../kernel/fw_model_protocol';

describe('fwctl_mlx5_sim model protocol', () => {
  it('decodes a request as the driver lays it out', () => {
    const raw = Buffer.alloc(HEADER_SIZE + 4);
    raw.writeUInt32LE(REQUEST_MAGIC, 0);
    raw.writeUInt32LE(7, 4);
    raw.writeUInt32LE(4, 8);
    raw.writeUInt32LE(4112, 12);
    raw.write('abcd', HEADER_SIZE);
    const request = decodeRequest(raw);
    expect({ id: request.id, inbox: request.inbox.toString(), outLen: request.outLen }).toEqual({ id: 7, inbox: 'abcd', outLen: 4112 });
    expect(encodeRequest(request)).toEqual(raw);
  });

  it('refuses a request with a bad magic or a length that disagrees with its header', () => {
    const good = encodeRequest({ id: 1, inbox: Buffer.alloc(16), outLen: 16 });
    const badMagic = Buffer.from(good);
    badMagic.writeUInt32LE(0, 0);
    expect(() => decodeRequest(badMagic)).toThrow('bad model request magic 0x0');
    expect(() => decodeRequest(good.subarray(0, HEADER_SIZE + 8))).toThrow('says 16 inbox bytes, carries 8');
    expect(() => decodeRequest(good.subarray(0, 4))).toThrow('shorter than its header');
  });

  it('encodes an outbox reply and an errno reply', () => {
    const ok = encodeReply(9, Buffer.from([1, 2, 3]));
    expect([ok.readUInt32LE(0), ok.readUInt32LE(4), ok.readInt32LE(8), ok.readUInt32LE(12)]).toEqual([REPLY_MAGIC, 9, 0, 3]);
    expect([...ok.subarray(HEADER_SIZE)]).toEqual([1, 2, 3]);
    const failed = encodeReply(10, { errno: 19 });
    expect([failed.readInt32LE(8), failed.readUInt32LE(12), failed.length]).toEqual([-19, 0, HEADER_SIZE]);
  });
});
