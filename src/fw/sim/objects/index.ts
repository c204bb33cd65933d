/**
 * The objects feature: capability pages, the driver's objects as mlx5_core left them after
 * bringing up the netdev, and the QUERY_* (plus a few DESTROY_* and congestion) commands over them.
 */
import type { SimFeature } from '../feature';
import { installCaps } from '../caps';
import { bringUp } from './bringup';
import { congCommands } from './cong';
import { destroyCommands } from './destroy';
import { deviceQueries } from './device';
import { installDumpImages } from './dump_images';
import { queueQueries } from './queues';
import { steeringQueries } from './steering';
import { vportQueries } from './vport';

export { requireOwner, requireReadable, requireKnownUid, findObject, readableObject, ownedObject } from './ownership';
export { ObjSyndrome } from './syndromes';

export const objectsFeature: SimFeature = {
  name: 'objects',
  install(state) {
    installCaps(state);
    const model = bringUp(state);
    const commands = [...queueQueries, ...steeringQueries, ...deviceQueries, ...vportQueries(model), ...congCommands(), ...destroyCommands];
    // Resource dumps show each object as its QUERY_* command does.
    installDumpImages(state, commands);
    return commands;
  },
};
