/** The shape of one simulated firmware command: lengths it needs and what it does. */
import type { SimState } from './state';

export interface CommandContext {
  readonly inbox: Buffer;
  /** Zero-filled outbox of the caller's length (at least `outLen`); the header is set afterwards. */
  readonly outbox: Buffer;
  /** uid from the inbox header: 0 is the kernel/broker, anything else a user context. */
  readonly uid: number;
  readonly opMod: number;
  readonly state: SimState;
}

export interface CommandDef {
  readonly opcode: number;
  /** Minimum inbox length; shorter → BAD_INP_LEN. */
  readonly inLen: number;
  /** Minimum outbox length; shorter → BAD_OUTP_LEN. */
  readonly outLen: number;
  /** Fills the outbox, or throws FwError. */
  run(ctx: CommandContext): void;
}
