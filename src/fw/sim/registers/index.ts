/** ACCESS_REG and the registers behind it (filled in by the registers feature). */
import { SimFeature } from '../feature';

export const registersFeature: SimFeature = {
  name: 'registers',
  install() {
    return [];
  },
};
