/**
 * Pinned-memory accounting, as RLIMIT_MEMLOCK does for the kernel driver: a limit per session
 * and one for the whole broker. A registration that would pass either is refused with ENOMEM.
 */
export interface PinLimits {
  perSessionBytes: number;
  globalBytes: number;
}

export const DEFAULT_PIN_LIMITS: PinLimits = { perSessionBytes: 128 * 1024 * 1024, globalBytes: 512 * 1024 * 1024 };

export class PinQuota {
  private global = 0;
  private readonly perSession = new Map<number, number>();

  constructor(readonly limits: PinLimits = DEFAULT_PIN_LIMITS) {}

  get pinnedBytes(): number {
    return this.global;
  }

  sessionBytes(session: number): number {
    return this.perSession.get(session) ?? 0;
  }

  /** Charges `bytes` to `session`; false (and nothing charged) when a limit would be passed. */
  charge(session: number, bytes: number): boolean {
    const mine = this.sessionBytes(session);
    if (mine + bytes > this.limits.perSessionBytes || this.global + bytes > this.limits.globalBytes) return false;
    this.perSession.set(session, mine + bytes);
    this.global += bytes;
    return true;
  }

  release(session: number, bytes: number): void {
    const left = this.sessionBytes(session) - bytes;
    if (left > 0) this.perSession.set(session, left);
    else this.perSession.delete(session);
    this.global = Math.max(0, this.global - bytes);
  }
}
