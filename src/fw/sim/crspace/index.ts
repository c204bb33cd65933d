/**
 * The device's cr-space, one per SimState. `crspaceOf(state)` is the accessor every consumer
 * (devlink regions, crdump, fault injection, the regdump bridge) uses; the registers feature
 * creates it at power-on so its seed is drawn at a fixed point of the device's random stream.
 */
import type { SimState } from '../state';
import { CrSpace } from './space';

export { CrSpace, type ScratchpadBlock } from './space';
export { HealthSeverity, type HealthFaultOptions } from './health';
export * from './map';

const spaces = new WeakMap<SimState, CrSpace>();

export function crspaceOf(state: SimState): CrSpace {
  let cr = spaces.get(state);
  if (cr === undefined) {
    cr = new CrSpace(state, state.random.nextU32());
    spaces.set(state, cr);
  }
  return cr;
}
