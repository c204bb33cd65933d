/**
 * ACCESS_REG and the registers behind it, the cr-space model, the resource and core dumps and the
 * diagnostic counters: the firmware's debug surface.
 */
import { crspaceOf } from '../crspace';
import { SimFeature } from '../feature';
import { accessRegCommands } from './access';
import { registerTable } from './table';

export const registersFeature: SimFeature = {
  name: 'registers',
  install(state) {
    // Created here, at a fixed point of power-on, so its seed is the same for the same device seed.
    crspaceOf(state);
    return [...accessRegCommands(registerTable())];
  },
};
