/**
 * Client-side UMEM buffers: a memfd sealed against shrinking and growing, mapped into this
 * process. Registering passes the fd to the broker (SCM_RIGHTS); device writes land in the same
 * pages this process reads.
 */
import { native, NativeMapping } from '../addon';

export class UmemBuffer {
  private closed = false;

  private constructor(readonly fd: number, readonly mapping: NativeMapping, readonly length: number) {}

  /** A zero-filled buffer of at least `length` bytes (rounded up to whole pages). */
  static create(length: number, name = 'mlx5ctl-umem'): UmemBuffer {
    const page = native.pageSize();
    const size = Math.max(page, Math.ceil(length / page) * page);
    const fd = native.memfdCreate(name, true);
    try {
      native.ftruncate(fd, size);
      const seals = native.sealBits();
      native.addSeals(fd, seals.SHRINK | seals.GROW | seals.SEAL);
      return new UmemBuffer(fd, new native.Mapping(fd, 0, size, true), size);
    } catch (err) {
      native.close(fd);
      throw err;
    }
  }

  read(offset: number, length: number): Buffer {
    return this.mapping.read(offset, length);
  }

  write(offset: number, data: Buffer): void {
    this.mapping.write(offset, data);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.mapping.unmap();
    native.close(this.fd);
  }
}
