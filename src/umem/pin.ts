/**
 * Turning a client's fd into pinned memory the device may use. Only an ordinary memfd sealed
 * against shrinking and growing is accepted (fd_check.ts); at its first registration the broker
 * seals it with F_SEAL_FUTURE_WRITE as well (sealed_files.ts), so no page under a UMEM can be
 * truncated or punched out, which would leave the device writing into fresh zero pages or, on
 * hugetlbfs, SIGBUS the broker. The kernel's pin_user_pages(FOLL_LONGTERM) gives the same.
 */
import * as fs from 'fs';
import { isNativeError, native, NativeMapping } from '../addon';
import { Errno, ErrnoError } from '../uapi/errno';
import { MLX5CTL_UMEM_MAX_BYTES } from '../uapi/mlx5ctl';
import { umemFdProblem } from './fd_check';
import { IOVA_PAGE } from './iova_space';
import { fileKey, SealedFiles } from './sealed_files';

export interface UmemGeometry {
  /** Page-aligned start of the mapping in the memfd. */
  mapOffset: number;
  mapLength: number;
  /** Offset of the first byte inside its page (create_umem page_offset). */
  pageOffset: number;
  npages: number;
}

/** mlx5ctl_umem_reg checks, in the driver's order: overflow, then 0 < pages ≤ 64 MB. */
export function umemGeometry(addr: bigint, len: bigint): UmemGeometry {
  const end = addr + len;
  if (end > 0xffffffffffffffffn || end < addr) throw new ErrnoError(Errno.EINVAL, 'address range overflows');
  const page = BigInt(IOVA_PAGE);
  const first = addr - (addr % page);
  const last = ((end + page - 1n) / page) * page;
  const bytes = last - first;
  if (len === 0n || bytes === 0n || bytes > BigInt(MLX5CTL_UMEM_MAX_BYTES)) {
    throw new ErrnoError(Errno.EINVAL, `umem of ${len} bytes is empty or over ${MLX5CTL_UMEM_MAX_BYTES}`);
  }
  return { mapOffset: Number(first), mapLength: Number(bytes), pageOffset: Number(addr % page), npages: Number(bytes / page) };
}

function isMemfd(fd: number): boolean {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith('/memfd:');
  } catch {
    return false;
  }
}

/** A refused UMEM fd, with a short reason for the audit line. */
export class UmemFdError extends ErrnoError {
  constructor(errno: number, readonly reason: string, message: string) {
    super(errno, message);
  }
}

/** A pinned UMEM range: its own locked mapping of the memfd's pages. */
export interface PinnedRange {
  readonly mapping: NativeMapping;
  /** Unlocks and unmaps the range, and ends its use of the sealed file. */
  unpin(): void;
}

/**
 * Checks the fd, seals the file against hole punching (first registration of it), then maps
 * and locks the range. The caller still owns the fd.
 */
export function pinMemfd(fd: number, g: UmemGeometry, session: number, files: SealedFiles): PinnedRange {
  let info;
  try {
    info = native.fdInfo(fd);
  } catch {
    throw new UmemFdError(Errno.EBADF, 'bad_fd', 'the passed fd is not open');
  }
  const key = fileKey(info.dev, info.ino);
  const seals = info.path ? 0 : sealsOf(fd);
  const bad = umemFdProblem(info, !info.path && isMemfd(fd), seals, native.sealBits(), files.holds(key));
  if (bad) throw new UmemFdError(bad.errno, bad.reason, bad.message);
  if (g.mapOffset + g.mapLength > info.size) throw new UmemFdError(Errno.EFAULT, 'past_end', 'range runs past the end of the memfd');
  const use = files.use(session, fd, key, info.size);
  let mapping: NativeMapping;
  try {
    mapping = use.anchor.duplicate(g.mapOffset, g.mapLength);
  } catch (err) {
    use.done();
    throw new ErrnoError(Errno.ENOMEM, `mremap failed: ${isNativeError(err) ? err.code : String(err)}`);
  }
  try {
    // After the seal: every page is populated now and can no longer be punched out.
    mapping.lock();
  } catch (err) {
    mapping.unmap();
    use.done();
    throw new ErrnoError(Errno.ENOMEM, `mlock failed: ${isNativeError(err) ? err.code : String(err)}`);
  }
  return {
    mapping,
    unpin: () => {
      mapping.unmap();
      use.done();
    },
  };
}

/** The memfd's seals; 0 for a file that has none (F_GET_SEALS is EINVAL there). */
function sealsOf(fd: number): number {
  try {
    return native.getSeals(fd);
  } catch {
    return 0;
  }
}
