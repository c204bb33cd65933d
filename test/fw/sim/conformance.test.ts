import { SimDevice } from '../../../src/fw/sim/device';
import { describeBackendConformance } from '../conformance';

describeBackendConformance('simulated ConnectX-7', {
  create: async () => new SimDevice({ healthPollMs: 0 }),
  features: ['dma', 'crspace', 'devlink', 'faults'],
  unplug: async (backend) => backend.remove?.(),
  destroy: async (backend) => backend.close(),
});
