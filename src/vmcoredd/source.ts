/**
 * Positional byte sources for the reader. A vmcore can be tens of GB, so the reader never loads a
 * file: it asks for exact ranges, and every range is checked against the size first.
 */
import { open } from 'node:fs/promises';
import { VmcoreError } from './errors';

export interface PositionalSource {
  readonly size: number;
  /** Like fs.read: may return fewer bytes than asked; 0 means end of data. */
  read(buf: Buffer, position: number, length: number): Promise<number>;
}

export interface ClosableSource extends PositionalSource {
  close(): Promise<void>;
}

export async function openSource(path: string): Promise<ClosableSource> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    return {
      size,
      read: async (buf, position, length) => (await fh.read(buf, 0, length, position)).bytesRead,
      close: () => fh.close(),
    };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

export function bufferSource(data: Uint8Array): PositionalSource {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return {
    size: b.length,
    read: async (buf, position, length) => b.copy(buf, 0, position, Math.min(b.length, position + length)),
  };
}

/** Reads exactly `length` bytes at `position`, or throws VMCORE_TRUNCATED naming `what`. */
export async function readExact(src: PositionalSource, position: number, length: number, what: string): Promise<Buffer> {
  if (position < 0 || length < 0 || position + length > src.size) {
    throw new VmcoreError('VMCORE_TRUNCATED', `${what}: bytes ${position}..${position + length} are past the end of the ${src.size}-byte file`);
  }
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = await src.read(buf.subarray(done), position + done, length - done);
    if (n <= 0) throw new VmcoreError('VMCORE_TRUNCATED', `${what}: file ended at ${position + done}`);
    done += n;
  }
  return buf;
}
