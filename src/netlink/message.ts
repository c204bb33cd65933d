/**
 * Netlink messages: the 16-byte nlmsghdr, the split of one datagram into its messages (a dump
 * part carries many), and the control messages a request ends with: NLMSG_ERROR (error 0 is the
 * ACK) and NLMSG_DONE, both optionally followed by extended-ack TLVs.
 *
 * Every length is checked against the bytes received: nlmsg_len below the header or past the
 * datagram, an NLMSG_ERROR too short for its struct, TLVs that overrun — each is a
 * NetlinkParseError naming the offset, never an out-of-bounds read.
 */
import { Attrs, parseAttrs, readString, readU32 } from './attributes';
import { NLMSG_HDRLEN, NlmFlag, NlmsgType, NlmsgerrAttr } from './constants';
import { NetlinkParseError, type Extack } from './errors';

export const nlmsgAlign = (length: number): number => (length + 3) & ~3;

export interface NlmsgHeader {
  length: number;
  type: number;
  flags: number;
  seq: number;
  portId: number;
}

export interface NetlinkMessage {
  header: NlmsgHeader;
  /** The bytes after the header, up to nlmsg_len (a view into the datagram). */
  payload: Buffer;
}

/** One message: header, then `payload` (already laid out, e.g. genlmsghdr + attributes). */
export function encodeMessage(header: Omit<NlmsgHeader, 'length'>, payload: Uint8Array): Buffer {
  const length = NLMSG_HDRLEN + payload.length;
  const message = Buffer.alloc(nlmsgAlign(length));
  message.writeUInt32LE(length, 0);
  message.writeUInt16LE(header.type, 4);
  message.writeUInt16LE(header.flags, 6);
  message.writeUInt32LE(header.seq >>> 0, 8);
  message.writeUInt32LE(header.portId >>> 0, 12);
  message.set(payload, NLMSG_HDRLEN);
  return message;
}

export function decodeHeader(data: Buffer, offset = 0): NlmsgHeader {
  if (data.length - offset < NLMSG_HDRLEN) {
    throw new NetlinkParseError(`${data.length - offset} bytes at offset ${offset} are too short for an nlmsghdr`);
  }
  return {
    length: data.readUInt32LE(offset),
    type: data.readUInt16LE(offset + 4),
    flags: data.readUInt16LE(offset + 6),
    seq: data.readUInt32LE(offset + 8),
    portId: data.readUInt32LE(offset + 12),
  };
}

/** The messages of one datagram, in order (NLMSG_NEXT with every length checked). */
export function splitMessages(datagram: Buffer): NetlinkMessage[] {
  const messages: NetlinkMessage[] = [];
  let offset = 0;
  while (offset < datagram.length) {
    const header = decodeHeader(datagram, offset);
    if (header.length < NLMSG_HDRLEN) {
      throw new NetlinkParseError(`message at offset ${offset} has nlmsg_len ${header.length} < ${NLMSG_HDRLEN}`);
    }
    if (header.length > datagram.length - offset) {
      throw new NetlinkParseError(`message at offset ${offset} has nlmsg_len ${header.length} but the datagram has ${datagram.length - offset} bytes left`);
    }
    messages.push({ header, payload: datagram.subarray(offset + NLMSG_HDRLEN, offset + header.length) });
    offset = Math.min(offset + nlmsgAlign(header.length), datagram.length);
  }
  return messages;
}

/** NLMSG_ERROR's payload: `int error`, the echoed request header (and body unless capped), TLVs. */
export interface ErrorMessage {
  /** 0 for an ACK, else a positive errno. */
  errno: number;
  /** The header of the request this answers. */
  request: NlmsgHeader;
  extack: Extack;
}

export function parseErrorMessage(message: NetlinkMessage): ErrorMessage {
  const { payload, header } = message;
  if (payload.length < 4 + NLMSG_HDRLEN) {
    throw new NetlinkParseError(`NLMSG_ERROR of ${payload.length} bytes is shorter than struct nlmsgerr`);
  }
  const error = payload.readInt32LE(0);
  if (error > 0) throw new NetlinkParseError(`NLMSG_ERROR carries a positive error ${error}`);
  const request = decodeHeader(payload, 4);
  // The echo is the request header only when capped (or for an ACK, which the kernel always
  // caps); otherwise the whole request as we sent it, whose length its own header gives.
  let echoed = NLMSG_HDRLEN;
  if ((header.flags & NlmFlag.CAPPED) === 0 && error !== 0) {
    if (request.length < NLMSG_HDRLEN || request.length > payload.length - 4) {
      throw new NetlinkParseError(`NLMSG_ERROR echoes a request of ${request.length} bytes in ${payload.length - 4}`);
    }
    echoed = nlmsgAlign(request.length);
  }
  const tlvStart = Math.min(4 + echoed, payload.length);
  const extack = (header.flags & NlmFlag.ACK_TLVS) !== 0
    ? parseExtack(parseAttrs(payload.subarray(tlvStart), NLMSG_HDRLEN + tlvStart))
    : {};
  return { errno: Math.abs(error), request, extack };
}

/** NLMSG_DONE's payload: `int error` (0, or -errno when the dump failed part way), then TLVs. */
export function parseDoneMessage(message: NetlinkMessage): { errno: number; extack: Extack } {
  const { payload, header } = message;
  // A DONE without its int is what some old kernels sent for an empty dump: success.
  if (payload.length === 0) return { errno: 0, extack: {} };
  if (payload.length < 4) throw new NetlinkParseError(`NLMSG_DONE of ${payload.length} bytes cannot hold its error`);
  const error = payload.readInt32LE(0);
  if (error > 0) throw new NetlinkParseError(`NLMSG_DONE carries a positive error ${error}`);
  const extack = (header.flags & NlmFlag.ACK_TLVS) !== 0 ? parseExtack(parseAttrs(payload.subarray(4), NLMSG_HDRLEN + 4)) : {};
  return { errno: Math.abs(error), extack };
}

export function parseExtack(attrs: Attrs): Extack {
  const extack: Extack = {};
  const message = attrs.get(NlmsgerrAttr.MSG);
  if (message) extack.message = readString(message);
  const offset = attrs.get(NlmsgerrAttr.OFFS);
  if (offset) extack.offset = readU32(offset);
  const missingType = attrs.get(NlmsgerrAttr.MISS_TYPE);
  if (missingType) extack.missingType = readU32(missingType);
  const missingNest = attrs.get(NlmsgerrAttr.MISS_NEST);
  if (missingNest) extack.missingNest = readU32(missingNest);
  return extack;
}

export const isControlType = (type: number): boolean => type < NlmsgType.MIN_TYPE;
