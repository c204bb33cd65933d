/** The pieces of broker state that handlers see, kept as interfaces to avoid import cycles. */
import type { DevlinkFront } from './devlink_front';
import type { DeviceBackend } from '../fw/device';
import type { ScopeValue } from '../uapi/fwctl';
import type { Logger } from './log';
import type { OwnedObjects } from './owned';
import type { PeerIdentity } from './peer';
import type { MetricsObserver } from '../metrics/observer';
import type { IovaSpace } from '../umem/iova_space';
import type { PinQuota } from '../umem/quota';
import type { SealedFiles } from '../umem/sealed_files';
import type { ObjectQuota } from './object_quota';

export interface ControlDeviceView {
  readonly index: number;
  readonly ctlName: string;
  readonly backend: DeviceBackend;
  /** The devlink this device fronts (kernel, simulator or none), chosen at startup. */
  readonly devlink: DevlinkFront;
  /** cmd_hca_cap.uctx_cap read at startup. */
  readonly devUctxCap: number;
  readonly removed: boolean;
  /** The device's DMA window onto pinned UMEM memory. */
  readonly iova: IovaSpace;
  /**
   * Hot-unplug, as the aux device's remove: stop accepting opens, unpublish the device; open
   * sessions are orphaned (every ioctl ENODEV) and their release skips the firmware teardown.
   */
  remove(): void;
}

export interface SessionView {
  readonly id: number;
  readonly peer: PeerIdentity;
  readonly maxScope: ScopeValue;
  /** Ceiling for mlx5ctl-uAPI RPCs (no scope field in that uAPI). */
  readonly defaultScope: ScopeValue;
  readonly fwUid: number;
  readonly uctxCap: number;
  readonly ucap: number;
  readonly device: ControlDeviceView;
  readonly objects: OwnedObjects;
  readonly openedAt: number;
  rpcCount: number;
  /** Runs one command under the session's device context (its UID), at `scope`. */
  execute(inbox: Buffer, outlen: number, scope: ScopeValue): Promise<Buffer>;
}

export interface SessionStatus {
  id: number;
  device: string;
  pid: number;
  uid: number;
  gid: number;
  fw_uid: number;
  max_scope: number;
  umems: number;
  objects: number;
  pinned_bytes: number;
  rpcs: number;
  opened_at: string;
}

export interface BrokerStatus {
  pid: number;
  uptime_s: number;
  devices: { name: string; parent: string; backend: string; devlink: DevlinkFront['kind']; sessions: number }[];
  sessions: SessionStatus[];
  /** Sessions that have ended but are still giving back their objects and firmware UID. */
  releasing: number;
  pinned_bytes: number;
  tainted: boolean;
  taint_reasons: string[];
}

export interface BrokerView {
  readonly logger: Logger;
  /** Pinned-memory accounting across sessions. */
  readonly pins: PinQuota;
  /** Firmware objects (PD, MKEY, UMEM) per session, per uid and in all. */
  readonly objectQuota: ObjectQuota;
  /** Memfds the broker sealed for UMEMs, held while a session that registered them is open. */
  readonly sealedFiles: SealedFiles;
  status(): BrokerStatus;
  taint(session: SessionView, reason: string): void;
  readonly tainted: boolean;
  /** Told about every RPC and refused open when the metrics endpoint is on (`--metrics`). */
  readonly metrics?: MetricsObserver;
}

/** What a handler gets: one decoded request of one session. */
export interface Request {
  readonly broker: BrokerView;
  readonly session: SessionView;
  readonly cmd: number;
  readonly seq: number;
  readonly arg: Buffer;
  readonly payload: Buffer;
  /** Takes ownership of the next fd that came with the frame (undefined when none). */
  takeFd(): number | undefined;
}

export interface Reply {
  /** Argument struct (echoed/updated) and payload parts, sent after the header. */
  parts: Buffer[];
}

export type Handler = (req: Request) => Promise<Reply> | Reply;

export interface DispatchEntry {
  readonly cmd: number;
  readonly name: string;
  readonly handler: Handler;
  /** fds the ioctl takes (SCM_RIGHTS with its frame); any more, or any at all when unset, are closed on arrival. */
  readonly fds?: number;
}
