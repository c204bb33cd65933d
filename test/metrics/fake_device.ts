/** A control device around a backend, and backends that misbehave, for the poller tests. */
import { simFront, type DevlinkFront } from '../../src/broker/devlink_front';
import type { ControlDeviceView } from '../../src/broker/types';
import type { DeviceBackend, DeviceContext, OpenOptions } from '../../src/fw/device';
import { SimDevice } from '../../src/fw/sim/device';
import { Errno, ErrnoError } from '../../src/uapi/errno';
import { IovaSpace } from '../../src/umem/iova_space';

export class FakeControlDevice implements ControlDeviceView {
  readonly index = 0;
  readonly ctlName = 'mlx5_core.ctl.0';
  readonly devUctxCap = 1;
  readonly iova = new IovaSpace();
  removed = false;
  readonly devlink: DevlinkFront;
  constructor(readonly backend: DeviceBackend) {
    this.devlink = simFront(backend);
  }
  remove(): void {
    this.removed = true;
  }
}

export interface Misbehaviour {
  /** Answer this register id with a firmware status instead of running it. */
  failRegister?: { id: number; status: number };
  /** Never answer a command (a wedged device). */
  hang?: boolean;
  /** Refuse this many opens first. */
  failOpens?: number;
}

/** A simulated ConnectX-7 whose contexts can fail in chosen ways; counts opens and closes. */
export class ScriptedDevice {
  readonly sim = new SimDevice();
  opens = 0;
  closes = 0;
  executes = 0;
  constructor(private readonly how: Misbehaviour = {}) {}

  backend(): DeviceBackend {
    // The returned object's methods count on the device, not on themselves.
    const self = this;
    return {
      kind: 'sim',
      identity: this.sim.identity,
      features: this.sim.features,
      async open(options: OpenOptions): Promise<DeviceContext> {
        if ((self.how.failOpens ?? 0) > self.opens) {
          self.opens++;
          throw new ErrnoError(Errno.ENOSPC, 'no UID left');
        }
        self.opens++;
        const inner = await self.sim.open(options);
        return {
          uid: inner.uid,
          uctxCaps: inner.uctxCaps,
          execute(inbox, outlen, scope): Promise<Buffer> {
            self.executes++;
            if (self.how.hang) return new Promise<Buffer>(() => undefined);
            const fail = self.how.failRegister;
            if (fail && inbox.readUInt16BE(0) === 0x805 && inbox.readUInt16BE(10) === fail.id) {
              const out = Buffer.alloc(16);
              out.writeUInt8(fail.status, 0);
              return Promise.resolve(out);
            }
            return inner.execute(inbox, outlen, scope);
          },
          async close(): Promise<void> {
            self.closes++;
            await inner.close();
          },
        };
      },
      close: () => this.sim.close(),
    };
  }
}
