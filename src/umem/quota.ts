/**
 * Pinned-memory accounting, as RLIMIT_MEMLOCK does for the kernel driver: a limit per session
 * and one for the whole broker. A registration that would pass either is refused with ENOMEM.
 *
 * Registrations are also counted: each is one mapping in the broker, and a process has only
 * vm.max_map_count (65530) of them. Bytes alone allowed 131072 one-page UMEMs, and the broker
 * died in V8 ("Zone Allocation failed") once mmap could no longer give it memory.
 */
export interface PinLimits {
  perSessionBytes: number;
  globalBytes: number;
  /** UMEM registrations (mappings) per session; default DEFAULT_PIN_LIMITS.perSessionUmems. */
  perSessionUmems?: number;
  /** UMEM registrations in the whole broker; well below vm.max_map_count. */
  globalUmems?: number;
  /** Set when globalBytes was lowered to the broker's RLIMIT_MEMLOCK (no CAP_IPC_LOCK). */
  clampedToMemlock?: boolean;
}

export const DEFAULT_PIN_LIMITS: Required<PinLimits> = {
  perSessionBytes: 128 * 1024 * 1024,
  globalBytes: 512 * 1024 * 1024,
  perSessionUmems: 1024,
  globalUmems: 16384,
  clampedToMemlock: false,
};

export class PinQuota {
  private global = 0;
  private readonly perSession = new Map<number, number>();
  private globalCount = 0;
  private readonly perSessionCount = new Map<number, number>();
  readonly limits: Required<PinLimits>;

  constructor(limits: PinLimits = DEFAULT_PIN_LIMITS) {
    this.limits = { ...DEFAULT_PIN_LIMITS, ...limits };
  }

  get pinnedBytes(): number {
    return this.global;
  }

  sessionBytes(session: number): number {
    return this.perSession.get(session) ?? 0;
  }

  /** UMEM registrations (mappings) charged to the whole broker. */
  get umemCount(): number {
    return this.globalCount;
  }

  /**
   * Charges one registration of `bytes` to `session`; false (and nothing charged) when a byte
   * or a count limit would be passed.
   */
  charge(session: number, bytes: number): boolean {
    const mine = this.sessionBytes(session);
    const count = this.perSessionCount.get(session) ?? 0;
    if (mine + bytes > this.limits.perSessionBytes || this.global + bytes > this.limits.globalBytes) return false;
    if (count + 1 > this.limits.perSessionUmems || this.globalCount + 1 > this.limits.globalUmems) return false;
    this.perSession.set(session, mine + bytes);
    this.global += bytes;
    this.perSessionCount.set(session, count + 1);
    this.globalCount++;
    return true;
  }

  /**
   * Which limit a charge() of `bytes` would pass, in words a user can act on (the option that
   * sets it, or RLIMIT_MEMLOCK); undefined when it would be accepted.
   */
  refusal(session: number, bytes: number): string | undefined {
    const mine = this.sessionBytes(session);
    const count = this.perSessionCount.get(session) ?? 0;
    const l = this.limits;
    const memlock = "the broker's RLIMIT_MEMLOCK, as it has no CAP_IPC_LOCK";
    if (mine + bytes > l.perSessionBytes) {
      const source = l.clampedToMemlock && l.perSessionBytes === l.globalBytes ? memlock : 'mlx5ctld --max-session-pinned-mb';
      return `this session's pin quota: ${mine} of ${l.perSessionBytes} bytes already pinned (${source})`;
    }
    if (this.global + bytes > l.globalBytes) {
      return `the broker's pin quota: ${this.global} of ${l.globalBytes} bytes already pinned (${l.clampedToMemlock ? memlock : 'mlx5ctld --max-pinned-mb'})`;
    }
    if (count + 1 > l.perSessionUmems) return `this session's limit of ${l.perSessionUmems} UMEM registrations`;
    if (this.globalCount + 1 > l.globalUmems) return `the broker's limit of ${l.globalUmems} UMEM registrations`;
    return undefined;
  }

  /** Undoes one charge() of `bytes`. */
  release(session: number, bytes: number): void {
    const left = this.sessionBytes(session) - bytes;
    if (left > 0) this.perSession.set(session, left);
    else this.perSession.delete(session);
    this.global = Math.max(0, this.global - bytes);
    const count = (this.perSessionCount.get(session) ?? 0) - 1;
    if (count > 0) this.perSessionCount.set(session, count);
    else this.perSessionCount.delete(session);
    this.globalCount = Math.max(0, this.globalCount - 1);
  }
}
