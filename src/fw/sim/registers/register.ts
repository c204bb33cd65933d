/** The shape of one simulated access register (ACCESS_REG register_id → behaviour). */
import type { SimState } from '../state';

export interface RegisterContext {
  readonly state: SimState;
  /**
   * The register data the caller sent, zero-padded (or cut) to the register's size. `data` and
   * `reply` are the register's own buffers, reused by its next access: keep a copy, not them.
   */
  readonly data: Buffer;
  /**
   * The reply, register-sized. It starts as a copy of `data` because the firmware echoes the
   * index fields (local_port, sensor_index, page_select ...) the caller selected.
   */
  readonly reply: Buffer;
  readonly argument: number;
  readonly uid: number;
  /** op_mod 0: the caller writes the register. */
  readonly write: boolean;
}

export interface RegisterDef {
  readonly id: number;
  readonly name: string;
  /** Register size in bytes: the length of the reply data. */
  readonly size: number;
  read(ctx: RegisterContext): void;
  /** Applies a write; registers without it are read-only (a write is BAD_PARAM). */
  write?(ctx: RegisterContext): void;
  /**
   * A user context (the tools UID every broker session runs under) may write this register.
   * Deny by default: port administration, link modes, firmware reset and sensor state belong to
   * the driver (uid 0), so the firmware refuses those writes from a tools UID whatever fwctl
   * scope let the RPC through — which is why fwctl may allow ACCESS_REG writes at any scope.
   */
  readonly toolsMayWrite?: boolean;
  /**
   * The dump registers act on either op_mod: mlx5ctl reads them (op_mod 1) while the kernel's
   * rsc_dump.c writes them (op_mod 0), and both expect the same answer.
   */
  readonly opModAgnostic?: boolean;
}
