/**
 * mlx5ctld: owns the devices, accepts connections, authorizes peers, runs sessions.
 */
import { native } from '../addon';
import { Errno } from '../uapi/errno';
import { PinLimits, PinQuota } from '../umem/quota';
import { SealedFiles } from '../umem/sealed_files';
import { BackendSpec } from './backends';
import { ControlDevice } from './control_device';
import { UnusedListener } from './unused_listener';
import { buildDispatch } from './dispatch';
import { SharedBudget } from './budget';
import { DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_MAX_INFLIGHT_FDS_TOTAL, DEFAULT_MAX_SESSIONS, DEFAULT_MAX_SESSIONS_PER_UID } from './limits';
import type { KernelDevlinkApi } from '../devlink/genl/kernel_api';
import { resolveDevlinkFronts, type DevlinkFronts, type DevlinkMode } from './devlink_front';
import { Logger } from './log';
import { ObjectLimits, ObjectQuota } from './object_quota';
import { readPeer } from './peer';
import type { MetricsObserver } from '../metrics/observer';
import { authorize, lookupGroup, Policy } from './policy';
import { RundirLock } from './rundir';
import { Session } from './session';
import { initialUserNamespace, UserNamespace } from './user_namespace';
import { BrokerStatus, BrokerView, DispatchEntry, SessionView } from './types';

export interface BrokerOptions {
  rundir: string;
  devices: BackendSpec[];
  policy: Policy;
  logger: Logger;
  /** Extra dispatch entries (RPC, UMEM, devlink handlers register here). */
  handlers?: DispatchEntry[];
  pinLimits?: PinLimits;
  /** Firmware objects (PD, MKEY, UMEM) per session, per uid and in all; DEFAULT_OBJECT_LIMITS. */
  objectLimits?: Partial<ObjectLimits>;
  /** Open sessions one peer uid may hold (EMFILE past it); DEFAULT_MAX_SESSIONS_PER_UID. */
  maxSessionsPerUid?: number;
  /** Sessions of every uid together (ENFILE past it); DEFAULT_MAX_SESSIONS. */
  maxSessions?: number;
  /** Request and reply bytes buffered for all sessions; DEFAULT_MAX_BUFFERED_BYTES. */
  maxBufferedBytes?: number;
  /** Received fds held on requests not yet run, all sessions; DEFAULT_MAX_INFLIGHT_FDS_TOTAL. */
  maxInflightFds?: number;
  /** Told about every RPC and refused open (the `--metrics` exporter). */
  metrics?: MetricsObserver;
  /** Which devlink each device fronts (default: the backend's own, i.e. `sim`). */
  devlink?: DevlinkMode;
  /** Opens the kernel's devlink family for `devlink` kernel/auto (tests give an emulated kernel). */
  openKernelDevlink?: () => Promise<KernelDevlinkApi>;
  /**
   * Listeners systemd passed (socket activation), by control-device name: each device named here
   * is served on its listener, the others bind their own socket. A listener no device takes is
   * logged and hangs up on every connection (UnusedListener).
   */
  inheritedListeners?: ReadonlyMap<string, number>;
}

export class Broker implements BrokerView {
  readonly logger: Logger;
  readonly pins: PinQuota;
  readonly budget: SharedBudget;
  readonly objectQuota: ObjectQuota;
  readonly sealedFiles = new SealedFiles();
  readonly metrics: MetricsObserver | undefined;
  private readonly sessions = new Map<number, Session>();
  private readonly devices: ControlDevice[] = [];
  /** Listeners systemd passed for devices this host lacks (socket activation). */
  private readonly unusedListeners: UnusedListener[] = [];
  private readonly dispatch: Map<number, DispatchEntry>;
  private readonly taintReasons: string[] = [];
  private readonly startedAt = Date.now();
  private nextSessionId = 1;
  private devlinkFronts: DevlinkFronts | undefined;
  private closing: Promise<void> | undefined;
  /** Where peers' capabilities must be held to count; undefined: nowhere the broker can see. */
  private readonly hostUserNs: UserNamespace | undefined = initialUserNamespace();

