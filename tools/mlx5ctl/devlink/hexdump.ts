/**
 * pr_out_region_chunk: the region dump/read output. Text lines are `%016llx ` (address of the
 * line's first byte) then `%02x ` per byte, 16 bytes per line counted across all chunks of the
 * run (not aligned to addresses); JSON repeats `"address":A,"data":[...]` once per chunk inside
 * the same object.
 */
import type { RegionChunk } from '../../../src/devlink/types';
import type { Printer } from './output';

const BYTES_PER_LINE = 16;

export function printRegionChunk(printer: Printer, chunk: RegionChunk): void {
  const data = Buffer.from(chunk.data, 'base64');
  if (printer.json) {
    printer.json.name('address');
    printer.json.literal(String(chunk.address));
    printer.openArray('data');
    for (const byte of data) printer.json.literal(String(byte));
    printer.closeArray();
    return;
  }
  let address = chunk.address;
  for (const byte of data) {
    if (printer.hexByteCount % BYTES_PER_LINE === 0) {
      const prefix = printer.hexByteCount ? '\n' : '';
      printer.out(`${prefix}${address.toString(16).padStart(16, '0')} `);
    }
    printer.hexByteCount++;
    printer.out(`${byte.toString(16).padStart(2, '0')} `);
    address++;
  }
}
