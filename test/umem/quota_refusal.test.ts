/** PinQuota.refusal(): the limit a registration would pass, named so the user can act on it. */
import { PinQuota } from '../../src/umem/quota';

const MiB = 1024 * 1024;

describe('PinQuota.refusal', () => {
  it('accepts what fits and names the session quota, then the broker quota, with their options', () => {
    const q = new PinQuota({ perSessionBytes: 2 * MiB, globalBytes: 3 * MiB });
    expect(q.refusal(1, MiB)).toBeUndefined();
    expect(q.charge(1, MiB)).toBe(true);
    expect(q.refusal(1, 2 * MiB)).toBe(`this session's pin quota: ${MiB} of ${2 * MiB} bytes already pinned (mlx5ctld --max-session-pinned-mb)`);
    expect(q.charge(2, 2 * MiB)).toBe(true);
    expect(q.refusal(3, MiB)).toBe(`the broker's pin quota: ${3 * MiB} of ${3 * MiB} bytes already pinned (mlx5ctld --max-pinned-mb)`);
  });

  it('names RLIMIT_MEMLOCK when the quotas were clamped to it', () => {
    const clamped = new PinQuota({ perSessionBytes: 8 * MiB, globalBytes: 8 * MiB, clampedToMemlock: true });
    const memlock = "the broker's RLIMIT_MEMLOCK, as it has no CAP_IPC_LOCK";
    expect(clamped.refusal(1, 9 * MiB)).toBe(`this session's pin quota: 0 of ${8 * MiB} bytes already pinned (${memlock})`);
    const globalOnly = new PinQuota({ perSessionBytes: 4 * MiB, globalBytes: 6 * MiB, clampedToMemlock: true });
    expect(globalOnly.charge(1, 4 * MiB)).toBe(true);
    expect(globalOnly.refusal(2, 4 * MiB)).toBe(`the broker's pin quota: ${4 * MiB} of ${6 * MiB} bytes already pinned (${memlock})`);
  });

  it('names the registration count limits', () => {
    const q = new PinQuota({ perSessionBytes: MiB, globalBytes: MiB, perSessionUmems: 1, globalUmems: 2 });
    expect(q.charge(1, 4096)).toBe(true);
    expect(q.refusal(1, 4096)).toBe("this session's limit of 1 UMEM registrations");
    expect(q.charge(2, 4096)).toBe(true);
    expect(q.refusal(3, 4096)).toBe("the broker's limit of 2 UMEM registrations");
  });
});
