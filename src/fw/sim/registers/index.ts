/**
 * ACCESS_REG and the registers behind it, the cr-space model, the resource dump and the
 * diagnostic counters: the firmware's debug surface.
 */
import { crspaceOf } from '../crspace';
import { diagCommands } from '../diag';
import { SimFeature } from '../feature';
import { dmaWrite } from '../memory';
import { coreDumpRegister } from '../memory/core_dump';
import { resourceDumpRegister } from '../rscdump/inline';
import { accessRegCommands } from './access';
import { setDumpMemoryWriter } from './dump_memory';
import { registerTable } from './table';

export const registersFeature: SimFeature = {
  name: 'registers',
  install(state) {
    // Created here, at a fixed point of power-on, so its seed is the same for the same device seed.
    crspaceOf(state);
    // mkey-mode resource dumps write through the memory feature's DMA path, as CORE_DUMP does.
    setDumpMemoryWriter(state, { write: ({ uid, mkey, address, data }) => dmaWrite(state, uid, mkey, address, data) });
    return [...accessRegCommands(registerTable([resourceDumpRegister, coreDumpRegister])), ...diagCommands];
  },
};

export { setDumpMemoryWriter, type DumpMemoryWriter, type DumpMemoryWrite } from './dump_memory';
export { RegSyndrome } from './syndromes';
export type { RegisterDef, RegisterContext } from './register';
