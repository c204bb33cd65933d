/**
 * Turns `--device` specs into backends — the only place in the broker that knows the simulator:
 * - `sim:cx7`: the simulated ConnectX-7 (the Nth at PCI function 0000:08:00.N);
 * - `sim:cx7@BUS/DEV`: the same, its parent device being devlink instance BUS/DEV (a netdevsim
 *   device in the kernel lane, so `--devlink kernel` has a kernel instance to front for it);
 * - `fwctl:/dev/fwctl/fwctlN` (or `fwctl:fwctlN`): a kernel fwctl device of type mlx5;
 * - `auto`: every mlx5 fwctl device the kernel has, or the simulator when there is none.
 */
import { SIM_BACKEND_KIND } from '../config/descriptor';
import { DeviceBackend } from '../fw/device';
import { FwctlBackend } from '../fw/fwctl/backend';
import { describeFwctlDevice, fwctlNameOf, listFwctlDevices, SysfsRoots, SYSTEM_ROOTS } from '../fw/fwctl/sysfs';
import { SimDevice } from '../fw/sim/device';
import { ErrnoError } from '../uapi/errno';

export interface BackendSpec {
  spec: string;
  backend: DeviceBackend;
}

export interface BackendOptions {
  /** sysfs and /dev roots for fwctl discovery (tests lay out their own). */
  roots?: SysfsRoots;
  /** Says why a discovered device was passed over (auto). */
  onSkipped?: (node: string, why: string) => void;
}

export const SUPPORTED_SPECS = 'sim:cx7, sim:cx7@BUS/DEV, fwctl:/dev/fwctl/fwctlN, auto';

const PARENT_HANDLE = /^[^/@\s]+\/[^/@\s]+$/;

function simBackend(spec: string, index: number, devlinkHandle?: string): BackendSpec {
  return { spec, backend: new SimDevice({ pciName: `0000:08:00.${index}`, seed: 0x5eed + index, ...(devlinkHandle ? { devlinkHandle } : {}) }) };
}

async function fwctlBackend(spec: string, target: string, roots: SysfsRoots): Promise<BackendSpec> {
  const name = fwctlNameOf(target);
  if (!name) throw new Error(`bad device "${spec}": expected fwctl:/dev/fwctl/fwctlN`);
  return { spec, backend: await FwctlBackend.probe(describeFwctlDevice(name, roots)) };
}

/** Every mlx5 fwctl device (other types, and devices that fail to open, are passed over). */
async function discover(options: BackendOptions, roots: SysfsRoots): Promise<BackendSpec[]> {
  const found: BackendSpec[] = [];
  for (const device of listFwctlDevices(roots)) {
    try {
      found.push({ spec: `fwctl:${device.node}`, backend: await FwctlBackend.probe(device) });
    } catch (err) {
      if (!(err instanceof ErrnoError)) throw err;
      options.onSkipped?.(device.node, err.message);
    }
  }
  return found;
}

export async function createBackends(specs: string[], options: BackendOptions = {}): Promise<BackendSpec[]> {
  const roots = options.roots ?? SYSTEM_ROOTS;
  const out: BackendSpec[] = [];
  for (const spec of specs) {
    const [kind = '', ...rest] = spec.split(':');
    const arg = rest.join(':');
    if (kind === SIM_BACKEND_KIND && (arg === 'cx7' || arg === '')) out.push(simBackend(spec, out.length));
    else if (kind === SIM_BACKEND_KIND && arg.startsWith('cx7@')) {
      const parent = arg.slice('cx7@'.length);
      if (!PARENT_HANDLE.test(parent)) throw new Error(`bad device "${spec}": expected sim:cx7@BUS/DEV`);
      out.push(simBackend(spec, out.length, parent));
    }
    else if (kind === 'fwctl') out.push(await fwctlBackend(spec, arg, roots));
    else if (spec === 'auto') {
      const real = await discover(options, roots);
      out.push(...(real.length > 0 ? real : [simBackend('sim:cx7', out.length)]));
    } else throw new Error(`unknown device "${spec}" (supported: ${SUPPORTED_SPECS})`);
  }
  return out;
}