  private constructor(private readonly options: BrokerOptions, private readonly lock: RundirLock) {
    this.logger = options.logger;
    this.pins = new PinQuota(options.pinLimits);
    this.budget = new SharedBudget({
      bytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
      fds: options.maxInflightFds ?? DEFAULT_MAX_INFLIGHT_FDS_TOTAL,
    });
    this.objectQuota = new ObjectQuota(options.objectLimits);
    this.metrics = options.metrics;
    this.dispatch = buildDispatch(options.handlers);
    if (!this.hostUserNs) {
      this.logger.log('warn', 'caps_unverifiable', {
        message: 'mlx5ctld is not in the initial user namespace: every peer is treated as holding no capabilities (uctx_cap TOOLS_RESOURCES only, ucap 0)',
      });
    }
  }

  static async start(options: BrokerOptions): Promise<Broker> {
    const lock = RundirLock.acquire(options.rundir);
    const broker = new Broker(options, lock);
    const unused = new Map(options.inheritedListeners ?? []);
    try {
      const toolsGid = lookupGroup('mlx5ctl');
      const fronts = await resolveDevlinkFronts(options.devices.map((d) => d.backend), options.devlink ?? 'sim', {
        ...(options.openKernelDevlink ? { openKernel: options.openKernelDevlink } : {}),
      });
      broker.devlinkFronts = fronts;
      for (const [index, { spec, backend }] of options.devices.entries()) {
        const devlink = fronts.frontOf(backend);
        const device = await ControlDevice.create(index, backend, spec, options.rundir, devlink);
        const inheritedFd = unused.get(device.ctlName);
        unused.delete(device.ctlName);
        device.listen((fd) => broker.onConnection(device, fd), toolsGid, broker.logger, inheritedFd);
        broker.devices.push(device);
        broker.logger.log('info', 'device_ready', {
          device: device.ctlName, parent: backend.identity.pciName, socket: device.socket, backend: spec, devlink: devlink.kind, devlink_handle: devlink.handle,
          listener: inheritedFd === undefined ? 'bound' : 'inherited',
        });
      }
      for (const [name, fd] of unused) broker.unusedListeners.push(new UnusedListener(name, fd, broker.logger));
      unused.clear();
    } catch (err) {
      for (const fd of unused.values()) native.close(fd);
      broker.devlinkFronts?.close();
      broker.stopListening();
      lock.release();
      throw err;
    }
    return broker;
  }

  /**
   * Calls `listener` once every device has been hot-unplugged: a broker with nothing left to
   * serve exits rather than hold an empty run directory.
   */
  onLastDeviceGone(listener: () => void): void {
    for (const device of this.devices) {
      device.onRemoved(() => {
        if (this.devices.every((d) => d.removed)) listener();
      });
    }
  }

