/** Every command the simulated firmware implements, keyed by opcode. */
import { CommandDef } from '../command';
import { nop, queryHcaCap } from './hca_cap';
import { createUctx, destroyUctx, queryUctx } from './uctx';

export function commandTable(): Map<number, CommandDef> {
  const defs: CommandDef[] = [queryHcaCap, nop, createUctx, destroyUctx, queryUctx];
  return new Map(defs.map((d) => [d.opcode, d]));
}
