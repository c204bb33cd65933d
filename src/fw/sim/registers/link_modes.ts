/**
 * Ethernet link modes of the port, as PTYS bit masks (mlx5 en/port.c enum mlx5e_ext_link_mode and
 * enum mlx5e_link_mode). A ConnectX-7 400G port runs 400GAUI-4 (4 lanes of 100G PAM4).
 */
const bit = (n: number): number => (2 ** n) >>> 0;

export const ExtLinkMode = {
  SGMII_100M: bit(0),
  BASE_1000_X_SGMII: bit(1),
  BASE_10G_XFI_XAUI_1: bit(4),
  BASE_40G_XLAUI_4: bit(5),
  GAUI_25_1: bit(6),
  GAUI_50_2: bit(7),
  GAUI_50_1: bit(8),
  CAUI_4_100G: bit(9),
  GAUI_100_2: bit(10),
  GAUI_100_1: bit(11),
  GAUI_200_4: bit(12),
  GAUI_200_2: bit(13),
  GAUI_400_8: bit(15),
  GAUI_400_4: bit(16),
} as const;

/** Every extended mode the port supports: 1G through 400G. */
export const EXT_ETH_PROTO_CAP = Object.values(ExtLinkMode).reduce((a, b) => (a | b) >>> 0, 0);
export const EXT_ETH_PROTO_OPER = ExtLinkMode.GAUI_400_4;

/** Legacy (non-extended) modes, for tools that only read eth_proto_*: 10G/40G/25G/50G/100G CR. */
export const ETH_PROTO_CAP = (bit(2) | bit(12) | bit(20) | bit(26) | bit(27)) >>> 0;

/** PTYS data_rate_oper is in 100 Mb/s units. */
export const DATA_RATE_OPER_400G = 4000;
export const LANES = 4;

/** data_rate_oper (100 Mb/s units) of each extended mode. */
const RATES: readonly (readonly [number, number])[] = [
  [ExtLinkMode.GAUI_400_4, 4000], [ExtLinkMode.GAUI_400_8, 4000], [ExtLinkMode.GAUI_200_2, 2000], [ExtLinkMode.GAUI_200_4, 2000],
  [ExtLinkMode.GAUI_100_1, 1000], [ExtLinkMode.GAUI_100_2, 1000], [ExtLinkMode.CAUI_4_100G, 1000], [ExtLinkMode.GAUI_50_1, 500],
  [ExtLinkMode.GAUI_50_2, 500], [ExtLinkMode.BASE_40G_XLAUI_4, 400], [ExtLinkMode.GAUI_25_1, 250], [ExtLinkMode.BASE_10G_XFI_XAUI_1, 100],
  [ExtLinkMode.BASE_1000_X_SGMII, 10], [ExtLinkMode.SGMII_100M, 1],
];

/** The mode the link trains to given the admin mask: the fastest allowed one (RATES is fastest first). */
export function operMode(admin: number): { mode: number; rate: number } {
  for (const [mode, rate] of RATES) if ((admin & mode) !== 0) return { mode, rate };
  return { mode: 0, rate: 0 };
}
