/**
 * devlink regions and snapshots, with net/devlink/region.c's semantics: one snapshot-id namespace
 * per devlink instance (an id → user-count table), checks in the kernel's order with its extack
 * messages, and reads cut into 256-byte chunks.
 */
import { DevlinkError, Errno, einval, eopnotsupp } from './errors';
import type { DevlinkEvent, RegionChunk, RegionInfo } from './types';

/** DEVLINK_REGION_READ_CHUNK_SIZE */
export const REGION_READ_CHUNK_SIZE = 256;

const U32_LIMIT = 0x1_0000_0000;

/**
 * A driver's region ops. Ops report failures by throwing a DevlinkError (its extack becomes the
 * netlink extended ack).
 */
export interface RegionOps {
  /** Immediate snapshot for REGION_NEW: returns the region's `size` bytes. */
  snapshot?(): Buffer | Promise<Buffer>;
  /** Live read for DEVLINK_ATTR_REGION_DIRECT, called once per chunk of at most 256 bytes. */
  read?(offset: number, length: number): Buffer | Promise<Buffer>;
  /** Called when a snapshot's data is released (the kernel's required destructor). */
  destructor?(data: Buffer): void;
}

export interface Snapshot {
  readonly id: number;
  readonly data: Buffer;
}

/**
 * The devlink's snapshot_ids xarray: id → number of snapshots using it. A user-chosen id is
 * inserted with count 0; a kernel-allocated id (id_get) starts at 1 and is dropped by id_put.
 */
export class SnapshotIdTable {
  private readonly counts = new Map<number, number>();

  /** devlink_region_snapshot_id_get: xa_alloc of the lowest free id in [0, 2^32). */
  allocate(): number {
    for (let id = 0; id < U32_LIMIT; id++) {
      if (!this.counts.has(id)) {
        this.counts.set(id, 1);
        return id;
      }
    }
    throw new DevlinkError(Errno.EBUSY);
  }

  /** __devlink_snapshot_id_insert: EEXIST if any region of the devlink uses the id. */
  insert(id: number): void {
    if (this.counts.has(id)) throw new DevlinkError(Errno.EEXIST);
    this.counts.set(id, 0);
  }

  increment(id: number): void {
    const count = this.counts.get(id);
    if (count === undefined) throw einval();
    this.counts.set(id, count + 1);
  }

  /** The last user erases the id, which makes it allocatable again. */
  decrement(id: number): void {
    const count = this.counts.get(id);
    if (count === undefined) return;
    if (count > 1) this.counts.set(id, count - 1);
    else this.counts.delete(id);
  }

  has(id: number): boolean {
    return this.counts.has(id);
  }

  /** The current user count of an id (undefined when free); for tests and diagnostics. */
  count(id: number): number | undefined {
    return this.counts.get(id);
  }
}

/** What a region needs from its devlink instance. */
export interface RegionHost {
  readonly handle: string;
  readonly snapshotIds: SnapshotIdTable;
  notify(event: DevlinkEvent): void;
}

/** What a region read names: a snapshot or a direct read, and an optional range. */
export interface RegionReadRange {
  snapshotId?: number;
  direct?: boolean;
  address?: number;
  length?: number;
}

export class DevlinkRegion {
  private readonly snapshotList: Snapshot[] = [];

  constructor(
    private readonly host: RegionHost,
    readonly name: string,
    readonly ops: RegionOps,
    readonly maxSnapshots: number,
    readonly size: number,
  ) {}

  get snapshots(): readonly Snapshot[] {
    return this.snapshotList;
  }

  info(): RegionInfo {
    return {
      handle: this.host.handle,
      region: this.name,
      size: this.size,
      maxSnapshots: this.maxSnapshots,
      snapshots: this.snapshotList.map((snapshot) => snapshot.id),
    };
  }

  snapshotById(id: number): Snapshot | undefined {
    return this.snapshotList.find((snapshot) => snapshot.id === id);
  }

  /**
   * __devlink_region_snapshot_create / devlink_region_snapshot_create (driver side): the id
   * must come from snapshotIdGet or a user insert. ENOSPC is checked before EEXIST.
   */
  createSnapshot(data: Buffer, id: number): void {
    if (this.snapshotList.length === this.maxSnapshots) throw new DevlinkError(Errno.ENOSPC);
    if (this.snapshotById(id)) throw new DevlinkError(Errno.EEXIST);
    this.host.snapshotIds.increment(id);
    this.snapshotList.push({ id, data });
    this.host.notify({ object: 'region', command: 'new', handle: this.host.handle, region: this.name, snapshotId: id });
  }

