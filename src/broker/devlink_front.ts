/**
 * Which devlink a published device gets (`mlx5ctld --devlink auto|kernel|sim|none`):
 * - kernel: the kernel's devlink instance of the device's parent (`pci/<parent>`; in tests a
 *   netdevsim device, matched by bus/dev name), served through KernelDevlinkApi;
 * - sim: the backend's own devlink instance (the simulator's), served through LocalDevlinkApi;
 * - none: no devlink (every listing empty, every handle ENODEV);
 * - auto (the default): kernel where the kernel has an instance for the device, sim otherwise.
 *
 * A front serves exactly one handle: the client fans out one session per device, so each
 * session answers only for its own device, and listings without a handle are listings of it.
 * The broker talks to the kernel with its own privileges; the devlink handler checks scopes and
 * audits every request before it gets here.
 */
import type { DevlinkApi } from '../devlink/api';
import { DevlinkError, Errno } from '../devlink/errors';
import { KernelDevlinkApi } from '../devlink/genl/kernel_api';
import { kernelInstancePresence } from '../devlink/genl/probe';
import { LocalDevlinkApi } from '../devlink/local_api';
import { ScopedDevlinkApi, eventHandle } from '../devlink/scoped_api';
import type { DevlinkEvent, DevlinkHandle, RegionReadRequest } from '../devlink/types';
import type { DeviceBackend } from '../fw/device';

export const DEVLINK_MODES = ['auto', 'kernel', 'sim', 'none'] as const;
export type DevlinkMode = (typeof DEVLINK_MODES)[number];

export function isDevlinkMode(value: string): value is DevlinkMode {
  return (DEVLINK_MODES as readonly string[]).includes(value);
}

export type DevlinkListener = (event: DevlinkEvent) => void;

export interface DevlinkFront {
  /** What serves this device: `mlx5ctl status` and the logs name it. */
  readonly kind: 'kernel' | 'sim' | 'none';
  /** The one devlink handle this device answers for (undefined: none). */
  readonly handle: DevlinkHandle | undefined;
  readonly api: DevlinkApi;
  /** Feeds this device's notifications to `listener` until the returned function is called. */
  subscribe(listener: DevlinkListener): () => void;
  /** A region's size, for cutting large reads into reply windows (undefined: unknown region). */
  regionSize(region: string): Promise<number | undefined>;
  /**
   * A region read as bytes (what the chunks of api.regionRead hold, back to back), where the
   * backend has them without base64 chunks (the simulator's own instance); the same checks and
   * errors as api.regionRead.
   */
  regionReadBytes?(request: RegionReadRequest): Promise<{ address: number; data: Buffer }>;
}

const NO_DEVLINK: DevlinkFront = {
  kind: 'none',
  handle: undefined,
  api: new LocalDevlinkApi([]),
  subscribe: () => () => undefined,
  regionSize: async () => undefined,
};

/** The backend's own instance (the simulator's), or none. */
export function simFront(backend: DeviceBackend): DevlinkFront {
  const instance = backend.features.devlink;
  if (!instance) return NO_DEVLINK;
  const api = new LocalDevlinkApi([instance]);
  return {
    kind: 'sim',
    handle: instance.handle,
    api,
    subscribe: (listener) => instance.subscribe(listener),
    regionSize: async (region) => instance.region(region)?.size,
    regionReadBytes: (request) => api.regionReadBytes(request),
  };
}

/** The kernel's instance `handle`; notifications come from a "config" group socket per subscriber. */
export function kernelFront(kernel: KernelDevlinkApi, handle: DevlinkHandle): DevlinkFront {
  const api = new ScopedDevlinkApi(kernel, handle);
  return {
    kind: 'kernel',
    handle,
    api,
    subscribe: (listener) => {
      const stream = kernel.monitor();
      const pump = async (): Promise<void> => {
        for await (const event of stream) if (eventHandle(event) === handle) listener(event);
      };
      // The stream ends (it does not throw) when its socket overruns, as `devlink monitor` ends.
      void pump();
      return () => stream.close();
    },
    regionSize: async (region) => {
      try {
        return (await api.regionShow({ handle, region }))[0]?.size;
      } catch (error) {
        if (error instanceof DevlinkError) return undefined;
        throw error;
      }
    },
  };
}

export interface DevlinkFronts {
  frontOf(backend: DeviceBackend): DevlinkFront;
  /** Closes the kernel socket, if one was opened. */
  close(): void;
}

export interface ResolveOptions {
  /** Opens the kernel's devlink (tests give an emulated kernel). */
  openKernel?: () => Promise<KernelDevlinkApi>;
}

/**
 * Picks each device's front. `kernel` insists: no devlink family, or a device the kernel has no
 * instance for, is a startup error naming it. `auto` falls back to the simulator's per device.
 */
export async function resolveDevlinkFronts(backends: readonly DeviceBackend[], mode: DevlinkMode, options: ResolveOptions = {}): Promise<DevlinkFronts> {
  const fronts = new Map<DeviceBackend, DevlinkFront>();
  let kernel: KernelDevlinkApi | undefined;
  const result: DevlinkFronts = {
    frontOf: (backend) => fronts.get(backend) ?? NO_DEVLINK,
    close: () => kernel?.close(),
  };
  if (mode === 'none') return result;
  if (mode === 'sim') {
    for (const backend of backends) fronts.set(backend, simFront(backend));
    return result;
  }
  try {
    kernel = await (options.openKernel ?? (() => KernelDevlinkApi.open()))();
  } catch (error) {
    if (!(error instanceof DevlinkError && error.errno === Errno.ENOENT)) throw error;
    if (mode === 'kernel') throw new Error('--devlink kernel: the kernel has no devlink netlink family');
  }
  try {
    for (const backend of backends) {
      const handle = backend.identity.devlinkHandle;
      const present = kernel !== undefined && (await kernelInstancePresence(kernel, handle)) === 'present';
      if (present && kernel) fronts.set(backend, kernelFront(kernel, handle));
      else if (mode === 'kernel') throw new Error(`--devlink kernel: the kernel has no devlink instance ${handle}`);
      else fronts.set(backend, simFront(backend));
    }
  } catch (error) {
    kernel?.close();
    throw error;
  }
  if (kernel && ![...fronts.values()].some((front) => front.kind === 'kernel')) {
    kernel.close();
    kernel = undefined;
  }
  return result;
}
