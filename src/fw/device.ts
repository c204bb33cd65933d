/**
 * The device backend contract: what the broker needs from "the firmware", shaped like a kernel
 * fwctl device (drivers/fwctl is the model): open() gives a per-session context with its own
 * UID, the context executes commands, and what only some devices have is an optional feature.
 */
import type { DevlinkInstance } from '../devlink/instance';
import { Errno, ErrnoError } from '../uapi/errno';
import type { ScopeValue } from '../uapi/fwctl';
import type { FaultKind, RecoverableReporter } from './faults';

export interface FirmwareVersion {
  major: number;
  minor: number;
  subminor: number;
}

export interface DeviceIdentity {
  /** PCI function name of the parent device, e.g. 0000:08:00.0. */
  pciName: string;
  vendorId: number;
  /** PCI device id (0x1021 for ConnectX-7). */
  deviceId: number;
  /** cr-space hw_dev_id (0x218 for ConnectX-7), as MGIR and 0xf0014 report it. */
  hwDevId: number;
  hwRevision: number;
  /** Product family name as mstflint spells device types, e.g. "ConnectX7". */
  typeName: string;
  fwVersion: FirmwareVersion;
  psid: string;
  /** The NODE_DESC text, e.g. "MT4129 ConnectX7 Mellanox Technologies". */
  nodeDescription: string;
  /** devlink handle, e.g. pci/0000:08:00.0. */
  devlinkHandle: string;
  /**
   * What the PCI function's sysfs attributes say (subsystem ids, class code), when the backend
   * knows; the shim's emulated /sys/bus/pci/devices entry shows them.
   */
  pci?: PciIds;
}

export interface PciIds {
  subsystemVendorId: number;
  subsystemDeviceId: number;
  /** 24-bit class code, e.g. 0x020000 (Ethernet controller). */
  classCode: number;
}

export function formatFwVersion(v: FirmwareVersion): string {
  return `${v.major}.${v.minor}.${String(v.subminor).padStart(4, '0')}`;
}

/**
 * What the device can reach by DMA: page-granular I/O virtual addresses that the broker maps
 * onto pinned UMEM memory (the role the IOMMU and dma_map_sgtable play for the kernel driver).
 * An access to an address nobody mapped throws DmaFault; the device turns that into a firmware
 * status, never a stray write.
 */
export interface DmaSpace {
  read(iova: bigint, length: number): Buffer;
  write(iova: bigint, data: Buffer): void;
}

export class DmaFault extends Error {
  constructor(readonly iova: bigint, readonly length: number, why: string) {
    super(`DMA fault at iova 0x${iova.toString(16)} (+${length}): ${why}`);
    this.name = 'DmaFault';
  }
}

/**
 * One open of the device, as a kernel fwctl open is: the firmware user context (UID) the device
 * allocated for it and the capabilities it granted. Every command the context executes runs
 * under that UID (the context stamps it, as the kernel driver does); close() gives the UID back.
 */
export interface DeviceContext {
  readonly uid: number;
  /** The UCTX capability bits the device granted (fwctl_info_mlx5.uctx_caps). */
  readonly uctxCaps: number;
  /**
   * Executes one command mailbox under this context's UID and the caller's scope. The result is an
   * outbox of at most `outlen` bytes whose header carries status and syndrome. Rejects with an
   * ErrnoError only when the command could not be delivered (EBADMSG, EMSGSIZE, ENODEV, ...);
   * a firmware failure is a resolved outbox with status ≠ 0.
   */
  execute(inbox: Buffer, outlen: number, scope: ScopeValue): Promise<Buffer>;
  /**
   * Gives the UID back. The context is closed whatever happens (safe to call again); a rejection
   * only reports that the device failed to free it, for the caller to log.
   */
  close(): Promise<void>;
}

export interface OpenOptions {
  /**
   * The UCTX capability bits the opener may have (the broker's policy decides, as capable()
   * decides in the kernel); a device grants at most these and at most what it supports.
   */
  allowedUctxCaps: number;
}

/** DMA into pinned client memory (UMEM registration): the simulator has it, fwctl does not. */
export interface DmaFeature {
  attach(dma: DmaSpace): void;
}

/** Audited, read-only reads of the device's configuration space (regdump, crdump). */
export interface CrspaceFeature {
  /** Bytes of cr-space `read` can reach. */
  readonly size: number;
  /** `dwords` consecutive host-order dwords from byte address `addr` (4-aligned): mread4_block. */
  read(addr: number, dwords: number): Promise<Uint32Array>;
}

/** What a fault-injection request asks of a simulated device (`mlx5ctl sim`), as JSON on the wire. */
export type FaultRequest =
  | { op: 'inject'; fault: FaultKind; value: number; ext_synd?: number }
  | { op: 'recover-fail'; reporter: RecoverableReporter; enable: boolean }
  | { op: 'status' };

/** Fault injection: only a model of a device can be told to break. */
export interface FaultFeature {
  /**
   * The answer to one request, as the broker sends it back: JSON with snake_case keys, like every
   * reply that reaches a user. Throws ErrnoError for what the device refuses.
   */
  handle(request: FaultRequest): unknown;
}

/**
 * What not every device has. A request that needs a missing one is answered EOPNOTSUPP with a
 * message naming what this backend lacks (see missingFeature).
 */
export interface DeviceFeatures {
  readonly dma?: DmaFeature;
  readonly crspace?: CrspaceFeature;
  /** The device's devlink instance (regions, health reporters), when the backend serves one. */
  readonly devlink?: DevlinkInstance;
  readonly faults?: FaultFeature;
}

/** Human names of the features, for refusals and `status`. */
export const featureNames: Record<keyof DeviceFeatures, string> = {
  dma: 'UMEM and DMA',
  crspace: 'cr-space reads',
  devlink: 'devlink',
  faults: 'fault injection',
};

/**
 * A device the broker fronts, shaped like a kernel fwctl device: opens give per-session contexts.
 * The simulated ConnectX-7 (src/fw/sim) and /dev/fwctl/fwctlN (src/fw/fwctl) both implement it;
 * the broker never looks inside a backend beyond this interface.
 */
export interface DeviceBackend {
  /** Which kind of backend this is, as `status` and the descriptor name it ("sim", "fwctl"). */
  readonly kind: string;
  readonly identity: DeviceIdentity;
  readonly features: DeviceFeatures;
  /** The kernel's fwctl class device name (fwctlN) when the backend is one. */
  readonly fwctlName?: string;
  /** open(2): a new context with its own UID. Rejects with an ErrnoError (ENOMEM, ENODEV, ...). */
  open(options: OpenOptions): Promise<DeviceContext>;
  /**
   * Registers a callback for the device going away by itself (the kernel answered ENODEV):
   * the broker then orphans the sessions as for hot-unplug.
   */
  onGone?(callback: () => void): void;
  /** Hot-unplug: the device is gone; every later command fails with ENODEV. */
  remove?(): void;
  /** Stops background activity (clocks, health polling) and closes what the backend holds. */
  close(): void;
}

/** The refusal for a request that needs a feature this backend does not have. */
export function missingFeature(backend: DeviceBackend, feature: keyof DeviceFeatures): ErrnoError {
  return new ErrnoError(Errno.EOPNOTSUPP, `the ${backend.kind} backend of ${backend.identity.pciName} has no ${featureNames[feature]}`);
}
