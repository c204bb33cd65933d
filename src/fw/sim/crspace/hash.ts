/** Stateless 32-bit mixing: the value of an unmodelled cr-space dword depends only on (address, seed). */

/** A murmur3-style finalizer: every input bit affects every output bit. */
export function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d);
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * The background value of a dword. Real cr-space is mostly zero with sparse configuration words,
 * small enumerations and a few full-width values; the mix below keeps that texture:
 * ~56 % zero, ~19 % a small number, ~6 % a mask-like value, the rest full-width.
 */
export function backgroundDword(addr: number, seed: number): number {
  const h = mix32((addr >>> 2) ^ seed);
  const kind = h & 0xf;
  if (kind < 9) return 0;
  if (kind < 12) return (h >>> 20) & 0xff;
  if (kind < 13) return (0xffffffff >>> ((h >>> 27) & 0x1f)) >>> 0;
  return mix32(h ^ 0x9e3779b9);
}
