import { IdAllocator } from '../../../src/fw/sim/id_allocator';

const PD_SPACE = 2 ** 24; // alloc_pd_out.pd is 24 bits

describe('IdAllocator', () => {
  it('hands out every 24-bit number but 0, then none, and reuses freed ones without passing the field', () => {
    const ids = new IdAllocator(0, PD_SPACE - 1);
    let last = 0;
    for (let n = 1; n < PD_SPACE; n++) {
      const id = ids.allocate(1);
      if (id !== last + 1) throw new Error(`allocation ${n} gave ${id}, expected ${last + 1}`); // one expect per id is too slow
      last = id;
    }
    expect(last).toBe(PD_SPACE - 1);
    expect(ids.size).toBe(PD_SPACE - 1);
    // The old counter's next PD was 16,777,216, which the 24-bit field reads back as 0.
    expect(ids.allocate(1)).toBeUndefined();
    expect(ids.release(4242)).toBe(true);
    expect(ids.allocate(1)).toBe(4242);
    expect(ids.allocate(1)).toBeUndefined();
    expect(ids.has(0)).toBe(false);
  }, 60_000);

  it('is cyclic: after a wrap, the next free number after the last one handed out', () => {
    const ids = new IdAllocator(0, 15);
    const all = Array.from({ length: 15 }, () => ids.allocate(1));
    expect(all).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    ids.release(3);
    ids.release(9);
    ids.release(15);
    expect(ids.allocate(1)).toBe(3); // wrapped past 15 (just handed out) to the lowest free ≥ 1
    expect(ids.allocate(1)).toBe(9);
    expect(ids.allocate(1)).toBe(15);
    expect(ids.allocate(1)).toBeUndefined();
  });

  it('never goes below the floor and never hands out a reserved number', () => {
    const ids = new IdAllocator(0, 0x1ff);
    expect(ids.reserve(0x100)).toBe(true);
    expect(ids.reserve(0x100)).toBe(false);
    expect(ids.allocate(0x100)).toBe(0x101);
    for (let i = 0x102; i <= 0x1ff; i++) ids.allocate(0x100);
    expect(ids.allocate(0x100)).toBeUndefined(); // [0x100, 0x1ff] is full even though 0..0xff are free
    expect(ids.allocate(1)).toBe(1);
    expect(() => ids.reserve(0x200)).toThrow(RangeError);
  });

  it('skips full chunks quickly and frees a chunk when it empties', () => {
    const ids = new IdAllocator(0, 2 ** 20 - 1);
    for (let i = 1; i < 3 * 65536; i++) ids.allocate(1);
    for (let i = 1; i < 65536; i++) ids.release(i);
    expect(ids.size).toBe(2 * 65536);
    expect(ids.allocate(1)).toBe(3 * 65536); // cyclic: continues upwards first
  });
});
