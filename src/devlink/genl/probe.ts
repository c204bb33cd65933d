/**
 * Which devlink a device gets (issue part 2): whether the kernel has a devlink instance for a
 * handle (`pci/<parent PCI address>`). The answer the broker's `--devlink auto` keys on:
 * - 'present': the family resolves and DEVLINK_CMD_GET for the handle answers;
 * - 'no-family': the kernel has no devlink family (ENOENT from nlctrl);
 * - 'no-instance': the family exists but not this device (ENODEV).
 * Anything else (EPERM, a malformed reply) is thrown: it is not a reason to fall back silently.
 */
import { DevlinkError, Errno } from '../errors';
import type { DevlinkHandle } from '../types';
import { KernelDevlinkApi } from './kernel_api';

export type KernelDevlinkPresence = 'present' | 'no-family' | 'no-instance';

/** DEVLINK_CMD_GET for `handle` on an open family. */
export async function kernelInstancePresence(api: KernelDevlinkApi, handle: DevlinkHandle): Promise<'present' | 'no-instance'> {
  try {
    await api.listDevices({ handle });
    return 'present';
  } catch (error) {
    if (error instanceof DevlinkError && error.errno === Errno.ENODEV) return 'no-instance';
    throw error;
  }
}

export async function probeKernelDevlink(handle: DevlinkHandle, open: () => Promise<KernelDevlinkApi> = () => KernelDevlinkApi.open()): Promise<KernelDevlinkPresence> {
  let api: KernelDevlinkApi;
  try {
    api = await open();
  } catch (error) {
    if (error instanceof DevlinkError && error.errno === Errno.ENOENT) return 'no-family';
    throw error;
  }
  try {
    return await kernelInstancePresence(api, handle);
  } finally {
    api.close();
  }
}
