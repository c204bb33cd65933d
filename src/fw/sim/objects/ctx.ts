/**
 * Typed reads of FwObject.ctx. The store keeps ctx as Record<string, unknown> so every feature can
 * hang its own fields on objects; these helpers read a field back with its type checked, and fall
 * back to a default (0, empty) so objects created by other features (which may set only a few
 * fields) still answer a query rather than crash the command path.
 */
import type { FwObject } from '../object_store';

export function num(obj: FwObject, key: string, fallback = 0): number {
  const v = obj.ctx[key];
  return typeof v === 'number' ? v : fallback;
}

export function str(obj: FwObject, key: string, fallback = ''): string {
  const v = obj.ctx[key];
  return typeof v === 'string' ? v : fallback;
}

export function nums(obj: FwObject, key: string): number[] {
  const v = obj.ctx[key];
  return Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : [];
}

export function buf(obj: FwObject, key: string): Buffer | undefined {
  const v = obj.ctx[key];
  return Buffer.isBuffer(v) ? v : undefined;
}

export function big(obj: FwObject, key: string, fallback = 0n): bigint {
  const v = obj.ctx[key];
  return typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(v) : fallback;
}

export function flag(obj: FwObject, key: string): number {
  return obj.ctx[key] === true ? 1 : 0;
}
