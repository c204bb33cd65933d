/**
 * HCA scratchpad (SP2) TLV chain: 3 dwords per TLV {signature "T0ol", size[19:0] | writable[20] |
 * fw[21] | version[31:28], address}. Each valid TLV adds the block {address, size} and the next TLV
 * is read at that address (crd_count_tlv_blocks_and_dwords / crd_set_tlv_blocks).
 */
import { RegdumpError } from './errors';
import { crRead, type ReadDwords } from './crread';

export const TLV_SIGNATURE = 0x54306f6c;
/** The C loop has no bound; a device whose chain cycles would hang it. We stop here instead. */
export const MAX_TLV_BLOCKS = 4096;

export interface TlvBlock {
  address: number;
  dwords: number;
  writable: boolean;
  fw: boolean;
  version: number;
}

export async function walkTlvChain(read: ReadDwords, start: number): Promise<TlvBlock[]> {
  const out: TlvBlock[] = [];
  let at = start;
  for (;;) {
    const w = await readTlv(read, at);
    if (w[0] !== TLV_SIGNATURE || w[2] === 0xffffffff) return out;
    if (out.length >= MAX_TLV_BLOCKS) throw new RegdumpError('EXCEED_VALUE');
    const info = w[1]!;
    out.push({ address: w[2]!, dwords: info & 0xfffff, writable: ((info >>> 20) & 1) === 1, fw: ((info >>> 21) & 1) === 1, version: info >>> 28 });
    at = w[2]!;
  }
}

async function readTlv(read: ReadDwords, addr: number): Promise<number[]> {
  // mstflint reads the three words one by one; a failure names the word that failed.
  const got = [];
  for (let i = 0; i < 3; i++) got.push((await crRead(read, addr + 4 * i, 1))[0]!);
  return got.map((v) => v >>> 0);
}
