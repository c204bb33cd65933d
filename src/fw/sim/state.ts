/** Everything the simulated ConnectX-7 knows, shared by its command handlers. */
import { DeviceIdentity, DmaFault, DmaSpace } from '../device';
import { generalCaps, SIM_LOG_MAX_UCTX, SIM_UCTX_CAP } from './caps/general';
import { layout } from '../../uapi/ifc';
import { ObjectStore, ObjectType } from './object_store';
import { SeededRandom } from './random';
import { UidTable } from './uid_table';

/** Time as the device sees it; injected so tests can move it. */
export interface DeviceClock {
  /** Monotonic milliseconds. */
  nowMs(): number;
}

export const systemClock: DeviceClock = { nowMs: () => performance.now() };

export type CapType = number;

/** The general capability that bounds how many objects of a type the device holds (2^value). */
const LIMIT_CAPS: Partial<Record<ObjectType, string>> = {
  pd: 'log_max_pd', mkey: 'log_max_mkey', cq: 'log_max_cq', qp: 'log_max_qp', eq: 'log_max_eq',
  sq: 'log_max_sq', rq: 'log_max_rq', rmp: 'log_max_rmp', tir: 'log_max_tir', tis: 'log_max_tis',
  rqt: 'log_max_rqt',
};
const generalCapLayout = layout('cmd_hca_cap');

export class SimState {
  readonly uids = new UidTable(1 << SIM_LOG_MAX_UCTX);
  /** Enforces what the current general caps advertise, read at each allocation (SET_HCA_CAP may change them). */
  readonly objects = new ObjectStore((type) => this.objectLimit(type));
  readonly uctxCap = SIM_UCTX_CAP;
  readonly random: SeededRandom;
  readonly bootMs: number;
  private readonly caps = new Map<string, Buffer>();
  /** Until the broker attaches its DMA window, every DMA faults. */
  dma: DmaSpace = {
    read: (iova, length) => {
      throw new DmaFault(iova, length, 'no DMA window attached');
    },
    write: (iova, data) => {
      throw new DmaFault(iova, data.length, 'no DMA window attached');
    },
  };

  constructor(readonly identity: DeviceIdentity, readonly clock: DeviceClock, seed: number) {
    this.random = new SeededRandom(seed);
    this.bootMs = clock.nowMs();
    this.registerCaps(0, generalCaps(false), generalCaps(true));
  }

  private readonly uidReleaseListeners: ((uid: number) => void)[] = [];

  /** Per-UID state elsewhere in the device (a dump in progress) goes when its UID goes. */
  onUidReleased(listener: (uid: number) => void): void {
    this.uidReleaseListeners.push(listener);
  }

  releaseUid(uid: number): boolean {
    const had = this.uids.release(uid);
    if (had) for (const listener of this.uidReleaseListeners) listener(uid);
    return had;
  }

  /** Registers the maximum and current capability pages of one capability type. */
  registerCaps(type: CapType, max: Buffer, cur: Buffer): void {
    this.caps.set(`${type}/max`, max);
    this.caps.set(`${type}/cur`, cur);
  }

  /** 2^log_max_<type> from the current general caps; undefined for a type no cap bounds. */
  objectLimit(type: ObjectType): number | undefined {
    const field = LIMIT_CAPS[type];
    const page = this.capsOf(0, true);
    if (field === undefined || page === undefined) return undefined;
    return 2 ** generalCapLayout.uint(field).get(page);
  }

  capsOf(type: CapType, cur: boolean): Buffer | undefined {
    return this.caps.get(`${type}/${cur ? 'cur' : 'max'}`);
  }
}
