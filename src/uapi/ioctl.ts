/**
 * Linux `_IOC` ioctl number encoding (asm-generic/ioctl.h): nr in bits 0-7, type in 8-15,
 * size in 16-29, direction in 30-31 (1 = write to the kernel, 2 = read from it).
 */
export const IOC_NONE = 0;
export const IOC_WRITE = 1;
export const IOC_READ = 2;

const NR_BITS = 8;
const TYPE_BITS = 8;
const SIZE_BITS = 14;
const TYPE_SHIFT = NR_BITS;
const SIZE_SHIFT = TYPE_SHIFT + TYPE_BITS;
const DIR_SHIFT = SIZE_SHIFT + SIZE_BITS;

export function ioc(dir: number, type: number, nr: number, size: number): number {
  if (size < 0 || size >= 1 << SIZE_BITS) throw new RangeError(`ioctl size ${size} does not fit 14 bits`);
  return ((dir << DIR_SHIFT) | (type << TYPE_SHIFT) | nr | (size << SIZE_SHIFT)) >>> 0;
}

export const io = (type: number, nr: number): number => ioc(IOC_NONE, type, nr, 0);
export const ior = (type: number, nr: number, size: number): number => ioc(IOC_READ, type, nr, size);
export const iow = (type: number, nr: number, size: number): number => ioc(IOC_WRITE, type, nr, size);
export const iowr = (type: number, nr: number, size: number): number =>
  ioc(IOC_READ | IOC_WRITE, type, nr, size);

export const iocDir = (cmd: number): number => (cmd >>> DIR_SHIFT) & 3;
export const iocType = (cmd: number): number => (cmd >>> TYPE_SHIFT) & 0xff;
export const iocNr = (cmd: number): number => cmd & 0xff;
export const iocSize = (cmd: number): number => (cmd >>> SIZE_SHIFT) & ((1 << SIZE_BITS) - 1);