  /** devlink_region_snapshot_del: notify, unlink, destructor, id put. */
  deleteSnapshot(snapshot: Snapshot): void {
    this.host.notify({ object: 'region', command: 'del', handle: this.host.handle, region: this.name, snapshotId: snapshot.id });
    this.snapshotList.splice(this.snapshotList.indexOf(snapshot), 1);
    this.ops.destructor?.(snapshot.data);
    this.host.snapshotIds.decrement(snapshot.id);
  }

  /** DEVLINK_CMD_REGION_NEW after the region lookup; returns the snapshot id. */
  async newSnapshot(userId: number | undefined): Promise<number> {
    const takeSnapshot = this.ops.snapshot;
    if (!takeSnapshot) {
      throw eopnotsupp('The requested region does not support taking an immediate snapshot');
    }
    if (this.snapshotList.length === this.maxSnapshots) {
      throw new DevlinkError(Errno.ENOSPC, 'The region has reached the maximum number of stored snapshots');
    }
    let id: number;
    if (userId !== undefined) {
      if (this.snapshotById(userId)) throw new DevlinkError(Errno.EEXIST, 'The requested snapshot id is already in use');
      this.host.snapshotIds.insert(userId);
      id = userId;
    } else {
      try {
        id = this.host.snapshotIds.allocate();
      } catch (error) {
        if (error instanceof DevlinkError) throw new DevlinkError(error.errno, 'Failed to allocate a new snapshot id');
        throw error;
      }
    }
    let data: Buffer;
    try {
      data = await takeSnapshot.call(this.ops);
    } catch (error) {
      this.host.snapshotIds.decrement(id);
      throw error;
    }
    try {
      this.createSnapshot(data, id);
    } catch (error) {
      this.ops.destructor?.(data);
      this.host.snapshotIds.decrement(id);
      throw error;
    }
    // create() took the snapshot's own reference; like region_new_doit, drop the one id_get took
    // so a kernel-allocated id ends with the same count (1) as a user-chosen one.
    if (userId === undefined) this.host.snapshotIds.decrement(id);
    return id;
  }

  /** DEVLINK_CMD_REGION_READ (dumpit) after the region lookup. */
  async read(request: RegionReadRange): Promise<RegionChunk[]> {
    const chunks: RegionChunk[] = [];
    await this.eachChunk(request, (offset, data) => {
      chunks.push({ address: offset, data: data.toString('base64') });
    });
    return chunks;
  }

  /**
   * The same read, checked in the same order, as the bytes the chunks hold, back to back, and
   * the first chunk's address (0 when the range is empty): the broker sends region data as
   * binary, so it need not encode every 256-byte chunk to base64 and decode it again.
   */
  async readBytes(request: RegionReadRange): Promise<{ address: number; data: Buffer }> {
    let out: Buffer | undefined;
    let address = 0;
    let written = 0;
    await this.eachChunk(request, (offset, data, start, end) => {
      if (out === undefined) {
        out = Buffer.allocUnsafe(end - start);
        address = offset;
      }
      // A fill shorter than asked (never for this model) packs up, as the chunks would.
      if (written + data.length > out.length) out = Buffer.concat([out.subarray(0, written), Buffer.alloc(data.length)]);
      written += data.copy(out, written);
    });
    return { address, data: out === undefined ? Buffer.alloc(0) : out.subarray(0, written) };
  }

  /** The kernel's checks of a read, then `onChunk` for each 256-byte chunk of the range, in order. */
  private async eachChunk(request: RegionReadRange, onChunk: (offset: number, data: Buffer, start: number, end: number) => void): Promise<void> {
    let fill: (offset: number, length: number) => Buffer | Promise<Buffer>;
    if (request.snapshotId === undefined) {
      if (!request.direct) throw einval('No snapshot id provided');
      const read = this.ops.read;
      if (!read) throw eopnotsupp('Requested region does not support direct read');
      fill = (offset, length) => read.call(this.ops, offset, length);
    } else {
      if (request.direct) throw einval('Direct region read does not use snapshot');
      const snapshot = this.snapshotById(request.snapshotId);
      if (!snapshot) throw einval('Requested snapshot does not exist');
      fill = (offset, length) => snapshot.data.subarray(offset, offset + length);
    }

    let start = 0;
    let end = this.size;
    if (request.address !== undefined && request.length !== undefined) {
      start = request.address;
      end = request.address + request.length;
    }
    if (end > this.size) end = this.size;
    if (start === end) return;
    // No progress (start past the clamped end) is the kernel's EINVAL without extack.
    if (start > end) throw einval();

    for (let offset = start; offset < end; offset += REGION_READ_CHUNK_SIZE) {
      const length = Math.min(end - offset, REGION_READ_CHUNK_SIZE);
      const filled = fill(offset, length);
      // A snapshot answers at once: no await (a microtask) per chunk.
      const data = filled instanceof Promise ? await filled : filled;
      onChunk(offset, data.subarray(0, length), start, end);
    }
  }
}
