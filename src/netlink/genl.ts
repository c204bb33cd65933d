/**
 * Generic netlink: a family's message is nlmsghdr (type = the family id), genlmsghdr
 * `{u8 cmd, u8 version, u16 reserved}`, then the family's attributes.
 */
import { Attrs, parseAttrs } from './attributes';
import { GENL_HDRLEN, NLMSG_HDRLEN } from './constants';
import { NetlinkParseError } from './errors';
import type { NetlinkMessage } from './message';

export interface GenlMessage {
  cmd: number;
  version: number;
  attrs: Attrs;
}

/** genlmsghdr + attributes: the payload of a family request. */
export function encodeGenlPayload(cmd: number, version: number, attrs: Uint8Array): Buffer {
  const payload = Buffer.alloc(GENL_HDRLEN + attrs.length);
  payload.writeUInt8(cmd, 0);
  payload.writeUInt8(version, 1);
  payload.set(attrs, GENL_HDRLEN);
  return payload;
}

export function decodeGenl(message: NetlinkMessage): GenlMessage {
  const { payload } = message;
  if (payload.length < GENL_HDRLEN) {
    throw new NetlinkParseError(`generic netlink message of ${payload.length} bytes has no genlmsghdr`);
  }
  return {
    cmd: payload.readUInt8(0),
    version: payload.readUInt8(1),
    attrs: parseAttrs(payload.subarray(GENL_HDRLEN), NLMSG_HDRLEN + GENL_HDRLEN),
  };
}
