/**
 * Client-side UMEM buffers: a memfd sealed against shrinking and growing, mapped into this
 * process. Registering passes the fd to the broker (SCM_RIGHTS); device writes land in the same
 * pages this process reads.
 *
 * The buffer is mapped here before it is ever registered, and must not carry F_SEAL_SEAL: at the
 * first registration the broker seals it with F_SEAL_FUTURE_WRITE, so that no page under a UMEM
 * can be punched out. That seal refuses new writable mappings and write(2), not writes through
 * this existing mapping, which keeps reading what the device wrote and writing what it reads.
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
      native.addSeals(fd, seals.SHRINK | seals.GROW);
      // Mapped now: once registered, the memfd takes no new writable mapping.
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
