/**
 * Capability-mask registers MCAM (0x907f), PCAM (0x507f) and QCAM (0x4019): for access_reg_group
 * g, bit n of the 128-bit access-register mask says register base+128g+n is implemented (MCAM's
 * groups 0..2 cover 0x9000..0x917f, PCAM's 0..1 0x5000..0x50ff, as the 4.33 adb defines); the bit is
 * stored in dword (3 − n/32) at bit n%32, as in mlx5_ifc. The masks are computed from the
 * register table, so they cannot disagree with what ACCESS_REG actually answers.
 */
import type { RegisterContext, RegisterDef } from './register';

const REG_MASK_AT = 0x08;
const FEATURE_MASK_AT = 0x28;

/** Sets bit n of a 128-bit capability mask at byte `at` (n counted from the mask's LSB). */
export function setMaskBit(buf: Buffer, at: number, n: number): void {
  const dw = at + 4 * (3 - (n >>> 5));
  buf.writeUInt32BE((buf.readUInt32BE(dw) | (1 << (n & 31))) >>> 0, dw);
}

export function maskBit(buf: Buffer, at: number, n: number): boolean {
  return ((buf.readUInt32BE(at + 4 * (3 - (n >>> 5))) >>> (n & 31)) & 1) === 1;
}

/** mlx5_ifc feature bits are named by MLX5 bit offset inside the 128-bit struct: n = 127 − offset. */
const featureBit = (mlx5BitOffset: number): number => 127 - mlx5BitOffset;

interface CamSpec {
  id: number;
  name: string;
  size: number;
  base: number;
  /** access_reg_group values the CAM defines; others are reserved and read as an empty mask. */
  groups: number;
  /** Feature bits (as MLX5 bit offsets into the 128-bit feature struct) for feature_group 0. */
  features: readonly number[];
}

const CAMS: readonly CamSpec[] = [
  // mcam_enhanced_features: mcia_32dwords @0x5d, reset_state @0x6a
  { id: 0x907f, name: 'MCAM', size: 0x48, base: 0x9000, groups: 3, features: [0x5d, 0x6a] },
  // pcam_enhanced_features: ptys_extended_ethernet @0x73
  { id: 0x507f, name: 'PCAM', size: 0x50, base: 0x5000, groups: 2, features: [0x73] },
  { id: 0x4019, name: 'QCAM', size: 0x48, base: 0x4000, groups: 1, features: [] },
];

/** The three CAM registers, advertising `implemented` ids (which must include the CAMs themselves). */
export function camRegisters(implemented: () => readonly number[]): RegisterDef[] {
  return CAMS.map((spec) => ({
    id: spec.id,
    name: spec.name,
    size: spec.size,
    read({ data, reply }: RegisterContext): void {
      const featureGroup = data.readUInt8(1);
      const regGroup = data.readUInt8(3);
      reply.fill(0, REG_MASK_AT);
      if (regGroup < spec.groups) {
        const first = spec.base + 128 * regGroup;
        for (const id of implemented()) if (id >= first && id < first + 128) setMaskBit(reply, REG_MASK_AT, id - first);
      }
      if (featureGroup === 0) for (const off of spec.features) setMaskBit(reply, FEATURE_MASK_AT, featureBit(off));
    },
  }));
}
