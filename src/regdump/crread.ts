/**
 * The one place cr-space reads happen. The broker supplies `ReadDwords`; any failure becomes
 * CRD_CR_READ_ERR with mstregdump's text `Cr read (0x%08x) failed: %s(%d)`.
 */
import { strerror } from '../uapi/errno';
import { RegdumpError } from './errors';

/** Reads `count` consecutive dwords starting at cr-space byte address `addr` (host-order values). */
export type ReadDwords = (addr: number, count: number) => Promise<ArrayLike<number>>;

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

function errnoOf(err: unknown): number {
  if (typeof err === 'object' && err !== null && 'errno' in err && typeof err.errno === 'number') return Math.abs(err.errno);
  return 5; // EIO: the device did not say why
}

export async function crRead(read: ReadDwords, addr: number, count: number): Promise<ArrayLike<number>> {
  let got: ArrayLike<number>;
  try {
    got = await read(addr, count);
  } catch (err) {
    if (err instanceof RegdumpError) throw err;
    const errno = errnoOf(err);
    throw new RegdumpError('CR_READ_ERR', `Cr read (0x${hex8(addr)}) failed: ${strerror(errno)}(${errno})`);
  }
  if (got.length !== count) throw new RegdumpError('CR_READ_ERR', `Cr read (0x${hex8(addr)}) failed: ${strerror(5)}(5)`);
  return got;
}