  get tainted(): boolean {
    return this.taintReasons.length > 0;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** The devices served, in index order (the metrics exporter reads and polls them). */
  get controlDevices(): readonly ControlDevice[] {
    return this.devices;
  }

  get socketPaths(): string[] {
    return this.devices.map((d) => d.socket);
  }

  /** Marks the broker tainted (first write-scope RPC); logged once per distinct reason. */
  taint(session: SessionView, reason: string): void {
    if (this.taintReasons.includes(reason)) return;
    const first = this.taintReasons.length === 0;
    this.taintReasons.push(reason);
    this.logger.log('warn', 'tainted', {
      first,
      reason,
      session: session.id,
      pid: session.peer.pid,
      uid: session.peer.uid,
      message: `pid ${session.peer.pid} has requested full access to the physical device`,
    });
  }

  status(): BrokerStatus {
    const sessions = [...this.sessions.values()].filter((s) => s.isOpen).map((s) => ({
      id: s.id,
      device: s.device.ctlName,
      pid: s.peer.pid,
      uid: s.peer.uid,
      gid: s.peer.gid,
      fw_uid: s.fwUid,
      max_scope: s.maxScope,
      umems: s.objects.count('umem'),
      objects: s.objects.count(),
      pinned_bytes: s.objects.pinnedBytes,
      rpcs: s.rpcCount,
      opened_at: new Date(s.openedAt).toISOString(),
    }));
    return {
      pid: process.pid,
      uptime_s: Math.round((Date.now() - this.startedAt) / 1000),
      devices: this.devices.map((d) => ({
        name: d.ctlName,
        parent: d.backend.identity.pciName,
        backend: d.backendName,
        devlink: d.devlink.kind,
        sessions: sessions.filter((s) => s.device === d.ctlName).length,
      })),
      sessions,
      releasing: [...this.sessions.values()].filter((s) => s.isReleasing).length,
      pinned_bytes: this.pins.pinnedBytes,
      tainted: this.tainted,
      taint_reasons: [...this.taintReasons],
    };
  }

  private onConnection(device: ControlDevice, fd: number): void {
    if (this.closing) {
      native.close(fd);
      return;
    }
    let peer;
    try {
      peer = readPeer(fd, this.hostUserNs);
    } catch (err) {
      this.logger.log('warn', 'peer_unknown', { message: String(err) });
      native.close(fd);
      return;
    }
    const decision = authorize(this.options.policy, peer);
    const id = this.nextSessionId++;
    const session = new Session(id, fd, peer, decision.allowed ? decision.maxScope : 0, decision.allowed ? decision.defaultScope : 0, {
      broker: this,
      device,
      dispatch: this.dispatch,
      budget: this.budget,
      onReleased: (s) => {
        this.sealedFiles.releaseSession(s.id);
        this.sessions.delete(s.id);
      },
    });
    if (!decision.allowed) {
      this.logger.log('warn', 'open_refused', { session: id, device: device.ctlName, pid: peer.pid, uid: peer.uid, gid: peer.gid, errno: 'EACCES' });
      this.metrics?.openRefused(device, 'EACCES');
      session.refuse(Errno.EACCES);
      return;
    }
    const limit = this.options.maxSessionsPerUid ?? DEFAULT_MAX_SESSIONS_PER_UID;
    if (this.sessionsOf(peer.uid) >= limit) {
      this.logger.log('warn', 'open_refused', {
        session: id, device: device.ctlName, pid: peer.pid, uid: peer.uid, gid: peer.gid, errno: 'EMFILE', reason: 'sessions_per_uid', limit,
      });
      this.metrics?.openRefused(device, 'EMFILE');
      session.refuse(Errno.EMFILE);
      return;
    }
    const total = this.options.maxSessions ?? DEFAULT_MAX_SESSIONS;
    if (this.sessions.size >= total) {
      this.logger.log('warn', 'open_refused', {
        session: id, device: device.ctlName, pid: peer.pid, uid: peer.uid, gid: peer.gid, errno: 'ENFILE', reason: 'sessions_total', limit: total,
      });
      session.refuse(Errno.ENFILE);
      return;
    }
    this.sessions.set(id, session);
    void session.open();
  }

  /** Sessions of `uid` still holding anything (opening, open or releasing), on every device. */
  private sessionsOf(uid: number): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.peer.uid === uid) n++;
    return n;
  }

  private stopListening(): void {
    for (const device of this.devices) device.stopListening();
    for (const listener of this.unusedListeners.splice(0)) listener.close();
  }

  /** Stops accepting, releases every session (their UIDs and objects), then the devices. */
  close(): Promise<void> {
    if (!this.closing) this.closing = this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    this.stopListening();
    const open = [...this.sessions.values()];
    await Promise.all(open.map((s) => s.close()));
    for (const device of this.devices) device.backend.close();
    this.devlinkFronts?.close();
    this.lock.release();
    this.logger.log('info', 'broker_stopped', { released_sessions: open.length });
  }
}
