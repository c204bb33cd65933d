/** The effective capability set, as /proc/<pid>/status states it (bit n = capability n). */

/** CapEff from the text of a /proc/<pid>/status file; undefined if the line is absent. */
export function parseCapEff(status: string): bigint | undefined {
  const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
  return m ? BigInt(`0x${m[1]}`) : undefined;
}

export const holdsCapability = (capEff: bigint, cap: number): boolean => ((capEff >> BigInt(cap)) & 1n) === 1n;
