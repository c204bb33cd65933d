/**
 * The driver's view of the mlx5 health buffer (struct health_buffer, 64 B, big-endian): field
 * decoding as mlx5 health.c reads it with ioread*be, and the syndrome strings of hsynd_str().
 */

export const HEALTH_BUFFER_BYTES = 64;

const RFR_BIT = 0x80;
const SEVERITY_VALID = 0x08;
const SEVERITY_MASK = 0x07;
/** LOGLEVEL_ERR: what mlx5_health_get_severity() answers when the severity is not valid. */
const LOGLEVEL_ERR = 3;

export interface HealthBufferFields {
  assertVar: number[];
  assertExitPtr: number;
  assertCallra: number;
  time: number;
  fwVer: number;
  hwId: number;
  rfr: number;
  severity: number;
  iriscIndex: number;
  synd: number;
  extSynd: number;
}

export function decodeHealthBuffer(buf: Buffer): HealthBufferFields {
  const rfrSeverity = buf.readUInt8(0x38);
  return {
    assertVar: [0, 1, 2, 3, 4, 5].map((i) => buf.readUInt32BE(i * 4)),
    assertExitPtr: buf.readUInt32BE(0x20),
    assertCallra: buf.readUInt32BE(0x24),
    time: buf.readUInt32BE(0x2c),
    fwVer: buf.readUInt32BE(0x30),
    hwId: buf.readUInt32BE(0x34),
    rfr: rfrSeverity & RFR_BIT ? 1 : 0,
    severity: rfrSeverity & SEVERITY_VALID ? rfrSeverity & SEVERITY_MASK : LOGLEVEL_ERR,
    iriscIndex: buf.readUInt8(0x3c),
    synd: buf.readUInt8(0x3d),
    extSynd: buf.readUInt16BE(0x3e),
  };
}

const SYNDROME_TEXT: Readonly<Record<number, string>> = {
  0x1: 'firmware internal error',
  0x7: 'irisc not responding',
  0x8: 'unrecoverable hardware error',
  0x9: 'firmware CRC error',
  0xa: 'ICM fetch PCI error',
  // hsynd_str() really carries the newline for this one; diagnose output shows it.
  0xb: 'HW fatal error\n',
  0xc: 'async EQ buffer overrun',
  0xd: 'EQ error',
  0xe: 'Invalid EQ referenced',
  0xf: 'FFSER error',
  0x10: 'High temperature',
};

/** hsynd_str() */
export function syndromeDescription(synd: number): string {
  return SYNDROME_TEXT[synd] ?? 'unrecognized error';
}
