/** User memory on the device: UMEM, PD and MKEY objects, and DMA through them. */
import { SimFeature } from '../feature';
import { allocPd, createMkey, deallocPd, destroyMkey } from './pd_mkey';
import { createUmem, destroyUmem, queryUmem } from './umem';

export { dmaWrite, resolveMkeyRange } from './dma';

export const memoryFeature: SimFeature = {
  name: 'memory',
  install() {
    return [createUmem, destroyUmem, queryUmem, allocPd, deallocPd, createMkey, destroyMkey];
  },
};
