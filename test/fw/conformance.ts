/**
 * The backend contract (src/fw/device.ts), as tests every backend must pass: the simulator on the
 * host (test/fw/sim/conformance.test.ts) and the kernel's fwctl device in the real-kernel lane
 * (test/kernel/). Only what the contract promises is asserted, so one right answer holds for all.
 */
import type { DeviceBackend, DeviceContext, DeviceFeatures } from '../../src/fw/device';
import { newInbox, outboxStatus } from '../../src/fw/mailbox';
import { Opcode } from '../../src/fw/opcodes';
import { ErrnoError, Errno } from '../../src/uapi/errno';
import { Scope } from '../../src/uapi/fwctl';
import { getBits } from '../../src/uapi/ifc/bits';
import { UctxCap } from '../../src/uapi/mlx5ctl';

export interface ConformanceTarget {
  /** A fresh backend for each test. */
  create(): Promise<DeviceBackend>;
  /** Which features this backend declares. */
  features: (keyof DeviceFeatures)[];
  /** The device going away under open contexts (sim: remove(); kernel: the driver unregisters). */
  unplug(backend: DeviceBackend): Promise<void>;
  /** Releases what create() made. */
  destroy(backend: DeviceBackend): Promise<void>;
}

const OPEN = { allowedUctxCaps: UctxCap.TOOLS_RESOURCES };

async function queryGeneralCaps(context: DeviceContext): Promise<Buffer> {
  return context.execute(newInbox(Opcode.QUERY_HCA_CAP, 16, /* GENERAL, cur */ 1), 16 + 4096, Scope.CONFIGURATION);
}

async function rejection(promise: Promise<unknown>): Promise<ErrnoError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ErrnoError) return err;
    throw err;
  }
  throw new Error('expected a rejection with an ErrnoError');
}

export function describeBackendConformance(name: string, target: ConformanceTarget): void {
  describe(`backend contract: ${name}`, () => {
    let backend: DeviceBackend;
    const contexts: DeviceContext[] = [];
    const open = async (): Promise<DeviceContext> => {
      const context = await backend.open(OPEN);
      contexts.push(context);
      return context;
    };

    beforeEach(async () => {
      backend = await target.create();
    });
    afterEach(async () => {
      await Promise.allSettled(contexts.splice(0).map((c) => c.close()));
      await target.destroy(backend);
    });

    it('declares exactly its features', () => {
      const declared = (Object.keys(backend.features) as (keyof DeviceFeatures)[]).filter((k) => backend.features[k] !== undefined);
      expect(declared.sort()).toEqual([...target.features].sort());
    });

    it('gives each open its own non-zero UID, with TOOLS_RESOURCES and nothing beyond what was allowed', async () => {
      const a = await open();
      const b = await open();
      expect(a.uid).not.toBe(0);
      expect(b.uid).not.toBe(0);
      expect(a.uid).not.toBe(b.uid);
      expect(a.uctxCaps).toBe(UctxCap.TOOLS_RESOURCES);
    });

    it('executes a query inside a context and answers with a whole outbox', async () => {
      const context = await open();
      const out = await queryGeneralCaps(context);
      expect(out.length).toBe(16 + 4096);
      expect(outboxStatus(out)).toBe(0);
      // cmd_hca_cap.uctx_cap: a device with a control device has TOOLS_RESOURCES.
      expect(getBits(out.subarray(0x10), 0x6a0, 32) & UctxCap.TOOLS_RESOURCES).toBe(UctxCap.TOOLS_RESOURCES);
    });

    it('runs many contexts at once', async () => {
      const opened = await Promise.all(Array.from({ length: 8 }, () => open()));
      expect(new Set(opened.map((c) => c.uid)).size).toBe(8);
      const outs = await Promise.all(opened.map((c) => queryGeneralCaps(c)));
      expect(outs.map(outboxStatus)).toEqual(Array(8).fill(0));
    });

    it('refuses commands on a closed context, and closes twice without harm', async () => {
      const context = await open();
      await context.close();
      await context.close();
      expect((await rejection(queryGeneralCaps(context))).errno).toBe(Errno.EBADF);
    });

    it('answers ENODEV on open contexts and new opens once the device is gone', async () => {
      const context = await open();
      let gone = 0;
      backend.onGone?.(() => gone++);
      await target.unplug(backend);
      expect((await rejection(queryGeneralCaps(context))).errno).toBe(Errno.ENODEV);
      expect((await rejection(backend.open(OPEN))).errno).toBe(Errno.ENODEV);
      // A backend that learns of the loss from the device tells the broker once.
      if (backend.onGone) expect(gone).toBe(1);
    });
  });
}
