import type { FdInfo } from '../../src/addon';
import { native } from '../../src/addon';
import { Errno } from '../../src/uapi/errno';
import { HUGETLBFS_MAGIC, MAX_MEMFD_BYTES, TMPFS_MAGIC, umemFdProblem } from '../../src/umem/fd_check';

/** The classifier on fstat/fstatfs values, as a host with huge pages would report them. */
const bits = native.sealBits();
const memfd: FdInfo = { fsType: TMPFS_MAGIC, dev: 1, ino: 2, size: 8192, regular: true, path: false, accessMode: 2 };
const SIZED = bits.SHRINK | bits.GROW;

describe('which fds can back a UMEM', () => {
  it('takes a read-write tmpfs memfd sealed against shrinking and growing', () => {
    expect(umemFdProblem(memfd, true, SIZED, bits, false)).toBeUndefined();
  });

  it('refuses a hugetlbfs memfd (f_type HUGETLBFS_MAGIC) with EINVAL, whatever its seals', () => {
    const huge = { ...memfd, fsType: HUGETLBFS_MAGIC };
    expect(umemFdProblem(huge, true, SIZED, bits, false)).toMatchObject({ errno: Errno.EINVAL, reason: 'hugetlbfs' });
    expect(umemFdProblem(huge, true, SIZED | bits.FUTURE_WRITE, bits, true)).toMatchObject({ errno: Errno.EINVAL, reason: 'hugetlbfs' });
  });

  it('answers an O_PATH fd with EBADF, as mmap would', () => {
    expect(umemFdProblem({ ...memfd, path: true }, false, 0, bits, false)).toMatchObject({ errno: Errno.EBADF, reason: 'o_path' });
  });

  it('refuses what is not a memfd, or not open read-write, with EINVAL', () => {
    expect(umemFdProblem({ ...memfd, fsType: 0xef53 }, false, SIZED, bits, false)).toMatchObject({ errno: Errno.EINVAL, reason: 'not_memfd' });
    expect(umemFdProblem({ ...memfd, regular: false }, true, SIZED, bits, false)).toMatchObject({ errno: Errno.EINVAL, reason: 'not_memfd' });
    expect(umemFdProblem(memfd, false, SIZED, bits, false)).toMatchObject({ errno: Errno.EINVAL, reason: 'not_memfd' });
    expect(umemFdProblem({ ...memfd, accessMode: 0 }, true, SIZED, bits, false)).toMatchObject({ errno: Errno.EINVAL, reason: 'not_rdwr' });
  });

  it('needs seals it can add F_SEAL_FUTURE_WRITE to, unless the broker already did', () => {
    expect(umemFdProblem(memfd, true, bits.SHRINK, bits, false)).toMatchObject({ reason: 'not_sealed' });
    expect(umemFdProblem(memfd, true, SIZED | bits.WRITE, bits, true)).toMatchObject({ reason: 'write_sealed' });
    expect(umemFdProblem(memfd, true, SIZED | bits.SEAL, bits, false)).toMatchObject({ errno: Errno.EINVAL, reason: 'seal_sealed' });
    expect(umemFdProblem(memfd, true, SIZED | bits.FUTURE_WRITE, bits, false)).toMatchObject({ errno: Errno.EINVAL, reason: 'write_sealed' });
    // Sealed by the broker, which still holds the file: registered again.
    expect(umemFdProblem(memfd, true, SIZED | bits.FUTURE_WRITE | bits.SEAL, bits, true)).toBeUndefined();
  });

  it('maps at most MAX_MEMFD_BYTES of one file', () => {
    expect(umemFdProblem({ ...memfd, size: MAX_MEMFD_BYTES + 4096 }, true, SIZED, bits, false)).toMatchObject({ reason: 'too_large' });
  });
});
