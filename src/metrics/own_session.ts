/**
 * The broker's own session on a device, for the reads it makes itself (metrics polling): session
 * 0, the broker process as the peer, DEBUG_READ_ONLY, one device context of its own. Its RPCs are
 * audited like a client's, so the log shows every command the device ever saw.
 */
import type { DeviceContext } from '../fw/device';
import { OwnedObjects } from '../broker/owned';
import type { PeerIdentity } from '../broker/peer';
import type { ControlDeviceView, SessionView } from '../broker/types';
import { Errno, ErrnoError } from '../uapi/errno';
import { Scope, ScopeValue } from '../uapi/fwctl';

/** Client sessions are numbered from 1. */
export const BROKER_SESSION_ID = 0;

function brokerPeer(): PeerIdentity {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  return { pid: process.pid, uid, gid, groups: [gid], capEff: 0n };
}

export class BrokerOwnSession implements SessionView {
  readonly id = BROKER_SESSION_ID;
  readonly peer = brokerPeer();
  readonly maxScope: ScopeValue = Scope.DEBUG_READ_ONLY;
  readonly defaultScope: ScopeValue = Scope.DEBUG_READ_ONLY;
  readonly ucap = 0;
  readonly objects = new OwnedObjects();
  readonly openedAt = Date.now();
  rpcCount = 0;

  constructor(readonly device: ControlDeviceView, private readonly context: DeviceContext) {}

  get fwUid(): number {
    return this.context.uid;
  }

  get uctxCap(): number {
    return this.context.uctxCaps;
  }

  execute(inbox: Buffer, outlen: number, scope: ScopeValue): Promise<Buffer> {
    if (scope > this.maxScope) return Promise.reject(new ErrnoError(Errno.EPERM, `the broker's own session reads only (scope ${scope})`));
    return this.context.execute(inbox, outlen, scope);
  }

  /** Gives the UID back, unless the device already took its contexts with it (unplug). */
  async close(): Promise<void> {
    if (this.device.removed) return;
    await this.context.close();
  }
}
