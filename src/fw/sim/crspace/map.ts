/**
 * The ConnectX-7 configuration-space (cr-space) map the simulator models. Only the addresses
 * below have meaning; every other dword in the space is a deterministic function of (address,
 * seed), so mstregdump-style sweeps see stable, plausible-looking data without 16 MiB of storage.
 *
 * Extent: mstflint's ConnectX7.csv (15,213 rows, 230,590 dwords) ends at 0x9c0160, so a fixed
 * 16 MiB space covers every range it names with room to spare.
 *
 * Special addresses (byte addresses, dword values):
 *   0x000018  scratchpad TLV chain head. Its signature is not "T0ol" unless configured, so
 *             mstregdump appends no extra blocks by default.
 *   0x000200  health buffer, 64 B (struct health_buffer of the mlx5 init segment, at the same
 *             offset the init segment puts it; dword values are the big-endian words).
 *   0x001000  internal timer high, 0x001004 internal timer low: device cycles since boot at the
 *             1 GHz device frequency (the init segment's internal_timer_h/l offsets).
 *   0x001010  health counter: +1 per millisecond of uptime unless stalled by fault injection.
 *   0x040000  free-running packet counter of the port (low 32 bits), 0x040004 octet counter
 *             (low 32 bits): "hardware counters" that visibly move between two dumps.
 *   0x0f0014  device id word: hw_dev_id in bits 15:0, revision in bits 23:16 (mstflint DEVID_ADDR).
 */

export const CRSPACE_SIZE = 0x1000000;
/** Where the CSV of a ConnectX-7 stops (exclusive); informational, the model covers CRSPACE_SIZE. */
export const CX7_CSV_END = 0x9c0160;

export const SCRATCHPAD_ADDR = 0x18;
export const TLV_SIGNATURE = 0x54306f6c;
export { HEALTH_BUFFER_ADDR, HEALTH_BUFFER_SIZE } from '../../crspace_layout';
export const INTERNAL_TIMER_H_ADDR = 0x1000;
export const INTERNAL_TIMER_L_ADDR = 0x1004;
export const HEALTH_COUNTER_ADDR = 0x1010;
export const PORT_PACKETS_ADDR = 0x40000;
export const PORT_OCTETS_ADDR = 0x40004;
export const DEVID_ADDR = 0xf0014;

/** Device clock: 1 GHz, as cmd_hca_cap.device_frequency_khz says. */
export const DEVICE_CYCLES_PER_MS = 1_000_000;
