/**
 * Object numbers within the width of the field that carries them (a PD number is 24 bits in
 * alloc_pd_out and dealloc_pd_in). Allocation is cyclic: the next free number after the last one
 * handed out, wrapping to the lowest allowed, so a freed number is reused only after the rest of
 * the space (as firmware avoids handing a stale handle's number straight back), and never a
 * number the field cannot carry. A counter that only grew passed 2^24 after 16 M allocations:
 * PD 16,777,216 read back as 0 and could never be freed, nor its owner's UID.
 *
 * Used numbers are kept in a sparse two-level bitset (chunks of 65536 bits made on first use),
 * so a 2^24 space costs nothing until it is used and 2 MiB when full.
 */
const CHUNK_BITS = 16;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const WORDS_PER_CHUNK = CHUNK_SIZE / 32;

export class IdAllocator {
  private readonly chunks = new Map<number, { words: Uint32Array; used: number }>();
  private used = 0;
  /** Where the next search starts (one past the last number handed out). */
  private cursor: number;

  /** Numbers in [min, max] (inclusive); `max` is at most 2^32 - 1. */
  constructor(readonly min: number, readonly max: number) {
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min || max > 0xffffffff) {
      throw new RangeError(`bad id range [${min}, ${max}]`);
    }
    this.cursor = min;
  }

  get size(): number {
    return this.used;
  }

  get capacity(): number {
    return this.max - this.min + 1;
  }

  has(id: number): boolean {
    const chunk = this.chunks.get(id >>> CHUNK_BITS);
    if (chunk === undefined) return false;
    const bit = id & (CHUNK_SIZE - 1);
    return (chunk.words[bit >>> 5] & (1 << (bit & 31))) !== 0;
  }

  /** Marks `id` used (an object created with an explicit number); false if it already was. */
  reserve(id: number): boolean {
    if (!Number.isInteger(id) || id < this.min || id > this.max) throw new RangeError(`id ${id} outside [${this.min}, ${this.max}]`);
    if (this.has(id)) return false;
    let chunk = this.chunks.get(id >>> CHUNK_BITS);
    if (chunk === undefined) {
      chunk = { words: new Uint32Array(WORDS_PER_CHUNK), used: 0 };
      this.chunks.set(id >>> CHUNK_BITS, chunk);
    }
    const bit = id & (CHUNK_SIZE - 1);
    chunk.words[bit >>> 5] |= 1 << (bit & 31);
    chunk.used++;
    this.used++;
    return true;
  }

  /**
   * The next free number after the last one handed out, wrapping to `floor` (at least `min`):
   * numbers below `floor` are never handed out by this call. Undefined when none is free.
   */
  allocate(floor = this.min): number | undefined {
    if (this.used >= this.capacity) return undefined;
    const low = Math.min(Math.max(floor, this.min), this.max);
    const start = Math.max(low, this.cursor);
    const id = this.findFree(start, this.max) ?? this.findFree(low, start - 1);
    if (id === undefined) return undefined;
    this.reserve(id);
    this.cursor = id + 1 > this.max ? this.min : id + 1;
    return id;
  }

  release(id: number): boolean {
    const chunk = this.chunks.get(id >>> CHUNK_BITS);
    if (chunk === undefined || !this.has(id)) return false;
    const bit = id & (CHUNK_SIZE - 1);
    chunk.words[bit >>> 5] &= ~(1 << (bit & 31));
    chunk.used--;
    this.used--;
    if (chunk.used === 0) this.chunks.delete(id >>> CHUNK_BITS);
    return true;
  }

  /** The lowest free number in [lo, hi], skipping full chunks and full words. */
  private findFree(lo: number, hi: number): number | undefined {
    let id = lo;
    while (id <= hi) {
      const chunk = this.chunks.get(id >>> CHUNK_BITS);
      if (chunk === undefined) return id;
      const chunkEnd = ((id >>> CHUNK_BITS) + 1) * CHUNK_SIZE - 1;
      if (chunk.used === CHUNK_SIZE) {
        id = chunkEnd + 1;
        continue;
      }
      const bit = id & (CHUNK_SIZE - 1);
      const word = chunk.words[bit >>> 5];
      if (word === 0xffffffff) {
        id = (id | 31) + 1;
        continue;
      }
      if ((word & (1 << (bit & 31))) === 0) return id;
      id++;
    }
    return undefined;
  }
}
