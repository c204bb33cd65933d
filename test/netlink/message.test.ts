import { AttrWriter } from '../../src/netlink/attributes';
import { NlmFlag, NlmsgType, NlmsgerrAttr } from '../../src/netlink/constants';
import { decodeGenl, encodeGenlPayload } from '../../src/netlink/genl';
import { encodeMessage, parseDoneMessage, parseErrorMessage, splitMessages, type NetlinkMessage } from '../../src/netlink/message';
import { parseError } from './fixtures';

const request = encodeMessage({ type: 0x1a, flags: NlmFlag.REQUEST | NlmFlag.ACK, seq: 77, portId: 0 },
  encodeGenlPayload(52, 1, new AttrWriter().string(1, 'pci').string(2, '0000:08:00.0').bytes()));

/** struct nlmsgerr as the kernel builds it: error, the request (whole, or its header if capped), TLVs. */
function errorMessage(errno: number, options: { capped: boolean; tlvs?: Buffer }): NetlinkMessage {
  const echo = options.capped ? request.subarray(0, 16) : request;
  const body = Buffer.concat([Buffer.alloc(4), echo, options.tlvs ?? Buffer.alloc(0)]);
  body.writeInt32LE(-errno, 0);
  const flags = (options.capped ? NlmFlag.CAPPED : 0) | (options.tlvs ? NlmFlag.ACK_TLVS : 0);
  const [message] = splitMessages(encodeMessage({ type: NlmsgType.ERROR, flags, seq: 77, portId: 9 }, body));
  if (!message) throw new Error('no message');
  return message;
}

