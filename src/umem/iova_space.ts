/**
 * The device's DMA window: broker-chosen, page-aligned I/O virtual addresses, each range backed
 * by one pinned mapping (what an IOMMU and dma_map_sgtable give the kernel driver). Addresses are
 * never reused while the broker runs, so a stale MTT can only fault, never reach new memory.
 */
import { isNativeError, NativeMapping } from '../addon';
import { DmaFault, DmaSpace } from '../fw/device';

export const IOVA_PAGE = 4096;
const IOVA_BASE = 0x1_0000_0000;
/** 2^47: well inside 53-bit numbers and a 48-bit device address space. */
const IOVA_LIMIT = 2 ** 47;

interface IovaRange {
  start: number;
  length: number;
  mapping: NativeMapping;
}

export class IovaSpace implements DmaSpace {
  private readonly ranges: IovaRange[] = [];
  private next = IOVA_BASE;

  /** Maps `mapping` (whole pages) at fresh addresses; returns the first address. */
  map(mapping: NativeMapping): number {
    const length = mapping.length;
    if (length % IOVA_PAGE !== 0) throw new RangeError('IOVA ranges are whole pages');
    if (this.next + length > IOVA_LIMIT) throw new RangeError('I/O virtual address space exhausted');
    const start = this.next;
    // One unmapped guard page between ranges: an overrun faults instead of touching a neighbour.
    this.next += length + IOVA_PAGE;
    this.ranges.push({ start, length, mapping });
    return start;
  }

  unmap(start: number): void {
    const i = this.ranges.findIndex((r) => r.start === start);
    if (i >= 0) this.ranges.splice(i, 1);
  }

  get mappedBytes(): number {
    return this.ranges.reduce((sum, r) => sum + r.length, 0);
  }

  private find(iova: bigint, length: number): { range: IovaRange; offset: number } {
    const addr = Number(iova);
    // Ranges are added in increasing order; binary search by start.
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.ranges[mid];
      if (addr < r.start) hi = mid - 1;
      else if (addr >= r.start + r.length) lo = mid + 1;
      else {
        const offset = addr - r.start;
        if (offset + length > r.length) throw new DmaFault(iova, length, 'crosses the end of its mapping');
        return { range: r, offset };
      }
    }
    throw new DmaFault(iova, length, 'address not mapped');
  }

  // The copies go through the kernel (see native/mapping.cc): a page that cannot be had is an
  // error here, never a signal in the broker, and the device sees it as any other DMA fault.
  read(iova: bigint, length: number): Buffer {
    const { range, offset } = this.find(iova, length);
    try {
      return range.mapping.read(offset, length);
    } catch (err) {
      throw new DmaFault(iova, length, `memory fault: ${isNativeError(err) ? err.code : String(err)}`);
    }
  }

  write(iova: bigint, data: Buffer): void {
    const { range, offset } = this.find(iova, data.length);
    try {
      range.mapping.write(offset, data);
    } catch (err) {
      throw new DmaFault(iova, data.length, `memory fault: ${isNativeError(err) ? err.code : String(err)}`);
    }
  }
}
