/**
 * Firmware objects a session created (UMEM, PD, MKEY, ...). Each is recorded with the teardown
 * that frees it, and release() runs the teardowns newest first — mkey before the umem it maps,
 * umem before the uctx — however the session ends. An object's share of the object quota is
 * given back when its record goes, whichever way.
 */
import type { ObjectCharge } from './object_quota';

export interface OwnedObject {
  readonly kind: string;
  readonly id: number;
  /** Bytes pinned on behalf of this object (UMEM), for accounting. */
  readonly pinnedBytes: number;
  /** Its share of the broker's object quota. */
  readonly charge?: ObjectCharge;
  destroy(): Promise<void>;
}

export class OwnedObjects {
  private readonly objects: OwnedObject[] = [];

  add(obj: OwnedObject): void {
    this.objects.push(obj);
  }

  find(kind: string, id: number): OwnedObject | undefined {
    return this.objects.find((o) => o.kind === kind && o.id === id);
  }

  /** Forgets an object whose teardown the caller has run itself. */
  remove(kind: string, id: number): OwnedObject | undefined {
    const i = this.objects.findIndex((o) => o.kind === kind && o.id === id);
    if (i < 0) return undefined;
    const [obj] = this.objects.splice(i, 1);
    obj.charge?.release();
    return obj;
  }

  count(kind?: string): number {
    return kind ? this.objects.filter((o) => o.kind === kind).length : this.objects.length;
  }

  get pinnedBytes(): number {
    return this.objects.reduce((sum, o) => sum + o.pinnedBytes, 0);
  }

  list(): readonly OwnedObject[] {
    return this.objects;
  }

  /** Destroys everything, newest first; a failing teardown is reported and the rest still run. */
  async releaseAll(onError: (obj: OwnedObject, err: unknown) => void): Promise<void> {
    while (this.objects.length > 0) {
      const obj = this.objects.pop() as OwnedObject;
      try {
        await obj.destroy();
      } catch (err) {
        onError(obj, err);
      } finally {
        obj.charge?.release();
      }
    }
  }
}
