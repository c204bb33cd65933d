/**
 * UMEM modes need the device to reach client memory by DMA. Upstream fwctl has no memory
 * registration (the broker answers UMEM_REG with EOPNOTSUPP on such a backend), so commands
 * that offer a UMEM mode say what works on this device instead of a bare errno.
 */
import { Errno, ErrnoError } from '../../../src/uapi/errno';
import type { DeviceCommandContext } from '../command';

/** True (after explaining) when `err` is the refusal of a backend without memory registration. */
export function explainedNoUmem(ctx: DeviceCommandContext, command: string, alternative: string, err: unknown): boolean {
  if (!(err instanceof ErrnoError) || err.errno !== Errno.EOPNOTSUPP) return false;
  ctx.out.error(`${command}: ${ctx.client.device.ctlName} (backend ${ctx.client.device.backend}) has no memory registration: UMEM_REG is not supported`);
  ctx.out.error(`${command}: ${alternative}`);
  return true;
}
