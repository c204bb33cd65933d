/** Credentials as /proc/<pid>/status states them (capability sets: bit n = capability n). */

function capSet(status: string, name: 'CapEff' | 'CapAmb'): bigint | undefined {
  const m = new RegExp(`^${name}:\\s*([0-9a-f]+)$`, 'm').exec(status);
  return m ? BigInt(`0x${m[1]}`) : undefined;
}

/** CapEff from the text of a /proc/<pid>/status file; undefined if the line is absent. */
export const parseCapEff = (status: string): bigint | undefined => capSet(status, 'CapEff');

/** CapAmb, the ambient set: what an unprivileged process keeps across a plain execve. */
export const parseCapAmb = (status: string): bigint | undefined => capSet(status, 'CapAmb');

/** The real, effective, saved and filesystem ids of a `Uid:` or `Gid:` line; [] if absent. */
export function parseIds(status: string, line: 'Uid' | 'Gid'): number[] {
  const m = new RegExp(`^${line}:\\s*(.*)$`, 'm').exec(status);
  return m ? m[1].trim().split(/\s+/).filter(Boolean).map(Number) : [];
}

export const holdsCapability = (capEff: bigint, cap: number): boolean => ((capEff >> BigInt(cap)) & 1n) === 1n;
