/**
 * Building blocks for capability pages. A page is the 4096-byte capability union QUERY_HCA_CAP
 * returns at outbox byte 0x10. Where src/uapi/ifc has a layout for the cap type, values are set
 * by field name through it; otherwise a short local table of mlx5_ifc.h bit offsets is used.
 */
import { layout } from '../../../uapi/ifc';
import { set64, setBits } from '../../../uapi/ifc/bits';

export const HCA_CAP_SIZE = 4096;

/** A capability value: the device maximum, and the current value when the driver lowered it. */
export type CapValue = number | { readonly max: number; readonly cur: number };

const pick = (v: CapValue, cur: boolean): number => (typeof v === 'number' ? v : cur ? v.cur : v.max);

/** Sets fields by name through the compiled accessors of `layoutName`. */
export function layoutPage(layoutName: string, values: Readonly<Record<string, CapValue>>, cur: boolean): Buffer {
  const page = Buffer.alloc(HCA_CAP_SIZE);
  const l = layout(layoutName);
  for (const [name, v] of Object.entries(values)) l.uint(name).set(page, pick(v, cur));
  return page;
}

/** One field of a cap page that src/uapi/ifc has no layout for: [name, bit, width, value]. */
export type RawCapField = readonly [name: string, bit: number, width: number, value: CapValue];

/** A cap page from raw mlx5_ifc.h offsets; 64-bit fields take a bigint through `wide`. */
export function rawPage(fields: readonly RawCapField[], cur: boolean, wide: readonly (readonly [number, bigint])[] = []): Buffer {
  const page = Buffer.alloc(HCA_CAP_SIZE);
  for (const [, bit, width, v] of fields) setBits(page, bit, width, pick(v, cur));
  for (const [bit, v] of wide) set64(page, bit, v);
  return page;
}

/** The max and cur pages of one cap type, as registerCaps wants them. */
export interface CapPages {
  readonly type: number;
  readonly max: Buffer;
  readonly cur: Buffer;
}

export function pagesOf(type: number, build: (cur: boolean) => Buffer): CapPages {
  return { type, max: build(false), cur: build(true) };
}
