/**
 * bench:load's operation mix, shared by its Node clients (bench/load.ts) and its C clients
 * (bench/c_mix.ts), so both run the same sequence of the same operations.
 */
import { Opcode } from '../src/fw/opcodes';

export const KINDS = ['hca_cap', 'access_reg', 'query_obj', 'region_read', 'health_show', 'umem_dump'] as const;
export type Kind = (typeof KINDS)[number];

/** ACCESS_REG reads: MGIR, PDDR, MTMP, PPCNT. */
export const ACCESS_REGS = [0x9020, 0x5031, 0x900a, 0x5008] as const;
/** QUERY_* objects; QUERY_UCTX names the session's own uid. */
export const OBJECT_QUERIES = [Opcode.QUERY_ADAPTER, Opcode.QUERY_UCTX, Opcode.QUERY_VPORT_STATE, Opcode.QUERY_DIAGNOSTIC_PARAMS] as const;
/** Region reads: `length` bytes of a cr-space snapshot at one of `offsets` consecutive windows. */
export const REGION_READ = { length: 4096, offsets: 64 } as const;
/** The UMEM a core dump goes into (the dump fits in one firmware command). */
export const UMEM_DUMP_BYTES = 2 * 1024 * 1024;

/**
 * A deterministic mix: the same sequence of kinds for every run with the same index. Shares:
 * QUERY_HCA_CAP 30%, ACCESS_REG 25%, QUERY_* 25%, region read 10%, health show 9.8%, UMEM
 * core dump 0.2%.
 */
export function kindAt(i: number, salt: number): Kind {
  const r = ((Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca6b)) >>> 0) % 1000;
  if (r < 2) return 'umem_dump';
  if (r < 300) return 'hca_cap';
  if (r < 550) return 'access_reg';
  if (r < 800) return 'query_obj';
  if (r < 900) return 'region_read';
  return 'health_show';
}
