/**
 * The broker in front of a kernel fwctl device (Linux ≥ 6.15, driver mlx5_fwctl): every session
 * is its own open of /dev/fwctl/fwctlN, so every session gets its own kernel-allocated UID, freed
 * by the kernel when the broker closes that file. RPCs go through FWCTL_RPC with the session's
 * scope after the broker's own policy, checks and audit; the kernel's errno comes back unchanged.
 * Upstream fwctl has no memory registration, cr-space path or fault injection: those features are
 * absent, and the broker answers EOPNOTSUPP for them.
 */
import { open, type FileHandle } from 'fs/promises';
import { constants, statSync } from 'fs';
import { isNativeError, native } from '../../addon';
import { Errno, ErrnoError } from '../../uapi/errno';
import { FwctlDeviceType, fwctlInfoMlx5 } from '../../uapi/fwctl';
import { decodeStruct } from '../../uapi/struct';
import type { DeviceBackend, DeviceContext, DeviceFeatures, DeviceIdentity, OpenOptions } from '../device';
import { FwctlContext } from './context';
import { deviceTypeName } from './device_type';
import type { FwctlSysfsDevice } from './sysfs';

const MLX5_INFO_LEN = fwctlInfoMlx5.size;
/** How often an idle broker looks whether its fwctl devices are still registered. */
export const SYSFS_POLL_MS = 1000;

/** The class device's `dev` attribute inode: changes when the device is unregistered. */
function sysfsIdentity(classPath: string): number | undefined {
  try {
    return statSync(`${classPath}/dev`).ino;
  } catch {
    return undefined;
  }
}

/** FWCTL_INFO of an open fd, as the kernel answers it; ErrnoError with the kernel's errno. */
function fwctlInfo(fd: number): { deviceType: number; uid: number; uctxCaps: number } {
  try {
    const info = native.fwctlInfo(fd, MLX5_INFO_LEN);
    const blob = decodeStruct(fwctlInfoMlx5, info.data);
    return { deviceType: info.deviceType, uid: Number(blob.uid), uctxCaps: Number(blob.uctx_caps) };
  } catch (err) {
    if (isNativeError(err)) throw new ErrnoError(-err.errno, `FWCTL_INFO: ${err.message}`);
    throw err;
  }
}

async function openNode(node: string): Promise<FileHandle> {
  try {
    // On the thread pool: the driver's open runs a firmware command (CREATE_UCTX). libuv opens
    // every file close-on-exec, so programs the broker starts never inherit a session's context.
    return await open(node, constants.O_RDWR);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const errno = typeof e.errno === 'number' ? -e.errno : Errno.EIO;
    throw new ErrnoError(errno, `open ${node}: ${e.message}`);
  }
}

export class FwctlBackend implements DeviceBackend {
  readonly kind = 'fwctl';
  readonly features: DeviceFeatures = {};
  readonly identity: DeviceIdentity;
  private gone = false;
  private readonly goneCallbacks: (() => void)[] = [];
  private readonly watch: NodeJS.Timeout;

  private constructor(readonly device: FwctlSysfsDevice) {
    // An idle broker learns of an unregistered device from sysfs, as udev would (a busy one from
    // the first ENODEV). The class entry is compared by inode: a device registered again under
    // the same name is a new device, and the old files stay orphaned.
    const marker = sysfsIdentity(device.classPath);
    this.watch = setInterval(() => {
      if (sysfsIdentity(device.classPath) !== marker) this.markGone();
    }, SYSFS_POLL_MS);
    this.watch.unref();
    const parent = device.pciName ?? device.parentPath.split('/').pop() ?? device.name;
    this.identity = {
      pciName: parent,
      vendorId: device.vendorId ?? 0,
      deviceId: device.deviceId ?? 0,
      hwDevId: 0,
      hwRevision: 0,
      typeName: deviceTypeName(device.deviceId),
      fwVersion: { major: 0, minor: 0, subminor: 0 },
      psid: '',
      nodeDescription: '',
      devlinkHandle: `pci/${parent}`,
    };
  }

  /** The fwctl class device's name (fwctlN), which users may type instead of mlx5_core.ctl.N. */
  get fwctlName(): string {
    return this.device.name;
  }

  /**
   * Opens the device once to learn what it is: only FWCTL_DEVICE_TYPE_MLX5 is served. The probe's
   * context is closed again at once (the kernel frees its UID).
   */
  static async probe(device: FwctlSysfsDevice): Promise<FwctlBackend> {
    const file = await openNode(device.node);
    try {
      const { deviceType } = fwctlInfo(file.fd);
      if (deviceType !== FwctlDeviceType.MLX5) {
        throw new ErrnoError(Errno.ENODEV, `${device.node} is an fwctl device of type ${deviceType}, not mlx5 (${FwctlDeviceType.MLX5})`);
      }
    } finally {
      await file.close();
    }
    return new FwctlBackend(device);
  }

  /**
   * open(2) of the kernel device: its own kernel context and UID. The kernel driver decides the
   * capabilities (TOOLS_RESOURCES), whatever the broker would allow.
   */
  async open(_options?: OpenOptions): Promise<DeviceContext> {
    if (this.gone) throw new ErrnoError(Errno.ENODEV, `${this.device.node} is gone`);
    const file = await openNode(this.device.node);
    try {
      const { uid, uctxCaps } = fwctlInfo(file.fd);
      return new FwctlContext(file, uid, uctxCaps, () => this.markGone());
    } catch (err) {
      await file.close();
      if (err instanceof ErrnoError && err.errno === Errno.ENODEV) this.markGone();
      throw err;
    }
  }

  onGone(callback: () => void): void {
    this.goneCallbacks.push(callback);
  }

  remove(): void {
    this.gone = true;
    clearInterval(this.watch);
  }

  close(): void {
    // Every context is a session's own file, closed by the session; only the watch is ours.
    clearInterval(this.watch);
  }

  private markGone(): void {
    if (this.gone) return;
    this.gone = true;
    clearInterval(this.watch);
    for (const callback of this.goneCallbacks) callback();
  }
}
