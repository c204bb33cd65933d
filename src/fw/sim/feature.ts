/**
 * A slice of simulated firmware behaviour (driver objects, registers, diagnostics, dumps...):
 * it prepares its state on the device and contributes command handlers. Features are listed in
 * features.ts; each lives in its own directory.
 */
import type { CommandDef } from './command';
import type { SimState } from './state';

export interface SimFeature {
  readonly name: string;
  /** Sets up state on the device (capabilities, boot-time objects) and returns its commands. */
  install(state: SimState): CommandDef[];
}
