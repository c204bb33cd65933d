import { existsSync } from 'node:fs';

export const MSTFLINT_DIR = '/usr/share/mstflint';
export const CX7_CSV = `${MSTFLINT_DIR}/ConnectX7.csv`;
export const ADB = `${MSTFLINT_DIR}/prm_dbs/hca/ext/register_access_table.adb`;

/** Fails (never skips) without the Debian mstflint package: CI installs it. */
export function requireMstflint(path: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing: apt-get install -y mstflint (Debian bookworm ships 4.21)`);
  return path;
}

/** A deterministic fake cr-space: every address reads as a mix of itself. */
export function fakeCr(overrides: Map<number, number> = new Map()): (addr: number, count: number) => Promise<Uint32Array> {
  return async (addr, count) => {
    const out = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      const a = (addr + 4 * i) >>> 0;
      out[i] = overrides.get(a) ?? (Math.imul(a, 0x9e3779b1) ^ 0xa5a5a5a5) >>> 0;
    }
    return out;
  };
}
