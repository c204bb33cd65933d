/**
 * Firmware user contexts (UCTX): 16-bit UIDs, lowest free first, each with the capabilities it
 * was created with. Objects a UID owns live in the ObjectStore.
 */
export interface UserContext {
  readonly uid: number;
  readonly cap: number;
}

export class UidTable {
  private readonly contexts = new Map<number, UserContext>();
  private nextHint = 1;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.contexts.size;
  }

  /** Allocates the lowest free UID (1-based; 0 is the kernel), or undefined when full. */
  allocate(cap: number): UserContext | undefined {
    if (this.contexts.size >= this.capacity) return undefined;
    let uid = this.nextHint;
    while (this.contexts.has(uid)) uid++;
    const ctx: UserContext = { uid, cap };
    this.contexts.set(uid, ctx);
    this.nextHint = uid + 1;
    return ctx;
  }

  get(uid: number): UserContext | undefined {
    return this.contexts.get(uid);
  }

  release(uid: number): boolean {
    const had = this.contexts.delete(uid);
    if (had && uid < this.nextHint) this.nextHint = uid;
    return had;
  }

  uids(): number[] {
    return [...this.contexts.keys()].sort((a, b) => a - b);
  }
}
