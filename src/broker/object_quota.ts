/**
 * How many firmware objects (PD, MKEY, UMEM) sessions may hold: per session, per peer uid (all
 * its sessions together) and in the whole broker. Without it a DEBUG_READ_ONLY peer allocated
 * 10.5 M PDs, about 400 bytes of broker heap each, until the broker died of heap exhaustion.
 *
 * A create past a limit is refused before it reaches the firmware with ENOMEM: what the kernel
 * reports when the device's own limit is hit (mlx5_cmd_check maps MLX5_CMD_STAT_LIM_ERR to
 * -ENOMEM) and what the UMEM pin quotas already answer (as RLIMIT_MEMLOCK does for ib_umem).
 *
 * The charge is taken before the RPC runs, so pipelined creates cannot overshoot, and given back
 * when the object is forgotten (destroyed by the client, or at release) or was never created.
 */
export interface ObjectLimits {
  perSession: number;
  perUid: number;
  global: number;
}

/**
 * 4096 objects per session covers the heaviest tool (a dump with a PD, a UMEM and an MKEY each)
 * many times over; 16384 per uid and 65536 in all bound the broker's heap for these records to
 * about 6 MB per uid and 26 MB in all.
 */
export const DEFAULT_OBJECT_LIMITS: Readonly<ObjectLimits> = { perSession: 4096, perUid: 16384, global: 65536 };

export type ObjectQuotaReason = 'objects_per_session' | 'objects_per_uid' | 'objects_global';

export interface ObjectRefusal {
  reason: ObjectQuotaReason;
  limit: number;
}

/** One object's share of the quota; release() is idempotent. */
export interface ObjectCharge {
  release(): void;
}

export class ObjectQuota {
  readonly limits: Readonly<ObjectLimits>;
  private total = 0;
  private readonly bySession = new Map<number, number>();
  private readonly byUid = new Map<number, number>();

  constructor(limits: Partial<ObjectLimits> = {}) {
    this.limits = { ...DEFAULT_OBJECT_LIMITS, ...limits };
  }

  get objects(): number {
    return this.total;
  }

  sessionObjects(session: number): number {
    return this.bySession.get(session) ?? 0;
  }

  uidObjects(uid: number): number {
    return this.byUid.get(uid) ?? 0;
  }

  /** Charges one object to `session` of peer `uid`, or says which limit it would pass. */
  charge(session: number, uid: number): ObjectCharge | ObjectRefusal {
    if (this.sessionObjects(session) >= this.limits.perSession) return { reason: 'objects_per_session', limit: this.limits.perSession };
    if (this.uidObjects(uid) >= this.limits.perUid) return { reason: 'objects_per_uid', limit: this.limits.perUid };
    if (this.total >= this.limits.global) return { reason: 'objects_global', limit: this.limits.global };
    bump(this.bySession, session, 1);
    bump(this.byUid, uid, 1);
    this.total++;
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        bump(this.bySession, session, -1);
        bump(this.byUid, uid, -1);
        this.total--;
      },
    };
  }
}

export function isRefusal(c: ObjectCharge | ObjectRefusal): c is ObjectRefusal {
  return 'reason' in c;
}

function bump(counts: Map<number, number>, key: number, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}
