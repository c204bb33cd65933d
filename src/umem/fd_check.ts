/**
 * Which passed fds can back a UMEM, decided from what fstat/fstatfs/F_GETFL and the seals say
 * (a pure function, so the rules are testable on values no host can produce on demand).
 *
 * Only an ordinary memfd (tmpfs) qualifies, open read-write and sealed against shrinking and
 * growing. Its pages are made immutable to the client at registration: the broker maps it, then
 * adds F_SEAL_FUTURE_WRITE itself, which refuses hole punching (fallocate PUNCH_HOLE,
 * MADV_REMOVE), write(2) and new writable mappings, while the client's existing mapping keeps
 * reading and writing the same pages. So the memfd must still be able to take that seal: no
 * F_SEAL_SEAL, and no write seal from anyone but the broker.
 *
 * A hugetlbfs memfd (MFD_HUGETLB) is refused: its pages come from a pool that can run dry, and
 * a device write into a page the pool cannot supply would be a SIGBUS in the broker.
 */
import type { FdInfo, SealBits } from '../addon';
import { Errno } from '../uapi/errno';

export const TMPFS_MAGIC = 0x01021994;
export const HUGETLBFS_MAGIC = 0x958458f6;

/** The whole memfd is mapped (not pinned) by the broker; beyond this a file is refused. */
export const MAX_MEMFD_BYTES = 1024 * 1024 * 1024;

export interface FdProblem {
  errno: number;
  /** A short stable name for the audit line. */
  reason: string;
  message: string;
}

const problem = (errno: number, reason: string, message: string): FdProblem => ({ errno, reason, message });

/**
 * What is wrong with this fd as a UMEM backing, or undefined. `brokerSealed` says the broker
 * itself added the write seal it carries (it holds the file from an earlier registration).
 */
export function umemFdProblem(info: FdInfo, isMemfd: boolean, seals: number, bits: SealBits, brokerSealed: boolean): FdProblem | undefined {
  // As mmap(2) and every I/O call answer an O_PATH fd.
  if (info.path) return problem(Errno.EBADF, 'o_path', 'an O_PATH fd cannot be mapped');
  if (info.fsType === HUGETLBFS_MAGIC) {
    return problem(Errno.EINVAL, 'hugetlbfs', 'hugetlbfs memfds are refused: a device write into a page the huge page pool cannot supply would SIGBUS the broker');
  }
  if (!info.regular || info.fsType !== TMPFS_MAGIC || !isMemfd) return problem(Errno.EINVAL, 'not_memfd', 'UMEM needs a memfd');
  if (info.accessMode !== 2) return problem(Errno.EINVAL, 'not_rdwr', 'the memfd must be open for reading and writing');
  if ((seals & bits.SHRINK) === 0 || (seals & bits.GROW) === 0) {
    return problem(Errno.EINVAL, 'not_sealed', 'memfd must be sealed with F_SEAL_SHRINK and F_SEAL_GROW');
  }
  if ((seals & bits.WRITE) !== 0) return problem(Errno.EINVAL, 'write_sealed', 'a write-sealed memfd cannot receive device writes');
  if (!brokerSealed) {
    if ((seals & bits.FUTURE_WRITE) !== 0) {
      return problem(Errno.EINVAL, 'write_sealed', 'memfd already sealed with F_SEAL_FUTURE_WRITE (by the client, or by a registration whose sessions have all ended): use a new memfd');
    }
    if ((seals & bits.SEAL) !== 0) {
      return problem(Errno.EINVAL, 'seal_sealed', 'memfd carries F_SEAL_SEAL: the broker must be able to add F_SEAL_FUTURE_WRITE, which keeps its pages in place');
    }
    if (info.size > MAX_MEMFD_BYTES) return problem(Errno.EINVAL, 'too_large', `memfd of ${info.size} bytes is over ${MAX_MEMFD_BYTES}`);
  }
  return undefined;
}
