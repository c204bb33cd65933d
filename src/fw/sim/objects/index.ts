/** Driver-created objects and the QUERY_* commands over them (filled in by the objects feature). */
import { SimFeature } from '../feature';

export const objectsFeature: SimFeature = {
  name: 'objects',
  install() {
    return [];
  },
};
