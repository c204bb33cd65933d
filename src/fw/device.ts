/**
 * The device backend: what the broker needs from "the firmware". The simulated ConnectX-7
 * (src/fw/sim) is the default; a real backend would issue the same mailboxes through
 * /dev/fwctl ioctls. The broker never looks inside a backend beyond this interface.
 */
import type { DevlinkInstance } from '../devlink/instance';

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

export interface DeviceBackend {
  readonly identity: DeviceIdentity;
  /**
   * Executes one command mailbox. `inbox` is the full inbox (uid already stamped by the caller);
   * the result is an outbox of exactly `outlen` bytes whose header carries status and syndrome.
   * Rejects (with an ErrnoError) only when the command could not be delivered (device gone);
   * a firmware failure is a resolved outbox with status ≠ 0.
   */
  execute(inbox: Buffer, outlen: number): Promise<Buffer>;
  /** Hot-unplug: the device is gone; every later command fails with ENODEV. */
  remove?(): void;
  /** Gives the device its DMA window (the broker's pinned UMEM mappings). */
  attachDma(dma: DmaSpace): void;
  /** The device's devlink instance (regions, health reporters), when the backend has one. */
  readonly devlink?: DevlinkInstance;
  /**
   * Reads `dwords` consecutive cr-space dwords from byte address `addr` (4-aligned), as host-order
   * values: what mstregdump's mread4_block returns. Only the broker calls it (MLX5CTLD_CRSPACE);
   * backends without a cr-space path leave it out and the broker answers EOPNOTSUPP.
   */
  readCrspace?(addr: number, dwords: number): Promise<Uint32Array>;
  /** Bytes of cr-space `readCrspace` can reach (the space's reported size). */
  readonly crspaceSize?: number;
  /** Stops background activity (clocks, health polling). */
  close(): void;
}
