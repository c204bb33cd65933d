/**
 * MLX5 bit-field access (mlx5_ifc.h MLX5_SET/MLX5_GET): mailboxes are big-endian dwords and a
 * field is named by its bit offset from the start of the struct, bit 0 being the MSB of byte 0.
 * A field of width w at offset off lives in dword off/32 at shift 32 - w - off%32.
 */

function check(buf: Buffer, bitOffset: number, width: number): number {
  if (width < 1 || width > 32) throw new RangeError(`field width ${width} not in 1..32`);
  const inDword = bitOffset & 31;
  if (inDword + width > 32) throw new RangeError(`field at bit ${bitOffset} width ${width} crosses a dword`);
  const byte = (bitOffset >>> 5) * 4;
  if (byte + 4 > buf.length) throw new RangeError(`field at bit ${bitOffset} is past the ${buf.length}-byte buffer`);
  return byte;
}

/** Reads an unsigned field of 1..32 bits. */
export function getBits(buf: Buffer, bitOffset: number, width: number): number {
  const byte = check(buf, bitOffset, width);
  const shift = 32 - width - (bitOffset & 31);
  const mask = width === 32 ? 0xffffffff : (1 << width) - 1;
  return ((buf.readUInt32BE(byte) >>> shift) & mask) >>> 0;
}

/** Writes an unsigned field of 1..32 bits; the value is masked to the width. */
export function setBits(buf: Buffer, bitOffset: number, width: number, value: number): void {
  const byte = check(buf, bitOffset, width);
  const shift = 32 - width - (bitOffset & 31);
  const mask = width === 32 ? 0xffffffff : (1 << width) - 1;
  const old = buf.readUInt32BE(byte);
  const next = ((old & ~(mask << shift)) | ((value & mask) << shift)) >>> 0;
  buf.writeUInt32BE(next, byte);
}

/** Reads a be64 field; 64-bit fields are 64-bit aligned in every PRM layout. */
export function get64(buf: Buffer, bitOffset: number): bigint {
  if (bitOffset % 64 !== 0 && bitOffset % 32 !== 0) throw new RangeError(`64-bit field at bit ${bitOffset} is misaligned`);
  return buf.readBigUInt64BE(bitOffset / 8);
}

export function set64(buf: Buffer, bitOffset: number, value: bigint): void {
  if (bitOffset % 64 !== 0 && bitOffset % 32 !== 0) throw new RangeError(`64-bit field at bit ${bitOffset} is misaligned`);
  buf.writeBigUInt64BE(BigInt.asUintN(64, value), bitOffset / 8);
}