describe('netlink messages', () => {
  it('round-trips a generic netlink request', () => {
    const [message, ...rest] = splitMessages(request);
    expect(rest).toEqual([]);
    expect(message?.header).toEqual({ length: request.length, type: 0x1a, flags: 5, seq: 77, portId: 0 });
    if (!message) return;
    const genl = decodeGenl(message);
    expect(genl.cmd).toBe(52);
    expect(genl.version).toBe(1);
    expect(genl.attrs.string(2)).toBe('0000:08:00.0');
    // Attribute offsets count from the start of the nlmsghdr, as the kernel's extack offsets do.
    expect(genl.attrs.get(1)?.offset).toBe(20);
  });

  it('splits several messages out of one datagram, as a dump part carries them', () => {
    const parts = [1, 2, 3].map((seq) => encodeMessage({ type: 0x1a, flags: NlmFlag.MULTI, seq, portId: 9 }, Buffer.alloc(seq)));
    const messages = splitMessages(Buffer.concat(parts));
    expect(messages.map((m) => [m.header.seq, m.header.length, m.payload.length])).toEqual([[1, 17, 1], [2, 18, 2], [3, 19, 3]]);
  });

  it('refuses a header cut short, and nlmsg_len that lies either way', () => {
    const two = Buffer.concat([request, request]);
    expect(parseError(() => splitMessages(two.subarray(0, request.length + 10)))).toBe(`10 bytes at offset ${request.length} are too short for an nlmsghdr`);
    const long = Buffer.from(two);
    long.writeUInt32LE(1000, request.length);
    expect(parseError(() => splitMessages(long))).toBe(`message at offset ${request.length} has nlmsg_len 1000 but the datagram has ${request.length} bytes left`);
    const short = Buffer.from(two);
    short.writeUInt32LE(15, 0);
    expect(parseError(() => splitMessages(short))).toBe('message at offset 0 has nlmsg_len 15 < 16');
    expect(splitMessages(Buffer.alloc(0))).toEqual([]);
  });

  it('a genl message needs its genlmsghdr', () => {
    const [message] = splitMessages(encodeMessage({ type: 0x1a, flags: 0, seq: 1, portId: 0 }, Buffer.alloc(2)));
    if (message) expect(parseError(() => decodeGenl(message))).toBe('generic netlink message of 2 bytes has no genlmsghdr');
  });

  it('parses an ACK (error 0, capped) and one carrying a warning', () => {
    expect(parseErrorMessage(errorMessage(0, { capped: true }))).toEqual({
      errno: 0, request: { length: request.length, type: 0x1a, flags: 5, seq: 77, portId: 0 }, extack: {},
    });
    const warning = new AttrWriter().string(NlmsgerrAttr.MSG, 'deprecated').bytes();
    expect(parseErrorMessage(errorMessage(0, { capped: true, tlvs: warning })).extack).toEqual({ message: 'deprecated' });
  });

  it('parses the extack message and offset after a capped or a full echo', () => {
    const tlvs = new AttrWriter().string(NlmsgerrAttr.MSG, 'The requested region does not exist').u32(NlmsgerrAttr.OFFS, 20)
      .u32(NlmsgerrAttr.MISS_TYPE, 88).u32(NlmsgerrAttr.MISS_NEST, 0).bytes();
    const expected = { message: 'The requested region does not exist', offset: 20, missingType: 88, missingNest: 0 };
    expect(parseErrorMessage(errorMessage(22, { capped: true, tlvs }))).toMatchObject({ errno: 22, extack: expected });
    expect(parseErrorMessage(errorMessage(22, { capped: false, tlvs }))).toMatchObject({ errno: 22, extack: expected });
    expect(parseErrorMessage(errorMessage(19, { capped: false }))).toMatchObject({ errno: 19, extack: {} });
  });

  it('refuses a truncated or inconsistent NLMSG_ERROR', () => {
    const message = errorMessage(22, { capped: false });
    const cut: NetlinkMessage = { header: message.header, payload: message.payload.subarray(0, 10) };
    expect(parseError(() => parseErrorMessage(cut))).toBe('NLMSG_ERROR of 10 bytes is shorter than struct nlmsgerr');
    const lying = Buffer.from(message.payload);
    lying.writeUInt32LE(500, 4); // the echoed request claims 500 bytes
    expect(parseError(() => parseErrorMessage({ header: message.header, payload: lying }))).toBe(`NLMSG_ERROR echoes a request of 500 bytes in ${request.length}`);
    const positive = Buffer.from(message.payload);
    positive.writeInt32LE(5, 0);
    expect(parseError(() => parseErrorMessage({ header: message.header, payload: positive }))).toBe('NLMSG_ERROR carries a positive error 5');
    const badTlv = errorMessage(22, { capped: true, tlvs: Buffer.from([0xff, 0, 1, 0]) });
    expect(parseError(() => parseErrorMessage(badTlv))).toBe('attribute 1 at offset 36 has nla_len 255 but only 4 bytes remain');
  });

  it('parses NLMSG_DONE: success, a dump error with its extack, the empty old form', () => {
    const done = (errno: number, tlvs?: Buffer): NetlinkMessage => {
      const body = Buffer.concat([Buffer.alloc(4), tlvs ?? Buffer.alloc(0)]);
      body.writeInt32LE(-errno, 0);
      const [message] = splitMessages(encodeMessage({ type: NlmsgType.DONE, flags: NlmFlag.MULTI | (tlvs ? NlmFlag.ACK_TLVS : 0), seq: 1, portId: 9 }, body));
      if (!message) throw new Error('no message');
      return message;
    };
    expect(parseDoneMessage(done(0))).toEqual({ errno: 0, extack: {} });
    expect(parseDoneMessage(done(11, new AttrWriter().string(NlmsgerrAttr.MSG, 'Dump trampled, please retry').bytes())))
      .toEqual({ errno: 11, extack: { message: 'Dump trampled, please retry' } });
    const empty = splitMessages(encodeMessage({ type: NlmsgType.DONE, flags: NlmFlag.MULTI, seq: 1, portId: 9 }, Buffer.alloc(0)))[0];
    if (empty) expect(parseDoneMessage(empty)).toEqual({ errno: 0, extack: {} });
    const two = { header: done(0).header, payload: Buffer.alloc(2) };
    expect(parseError(() => parseDoneMessage(two))).toBe('NLMSG_DONE of 2 bytes cannot hold its error');
  });
});
