/**
 * Turning a client's fd into pinned memory the device may use. Only a memfd sealed against
 * shrinking and growing is accepted: its pages cannot disappear under the broker's mapping (a
 * truncated shared mapping would SIGBUS the broker), and its size is fixed.
 */
import * as fs from 'fs';
import { isNativeError, native, NativeMapping } from '../addon';
import { Errno, ErrnoError } from '../uapi/errno';
import { MLX5CTL_UMEM_MAX_BYTES } from '../uapi/mlx5ctl';
import { IOVA_PAGE } from './iova_space';

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

/** Checks the fd and maps + locks the range; the caller owns the mapping (and still the fd). */
export function pinMemfd(fd: number, g: UmemGeometry): NativeMapping {
  let type;
  try {
    type = native.fdType(fd);
  } catch {
    throw new ErrnoError(Errno.EBADF, 'the passed fd is not open');
  }
  if (type !== 'file' || !isMemfd(fd)) throw new ErrnoError(Errno.EINVAL, `UMEM needs a memfd, got a ${type}`);
  const seals = native.getSeals(fd);
  const bits = native.sealBits();
  if ((seals & bits.SHRINK) === 0 || (seals & bits.GROW) === 0) {
    throw new ErrnoError(Errno.EINVAL, 'memfd must be sealed with F_SEAL_SHRINK and F_SEAL_GROW');
  }
  if ((seals & (bits.WRITE | bits.FUTURE_WRITE)) !== 0) throw new ErrnoError(Errno.EINVAL, 'a write-sealed memfd cannot receive device writes');
  if (g.mapOffset + g.mapLength > native.fdSize(fd)) throw new ErrnoError(Errno.EFAULT, 'range runs past the end of the memfd');
  let mapping: NativeMapping;
  try {
    mapping = new native.Mapping(fd, g.mapOffset, g.mapLength, true);
  } catch (err) {
    throw new ErrnoError(Errno.ENOMEM, `mmap failed: ${isNativeError(err) ? err.code : String(err)}`);
  }
  try {
    mapping.lock();
  } catch (err) {
    mapping.unmap();
    throw new ErrnoError(Errno.ENOMEM, `mlock failed: ${isNativeError(err) ? err.code : String(err)}`);
  }
  return mapping;
}
