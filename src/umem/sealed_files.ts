/**
 * Memfds the broker has sealed with F_SEAL_FUTURE_WRITE, each with the writable mapping of the
 * whole file it made just before sealing (the anchor, never touched, never locked).
 *
 * Once sealed, nobody can mmap the file writable again, the broker included; every UMEM over
 * the file is therefore a duplicate of the anchor's pages (mremap), locked on its own. Keeping
 * the anchor is what lets a client register the same memfd again, or another range of it.
 *
 * A file is kept while some session that registered from it is open (a session's hold is given
 * back at its release, or, when the session holds too many files, for its least recently used
 * file with no UMEM left). The broker cannot know when the client is done with a memfd: a memfd
 * sealed by sessions that have all ended is refused (EINVAL) rather than kept forever.
 */
import { isNativeError, native, NativeMapping } from '../addon';
import { Errno, ErrnoError } from '../uapi/errno';
import { IOVA_PAGE } from './iova_space';

export interface SealedFileLimits {
  /** Files one session holds; its idle ones are let go first. */
  perSession: number;
  /** Files the broker holds: each is one mapping, beside one per UMEM (vm.max_map_count). */
  global: number;
}

export const DEFAULT_SEALED_FILE_LIMITS: Readonly<SealedFileLimits> = { perSession: 1024, global: 8192 };

interface SealedFile {
  readonly key: string;
  readonly anchor: NativeMapping;
  /** Per holding session: its UMEMs over this file. */
  readonly holders: Map<number, number>;
}

/** A UMEM's use of a sealed file: its mapping source, and the call that ends the use. */
export interface FileUse {
  readonly anchor: NativeMapping;
  done(): void;
}

export const fileKey = (dev: number, ino: number): string => `${dev}:${ino}`;

export class SealedFiles {
  private readonly files = new Map<string, SealedFile>();
  /** Per session, the files it holds, least recently used first (Map insertion order). */
  private readonly bySession = new Map<number, Map<string, SealedFile>>();
  readonly limits: Readonly<SealedFileLimits>;

  constructor(limits: Partial<SealedFileLimits> = {}) {
    this.limits = { ...DEFAULT_SEALED_FILE_LIMITS, ...limits };
  }

  get count(): number {
    return this.files.size;
  }

  /** True when the broker holds (and so sealed) the file with this key. */
  holds(key: string): boolean {
    return this.files.has(key);
  }

  /**
   * One more UMEM of `session` over the file `fd` (key `key`, `size` bytes): the file the broker
   * holds, or a new one, mapped whole and then sealed. The caller has checked the fd.
   */
  use(session: number, fd: number, key: string, size: number): FileUse {
    const mine = this.heldBy(session);
    this.makeRoom(session, mine, key);
    const file = this.files.get(key) ?? this.seal(fd, key, size);
    mine.delete(key); // most recently used last
    mine.set(key, file);
    file.holders.set(session, (file.holders.get(session) ?? 0) + 1);
    const used = file;
    let ended = false;
    return {
      anchor: file.anchor,
      done: () => {
        if (ended) return;
        ended = true;
        const n = (used.holders.get(session) ?? 1) - 1;
        // The hold stays (at zero UMEMs) so the session can register the file again.
        if (used.holders.has(session)) used.holders.set(session, n);
      },
    };
  }

  /** Gives back every file hold of a released session. */
  releaseSession(session: number): void {
    const mine = this.bySession.get(session);
    if (mine === undefined) return;
    this.bySession.delete(session);
    for (const file of mine.values()) this.letGo(session, file);
  }

  private heldBy(session: number): Map<string, SealedFile> {
    let mine = this.bySession.get(session);
    if (mine === undefined) {
      mine = new Map();
      this.bySession.set(session, mine);
    }
    return mine;
  }

  /** Makes room for one more file hold of `session`, letting go its least recently used idle one. */
  private makeRoom(session: number, mine: Map<string, SealedFile>, key: string): void {
    if (mine.has(key) || mine.size < this.limits.perSession) return;
    for (const [k, f] of mine) {
      if ((f.holders.get(session) ?? 0) === 0) {
        mine.delete(k);
        this.letGo(session, f);
        return;
      }
    }
    throw new ErrnoError(Errno.ENOMEM, `a session holds at most ${this.limits.perSession} memfds with UMEMs`);
  }

  private letGo(session: number, file: SealedFile): void {
    file.holders.delete(session);
    if (file.holders.size > 0) return;
    this.files.delete(file.key);
    // UMEMs still mapping the file have their own duplicates; the anchor is no longer needed.
    file.anchor.unmap();
  }

  /**
   * Maps the whole file writable, then seals it with F_SEAL_FUTURE_WRITE: from here on no page
   * of it can be punched out (EPERM), by the client or anyone. Pages are populated only later,
   * by locking each UMEM's duplicate, so a hole punched before the seal is filled, not kept.
   */
  private seal(fd: number, key: string, size: number): SealedFile {
    if (this.files.size >= this.limits.global) throw new ErrnoError(Errno.ENOMEM, `the broker holds at most ${this.limits.global} memfds with UMEMs`);
    const length = Math.ceil(size / IOVA_PAGE) * IOVA_PAGE;
    let anchor: NativeMapping;
    try {
      anchor = new native.Mapping(fd, 0, length, true);
    } catch (err) {
      const code = isNativeError(err) ? err.code : String(err);
      if (code === 'EACCES') throw new ErrnoError(Errno.EINVAL, 'the memfd cannot be mapped read-write');
      throw new ErrnoError(Errno.ENOMEM, `mmap failed: ${code}`);
    }
    try {
      native.addSeals(fd, native.sealBits().FUTURE_WRITE);
    } catch (err) {
      anchor.unmap();
      // EPERM: F_SEAL_SEAL was added after the check; the file cannot be made safe.
      throw new ErrnoError(Errno.EINVAL, `cannot seal the memfd with F_SEAL_FUTURE_WRITE: ${isNativeError(err) ? err.code : String(err)}`);
    }
    const file: SealedFile = { key, anchor, holders: new Map() };
    this.files.set(key, file);
    return file;
  }
}
