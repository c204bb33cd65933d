/**
 * The upstream tool's known access registers (reg.c regs[] and reg.h ids, in regs[] order) with
 * the number of bytes `reg` dumps for each: MLX5_ST_SZ_BYTES(<name>_reg) where mlx5_ifc.h has
 * the struct, else the whole ports_control_registers_document union (3100 B), which is also what
 * every read transfers.
 */

/** MLX5_UN_SZ_BYTES(ports_control_registers_document): 0x60e0 bits. */
export const REG_DOC_SIZE = 3100;

export interface RegInfo {
  readonly name: string;
  readonly id: number;
  /** Bytes dumped by -H/-B. */
  readonly size: number;
  /** Has a -P printer upstream. */
  readonly pretty: boolean;
}

const reg = (name: string, id: number, size: number, pretty = false): RegInfo => ({ name, id, size, pretty });
const doc = (name: string, id: number): RegInfo => reg(name, id, REG_DOC_SIZE);

export const REGS: readonly RegInfo[] = [
  reg('PTYS', 0x5004, 64, true),
  reg('DTOR', 0xc00e, 60, true),
  reg('RCR', 0xc00f, 64, true),
  reg('MCAM', 0x907f, 72, true),
  reg('NODE_DESC', 0x6001, REG_DOC_SIZE, true),

  reg('QPTS', 0x4002, 8),
  reg('QTCT', 0x400a, 8),
  reg('QPDPM', 0x4013, 132),
  reg('QCAM', 0x4019, 72),
  reg('CORE_DUMP', 0x402e, 64),
  reg('PCAP', 0x5001, 20),
  reg('PMTU', 0x5003, 16),
  reg('PAOS', 0x5006, 16),
  reg('PFCC', 0x5007, 32),
  reg('PPCNT', 0x5008, 256),
  reg('PPTB', 0x500b, 12),
  reg('PBMC', 0x500c, 108),
  reg('PMAOS', 0x5012, 16),
  reg('PUDE', 0x5009, 16),
  reg('PMPE', 0x5010, 16),
  reg('PELC', 0x500e, 56),
  reg('PVLC', 0x500f, 16),
  reg('PCMR', 0x5041, 12),
  reg('PDDR', 0x5031, 256),
  reg('PMLP', 0x5002, 52),
  reg('PPLM', 0x5023, 80),
  reg('PCAM', 0x507f, 80),
  reg('MCIA', 0x9014, 64),
  reg('MFRL', 0x9028, 8),
  reg('MLCR', 0x902b, 12),
  reg('MRTC', 0x902d, 16),
  reg('MPEIN', 0x9050, 48),
  reg('MPCNT', 0x9051, 256),
  reg('MTUTC', 0x9055, 28),
  reg('MPEGC', 0x9056, 40),
  reg('MCQS', 0x9060, 16),
  reg('MCQI', 0x9061, 24),
  reg('MCC', 0x9062, 32),
  reg('MCDA', 0x9063, 16),
  reg('MIRC', 0x9162, 8),
  reg('SBCAM', 0xb01f, 76),
  reg('DCBX_PARAM', 0x4020, 64),

  // Not described in the tool's mlx5_ifc.h: dumped as the whole register document.
  doc('SBPR', 0xb001),
  doc('SBCM', 0xb002),
  doc('QETCR', 0x4005),
  doc('DCBX_APP', 0x4021),
  doc('FPGA_CAP', 0x4022),
  doc('FPGA_CTRL', 0x4023),
  doc('HOST_ENDIANNESS', 0x7004),
  doc('MTCAP', 0x9009),
  doc('MTMP', 0x900a),
  doc('MTRC_CAP', 0x9040),
  doc('MTRC_CONF', 0x9041),
  doc('MTRC_STDB', 0x9042),
  doc('MTRC_CTRL', 0x9043),
  doc('MTPPS', 0x9053),
  doc('MTPPSE', 0x9054),
  doc('RESOURCE_DUMP', 0xc000),
  doc('FPGA_ACCESS_REG', 0x4024),
];

export function regByName(name: string): RegInfo | undefined {
  return REGS.find((r) => r.name === name);
}

export function regById(id: number): RegInfo | undefined {
  return REGS.find((r) => r.id === id);
}

/** reg2str(): the name, or the upstream placeholder for an unknown id. */
export function regName(id: number): string {
  return regById(id)?.name ?? 'UNKNOWN_REG_STR';
}
