/**
 * What tests in the real-kernel lane (scripts/kernel-lane) know about their guest: the test
 * driver fwctl_mlx5_sim's debugfs knobs, and the fwctl device it registered. These tests run
 * only in the lane's VM (jest.kernel.config.js); outside it they fail at once and say why.
 */
import * as fs from 'fs';

export const LANE_MARKER = '/run/mlx5ctl-lane/marker';
export const DRIVER_DEBUGFS = '/sys/kernel/debug/fwctl_mlx5_sim';
/** Node in the guest runs 25–30× slower than on the host. */
export const LANE_TIMEOUT_MS = 600_000;

export function assertInLane(): void {
  if (!fs.existsSync(LANE_MARKER)) {
    throw new Error(`not in the kernel lane's guest (no ${LANE_MARKER}): run \`npm run test:kernel\``);
  }
}

function knob(name: string): string {
  return fs.readFileSync(`${DRIVER_DEBUGFS}/${name}`, 'utf8').trim();
}

/** The fwctl class device the driver has registered now (fwctlN), or undefined. */
export function registeredDevice(): string | undefined {
  return knob('fwctl_device') || undefined;
}

/** The driver's count of open uctx contexts: one per open file of the fwctl device. */
export function openContexts(): number {
  return Number(knob('open_contexts'));
}

/** Registers (true) or hot-unplugs (false) the driver's fwctl device, as probe/remove would. */
export function setRegistered(on: boolean): void {
  fs.writeFileSync(`${DRIVER_DEBUGFS}/registered`, on ? '1' : '0');
}

export function ensureRegistered(): string {
  if (!registeredDevice()) setRegistered(true);
  const name = registeredDevice();
  if (!name) throw new Error('fwctl_mlx5_sim did not register an fwctl device');
  return name;
}

/** The kernel's taint mask; TAINT_FWCTL is bit 19 ('J'). */
export const TAINT_FWCTL = 1 << 19;
export function kernelTaint(): number {
  return Number(fs.readFileSync('/proc/sys/kernel/tainted', 'utf8').trim());
}

export async function waitFor(what: string, check: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
