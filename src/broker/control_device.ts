/**
 * One control device: a backend, the socket clients open it through (the userspace counterpart
 * of /dev/mlx5ctl-mlx5_core.ctl.N), its descriptor file, and its sessions.
 */
import * as fs from 'fs';
import { isNativeError, native, NativePoller } from '../addon';
import { sysfsPciIds, writeDescriptor } from '../config/descriptor';
import { descriptorPath, socketPath } from '../config/paths';
import { DeviceBackend } from '../fw/device';
import { newInbox, outboxStatus } from '../fw/mailbox';
import { Opcode } from '../fw/opcodes';
import { Scope } from '../uapi/fwctl';
import { getBits } from '../uapi/ifc/bits';
import { UctxCap } from '../uapi/mlx5ctl';
import { IovaSpace } from '../umem/iova_space';
import { ACCEPT_BACKOFF_MAX_MS, ACCEPT_BACKOFF_MIN_MS, LISTEN_BACKLOG } from './limits';
import { simFront, type DevlinkFront } from './devlink_front';
import { Logger } from './log';
import { ControlDeviceView } from './types';

/**
 * cmd_hca_cap.uctx_cap, read the way mlx5_core reads MLX5_CAP_GEN(uctx_cap), but from inside a
 * context of the broker's own: the broker is a user of the device like any other, never uid 0.
 */
async function readDevUctxCap(backend: DeviceBackend): Promise<number> {
  const context = await backend.open({ allowedUctxCaps: UctxCap.TOOLS_RESOURCES });
  try {
    const out = await context.execute(newInbox(Opcode.QUERY_HCA_CAP, 16, /* GENERAL, cur */ 1), 16 + 4096, Scope.CONFIGURATION);
    if (outboxStatus(out) !== 0) throw new Error(`${backend.identity.pciName}: QUERY_HCA_CAP failed at startup (status 0x${outboxStatus(out).toString(16)})`);
    return getBits(out.subarray(0x10), 0x6a0, 32);
  } finally {
    await context.close();
  }
}

export class ControlDevice implements ControlDeviceView {
  readonly ctlName: string;
  readonly socket: string;
  removed = false;
  readonly iova = new IovaSpace();
  private listenFd = -1;
  /** False for a listener systemd bound (socket activation): its file is the socket unit's. */
  private ownsSocketFile = true;
  private poller: NativePoller | undefined;
  /** Set while listening is paused after a failed accept. */
  private retryTimer: NodeJS.Timeout | undefined;
  private backoffMs = 0;
  private failedAccepts = 0;
  private readonly removedListeners: Array<() => void> = [];

  private constructor(
    readonly index: number,
    readonly backend: DeviceBackend,
    readonly backendName: string,
    readonly devUctxCap: number,
    private readonly rundir: string,
    readonly devlink: DevlinkFront,
  ) {
    this.ctlName = `mlx5_core.ctl.${index}`;
    this.socket = socketPath(rundir, this.ctlName);
    backend.features.dma?.attach(this.iova);
    backend.onGone?.(() => this.remove());
  }

  /** mlx5_core adds the ctl aux device only when the device reports a non-zero uctx_cap. */
  static async create(index: number, backend: DeviceBackend, backendName: string, rundir: string, devlink: DevlinkFront = simFront(backend)): Promise<ControlDevice> {
    const cap = await readDevUctxCap(backend);
    if (cap === 0) throw new Error(`${backend.identity.pciName}: uctx_cap is 0, no control device`);
    return new ControlDevice(index, backend, backendName, cap, rundir, devlink);
  }

  /**
   * Binds the socket (mode 0660, group mlx5ctl when it exists) and publishes the descriptor. With
   * `inheritedFd` (socket activation) the listener systemd bound is served instead: its file,
   * mode and group are the socket unit's, and it stays in place when the broker stops, so the
   * next connection starts the broker again.
   */
  listen(onConnection: (fd: number) => void, toolsGid: number | undefined, logger: Logger, inheritedFd?: number): void {
    if (inheritedFd !== undefined) {
      this.listenFd = inheritedFd;
      this.ownsSocketFile = false;
    } else {
      fs.rmSync(this.socket, { force: true });
      this.listenFd = native.listen(this.socket, 0o660, LISTEN_BACKLOG);
      // lchown: the name is the socket just bound, and a link there would never be followed.
      if (toolsGid !== undefined && process.getuid?.() === 0) fs.lchownSync(this.socket, 0, toolsGid);
    }
    this.poller = new native.Poller(this.listenFd, (errno, readable) => {
      if (errno !== 0 || !readable) return;
      for (;;) {
        let fd: number | null;
        try {
          fd = native.accept(this.listenFd);
        } catch (err) {
          this.acceptFailed(err, logger);
          return;
        }
        if (fd === null) break;
        if (this.failedAccepts > 0) {
          logger.log('info', 'accept_resumed', { device: this.ctlName, failed_accepts: this.failedAccepts });
          this.failedAccepts = 0;
          this.backoffMs = 0;
        }
        onConnection(fd);
      }
    });
    this.poller.start(true, false);
    writeDescriptor(this.rundir, {
      ctlName: this.ctlName,
      index: this.index,
      parent: this.backend.identity.pciName,
      devlink: this.backend.identity.devlinkHandle,
      fwctl: this.backend.fwctlName ?? `fwctl${this.index}`,
      backend: this.backendName,
      brokerPid: process.pid,
      socket: this.socket,
      pciIds: sysfsPciIds(this.backend.identity),
    });
  }

  /**
   * accept4 failing is never the end of the broker: out of fds (EMFILE, ENFILE), kernel memory
   * (ENOBUFS, ENOMEM), a connection gone (ECONNABORTED) or refused by a security module (EPERM)
   * all pass. The connection stays in the backlog, so the level-triggered poll would spin on it:
   * listening pauses instead, 10 ms doubling to 1 s, and the episode is logged once.
   */
  private acceptFailed(err: unknown, logger: Logger): void {
    if (this.failedAccepts === 0) {
      logger.log('warn', 'accept_failed', {
        device: this.ctlName,
        errno: isNativeError(err) ? err.code : 'unknown',
        message: err instanceof Error ? err.message : String(err),
        retry: `${ACCEPT_BACKOFF_MIN_MS} ms doubling to ${ACCEPT_BACKOFF_MAX_MS} ms until accept succeeds`,
      });
    }
    this.failedAccepts++;
    this.backoffMs = Math.min(ACCEPT_BACKOFF_MAX_MS, this.backoffMs === 0 ? ACCEPT_BACKOFF_MIN_MS : this.backoffMs * 2);
    this.poller?.stop();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.poller?.start(true, false);
    }, this.backoffMs);
  }

  remove(): void {
    if (this.removed) return;
    this.removed = true;
    this.stopListening();
    this.backend.remove?.();
    for (const listener of this.removedListeners) listener();
  }

  /** Called once, after the device is unpublished by a hot-unplug. */
  onRemoved(listener: () => void): void {
    this.removedListeners.push(listener);
  }

  /** Stops accepting and unpublishes the device; sessions are closed by the broker. */
  stopListening(): void {
    if (this.listenFd < 0) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.poller?.close();
    this.poller = undefined;
    if (this.listenFd >= 0) {
      native.close(this.listenFd);
      this.listenFd = -1;
    }
    if (this.ownsSocketFile) fs.rmSync(this.socket, { force: true });
    fs.rmSync(descriptorPath(this.rundir, this.ctlName), { force: true });
  }
}
