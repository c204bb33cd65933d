/**
 * Byte sinks the writer streams into. Each write resolves once the bytes are handed to the OS
 * (or the stream has drained), so a multi-MB payload never queues up in memory.
 */
import { once } from 'node:events';
import * as fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';

export interface ByteSink {
  write(chunk: Uint8Array): Promise<void>;
}

async function writeAll(write: (b: Uint8Array) => Promise<number>, chunk: Uint8Array): Promise<void> {
  let done = 0;
  while (done < chunk.length) done += await write(chunk.subarray(done));
}

/** Sequential writes to an open FileHandle, starting at `position` (default 0). */
export function fileHandleSink(fh: FileHandle, position = 0): ByteSink {
  let pos = position;
  return {
    async write(chunk) {
      await writeAll(async (b) => {
        const { bytesWritten } = await fh.write(b, 0, b.length, pos);
        pos += bytesWritten;
        return bytesWritten;
      }, chunk);
    },
  };
}

/** Writes to a raw file descriptor at its current position (pipes, sockets, stdout). */
export function fdSink(fd: number): ByteSink {
  return {
    async write(chunk) {
      await writeAll(
        (b) => new Promise<number>((resolve, reject) => fs.write(fd, b, 0, b.length, null, (err, n) => (err ? reject(err) : resolve(n)))),
        chunk,
      );
    },
  };
}

/** A Node Writable, honouring backpressure; a stream error rejects the pending write. */
export function writableSink(stream: Writable): ByteSink {
  return {
    async write(chunk) {
      if (stream.destroyed) throw stream.errored ?? new Error('write to a destroyed stream');
      if (stream.write(chunk)) return;
      const ac = new AbortController();
      try {
        await Promise.race([
          once(stream, 'drain', { signal: ac.signal }),
          once(stream, 'close', { signal: ac.signal }).then(() => {
            if (stream.errored) throw stream.errored;
          }),
        ]);
      } finally {
        ac.abort();
      }
    },
  };
}
