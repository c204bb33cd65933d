/**
 * The mlx5 health buffer (struct health_buffer, 64 B, big-endian) as the firmware fills it. The
 * driver's health poller reads `synd`: 0 is healthy, anything else is a fatal or reported error
 * whose details (assert_var, exit pointer, severity, irisc) travel in the rest of the buffer.
 *
 *   0x00 assert_var[6]   0x20 assert_exit_ptr  0x24 assert_callra  0x2c time
 *   0x30 fw_ver          0x34 hw_id            0x38 rfr_severity (bit7 rfr, bit6 crr,
 *   bit3 severity valid, bits2..0 severity)    0x3c irisc_index    0x3d synd   0x3e ext_synd
 */
import type { FirmwareVersion } from '../../device';
import { HEALTH_BUFFER_SIZE } from './map';

/** Kernel printk severities, as the firmware reports them (mlx5 health.c). */
export const HealthSeverity = { EMERG: 0, ALERT: 1, CRIT: 2, ERR: 3, WARN: 4, NOTICE: 5, INFO: 6, DEBUG: 7 } as const;

export interface HealthFault {
  synd: number;
  extSynd: number;
  severity: number;
  /** Recovery flow required: the driver must reset the function (rfr bit). */
  rfr: boolean;
  irisc: number;
  /** Device uptime in seconds when the fault was raised. */
  timeSec: number;
  /** Values the firmware assert handler left behind; derived from the seed and syndrome. */
  assertVar: readonly number[];
  assertExitPtr: number;
  assertCallra: number;
}

export interface HealthFaultOptions {
  severity?: number;
  rfr?: boolean;
  irisc?: number;
}

/** fw_ver as the buffer carries it: major in bits 31:24, minor 23:16, subminor 15:0. */
export const encodeHealthFwVer = (v: FirmwareVersion): number => ((v.major & 0xff) << 24 | (v.minor & 0xff) << 16 | (v.subminor & 0xffff)) >>> 0;

/** The 64-byte buffer, big-endian, as the init segment exposes it. */
export function encodeHealthBuffer(fwVer: number, hwId: number, fault: HealthFault | null): Buffer {
  const b = Buffer.alloc(HEALTH_BUFFER_SIZE);
  b.writeUInt32BE(fwVer, 0x30);
  b.writeUInt32BE(hwId >>> 0, 0x34);
  if (fault === null) return b;
  fault.assertVar.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  b.writeUInt32BE(fault.assertExitPtr >>> 0, 0x20);
  b.writeUInt32BE(fault.assertCallra >>> 0, 0x24);
  b.writeUInt32BE(fault.timeSec >>> 0, 0x2c);
  b.writeUInt8((fault.rfr ? 0x80 : 0) | 0x08 | (fault.severity & 0x7), 0x38);
  b.writeUInt8(fault.irisc & 0xff, 0x3c);
  b.writeUInt8(fault.synd & 0xff, 0x3d);
  b.writeUInt16BE(fault.extSynd & 0xffff, 0x3e);
  return b;
}
