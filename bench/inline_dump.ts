/**
 * The inline path the UMEM core dump replaces: the RESOURCE_DUMP register read 208 bytes per
 * ACCESS_REG, continued by seq_num / device_opaque, restarted when a dump ends, until as many
 * bytes have crossed as the core dump holds.
 */
import { Mlx5ctlClient } from '../src/client/client';
import { newInbox, outboxStatus } from '../src/fw/mailbox';
import { Opcode } from '../src/fw/opcodes';
import { get64, getBits, set64, setBits } from '../src/uapi/ifc/bits';

const RESOURCE_DUMP = 0xc000;
const MENU = 0xffff;

export async function inlineBytes(client: Mlx5ctlClient, target: number): Promise<{ bytes: number; rpcs: number }> {
  let bytes = 0;
  let rpcs = 0;
  let next: Buffer | undefined;
  while (bytes < target) {
    const inbox = newInbox(Opcode.ACCESS_REG, 16 + 256, 1);
    setBits(inbox, 0x50, 16, RESOURCE_DUMP);
    const reg = inbox.subarray(16);
    if (next) {
      next.copy(reg);
    } else {
      setBits(reg, 0x01, 1, 1); // inline_dump
      setBits(reg, 0x10, 16, MENU);
    }
    const out = await client.cmdrpc(inbox, 16 + 256);
    rpcs++;
    if (outboxStatus(out) !== 0) throw new Error(`RESOURCE_DUMP failed with status 0x${outboxStatus(out).toString(16)}`);
    const data = out.subarray(16);
    const size = getBits(data, 0x120, 32);
    if (size === 0 && getBits(data, 0, 1) === 0) throw new Error('RESOURCE_DUMP returned no data');
    bytes += size;
    if (getBits(data, 0, 1) === 1) {
      // Continue: the request carries back what the reply said, segment_type unchanged.
      const cont = Buffer.from(reg);
      setBits(cont, 0x00, 1, 1);
      setBits(cont, 0x0c, 4, getBits(data, 0x0c, 4));
      setBits(cont, 0x40, 32, getBits(data, 0x40, 32));
      setBits(cont, 0x60, 32, getBits(data, 0x60, 32));
      setBits(cont, 0x80, 16, getBits(data, 0x80, 16));
      setBits(cont, 0x90, 16, getBits(data, 0x90, 16));
      set64(cont, 0xc0, get64(data, 0xc0));
      next = cont;
    } else {
      next = undefined;
    }
  }
  return { bytes, rpcs };
}
