/** Turns `--device` specs into backends. `sim:cx7` (the default) is the simulated ConnectX-7. */
import { DeviceBackend } from '../fw/device';
import { SimDevice } from '../fw/sim/device';

export interface BackendSpec {
  spec: string;
  backend: DeviceBackend;
}

/** The Nth simulated device sits at PCI function 0000:08:00.N. */
export function createBackend(spec: string, index: number, seed?: number): BackendSpec {
  const [kind, model = 'cx7'] = spec.split(':');
  if (kind === 'sim' && model === 'cx7') {
    return { spec, backend: new SimDevice({ pciName: `0000:08:00.${index}`, seed: seed ?? 0x5eed + index }) };
  }
  throw new Error(`unknown device "${spec}" (supported: sim:cx7)`);
}
