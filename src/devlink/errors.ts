/**
 * devlink errors, kernel style: a positive Linux errno plus the optional netlink extended-ack
 * message (extack). The extack is what iproute2 prints as `Error: <msg>.`; the errno becomes
 * `kernel answers: <strerror>`.
 */
import { Errno, errnoName, strerror } from '../uapi/errno';

export { Errno };

/** The JSON shape of an error on the wire (the broker sends exactly this). */
export interface DevlinkErrorBody {
  errno: number;
  extack?: string;
}

export class DevlinkError extends Error {
  readonly code: string;
  constructor(
    readonly errno: number,
    readonly extack?: string,
  ) {
    super(extack ?? strerror(errno));
    this.name = 'DevlinkError';
    this.code = errnoName(errno);
  }

  toJSON(): DevlinkErrorBody {
    return this.extack === undefined ? { errno: this.errno } : { errno: this.errno, extack: this.extack };
  }

  static from(body: DevlinkErrorBody): DevlinkError {
    return new DevlinkError(body.errno, body.extack);
  }
}

export function isDevlinkErrorBody(value: unknown): value is DevlinkErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const errno: unknown = Reflect.get(value, 'errno');
  const extack: unknown = Reflect.get(value, 'extack');
  return (
    typeof errno === 'number' && Number.isInteger(errno) && errno > 0 &&
    (extack === undefined || typeof extack === 'string')
  );
}

/** Shorthands for the errors the devlink core raises. */
export const einval = (extack?: string): DevlinkError => new DevlinkError(Errno.EINVAL, extack);
export const eopnotsupp = (extack?: string): DevlinkError => new DevlinkError(Errno.EOPNOTSUPP, extack);
