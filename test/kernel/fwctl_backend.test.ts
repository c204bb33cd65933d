/**
 * The backend contract against the kernel's real fwctl core: FwctlBackend over the test driver's
 * /dev/fwctl/fwctlN, whose firmware is the simulator served from userspace in this guest.
 */
import { FwctlBackend } from '../../src/fw/fwctl/backend';
import { describeFwctlDevice } from '../../src/fw/fwctl/sysfs';
import type { DeviceBackend } from '../../src/fw/device';
import { newInbox, outboxStatus } from '../../src/fw/mailbox';
import { Opcode } from '../../src/fw/opcodes';
import { Errno, ErrnoError } from '../../src/uapi/errno';
import { Scope } from '../../src/uapi/fwctl';
import { UctxCap } from '../../src/uapi/mlx5ctl';
import { describeBackendConformance } from '../fw/conformance';
import { assertInLane, ensureRegistered, LANE_TIMEOUT_MS, openContexts, setRegistered, waitFor } from './lane';

jest.setTimeout(LANE_TIMEOUT_MS);
beforeAll(() => assertInLane());

const probe = async (): Promise<FwctlBackend> => FwctlBackend.probe(describeFwctlDevice(ensureRegistered()));

describeBackendConformance('kernel fwctl', {
  create: probe,
  features: [],
  unplug: async () => setRegistered(false),
  destroy: async (backend: DeviceBackend) => {
    backend.close();
    ensureRegistered();
  },
});

describe('kernel fwctl: what only the kernel decides', () => {
  const OPEN = { allowedUctxCaps: UctxCap.TOOLS_RESOURCES | UctxCap.RAW_TX | UctxCap.INTERNAL_DEVICE_RESOURCES };

  it('grants TOOLS_RESOURCES only, whatever the broker would allow, and frees every context on close', async () => {
    const backend = await probe();
    const before = openContexts();
    const contexts = await Promise.all([backend.open(OPEN), backend.open(OPEN), backend.open(OPEN)]);
    expect(contexts.map((c) => c.uctxCaps)).toEqual([UctxCap.TOOLS_RESOURCES, UctxCap.TOOLS_RESOURCES, UctxCap.TOOLS_RESOURCES]);
    expect(openContexts()).toBe(before + 3);
    await Promise.all(contexts.map((c) => c.close()));
    await waitFor('the driver to release the contexts', () => openContexts() === before);
  });

  it('refuses what the mlx5 allowlist does not hold with EBADMSG, and more than 2 MiB with EMSGSIZE', async () => {
    const backend = await probe();
    const context = await backend.open(OPEN);
    try {
      const refused = async (inbox: Buffer, outlen: number): Promise<number> => {
        try {
          await context.execute(inbox, outlen, Scope.DEBUG_WRITE_FULL);
        } catch (err) {
          if (err instanceof ErrnoError) return err.errno;
          throw err;
        }
        throw new Error('the kernel accepted it');
      };
      expect(await refused(newInbox(Opcode.CREATE_MKEY, 16 + 256), 16)).toBe(Errno.EBADMSG);
      expect(await refused(newInbox(Opcode.QUERY_HCA_CAP, 2 * 1024 * 1024 + 16, 1), 16)).toBe(Errno.EMSGSIZE);
      // Reads need DEBUG_READ_ONLY: the driver says EBADMSG at CONFIGURATION.
      try {
        await context.execute(newInbox(Opcode.QUERY_UCTX, 16), 16 + 64, Scope.CONFIGURATION);
        throw new Error('the kernel accepted QUERY_UCTX at CONFIGURATION');
      } catch (err) {
        expect(err).toMatchObject({ errno: Errno.EBADMSG });
      }
      const big = await context.execute(newInbox(Opcode.QUERY_HCA_CAP, 16, 1), 1024 * 1024, Scope.CONFIGURATION);
      expect(big.length).toBe(1024 * 1024);
      expect(outboxStatus(big)).toBe(0);
    } finally {
      await context.close();
    }
  });
});
