/**
 * Two ways a netlink exchange fails:
 * - NetlinkError: the kernel answered with an errno (NLMSG_ERROR, or NLMSG_DONE of a dump), plus
 *   its extended ack when it set one: the message iproute2 prints as `Error: ...` and the byte
 *   offset of the offending attribute in our request.
 * - NetlinkParseError: what arrived is not a well-formed netlink message (libmnl's EBADMSG). It
 *   names the field and offset so a corrupt reply is diagnosable, and never crashes the caller.
 */
import { Errno, strerror } from '../uapi/errno';

export interface Extack {
  /** NLMSGERR_ATTR_MSG */
  message?: string;
  /** NLMSGERR_ATTR_OFFS: offset into our request of the attribute the kernel refused. */
  offset?: number;
  /** NLMSGERR_ATTR_MISS_TYPE: the attribute type that was missing. */
  missingType?: number;
  /** NLMSGERR_ATTR_MISS_NEST: offset of the nest it was missing from. */
  missingNest?: number;
}

export class NetlinkError extends Error {
  constructor(
    /** Positive errno. */
    readonly errno: number,
    readonly extack: Extack = {},
  ) {
    super(extack.message ?? strerror(errno));
    this.name = 'NetlinkError';
  }
}

export class NetlinkParseError extends Error {
  readonly errno = Errno.EBADMSG;
  constructor(message: string) {
    super(message);
    this.name = 'NetlinkParseError';
  }
}
