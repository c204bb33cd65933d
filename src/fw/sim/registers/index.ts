/**
 * ACCESS_REG and the registers behind it, the cr-space model, the resource and core dumps and the
 * diagnostic counters: the firmware's debug surface.
 */
import { crspaceOf } from '../crspace';
import { SimFeature } from '../feature';
import { resourceDumpRegister } from '../rscdump/inline';
import { accessRegCommands } from './access';
import { coreDumpRegister } from './core_dump';
import { registerTable } from './table';

export const registersFeature: SimFeature = {
  name: 'registers',
  install(state) {
    // Created here, at a fixed point of power-on, so its seed is the same for the same device seed.
    crspaceOf(state);
    return [...accessRegCommands(registerTable([resourceDumpRegister, coreDumpRegister]))];
  },
};

export { setDumpMemoryWriter, type DumpMemoryWriter, type DumpMemoryWrite } from './dump_memory';
export { coreDumpToMemory, renderCoreDump, CORE_DUMP_SIZE } from './core_dump';
export { RegSyndrome } from './syndromes';
