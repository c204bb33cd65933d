/**
 * Test helpers: an independent builder of /proc/vmcore-shaped bytes (straight from the kernel's
 * arithmetic, sharing no code with src/vmcoredd) and a readelf runner.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PAGE = 4096;
const up = (n: number, a: number) => Math.ceil(n / a) * a;

export interface RawNote {
  name: string;
  type: number;
  desc: Buffer;
}

export function rawNote(n: RawNote): Buffer {
  const nm = Buffer.from(n.name + '\0', 'latin1');
  const b = Buffer.alloc(12 + up(nm.length, 4) + up(n.desc.length, 4));
  b.writeUInt32LE(nm.length, 0);
  b.writeUInt32LE(n.desc.length, 4);
  b.writeUInt32LE(n.type, 8);
  nm.copy(b, 12);
  n.desc.copy(b, 12 + up(nm.length, 4));
  return b;
}

/** One device dump note exactly as vmcore_add_device_dump() builds its buffer. */
export function rawDeviceNote(name: string, payload: Buffer): Buffer {
  const dataSize = up(64 + payload.length, PAGE);
  const b = Buffer.alloc(dataSize);
  b.writeUInt32LE(8, 0);
  b.writeUInt32LE(dataSize - 64 + 44, 4);
  b.writeUInt32LE(0x700, 8);
  b.write('LINUX', 12, 'latin1');
  Buffer.from(name, 'utf8').copy(b, 20, 0, 44);
  payload.copy(b, 64);
  return b;
}

/** ELF64 LE ET_CORE with a single PT_NOTE holding `noteBytes` and nothing else. */
export function rawVmcore(deviceNotes: Buffer[], origNotes: Buffer[], machine = 62): Buffer {
  const dd = Buffer.concat(deviceNotes);
  const orig = Buffer.concat(origNotes);
  const head = Buffer.alloc(PAGE);
  head.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  head.writeUInt16LE(4, 16);
  head.writeUInt16LE(machine, 18);
  head.writeUInt32LE(1, 20);
  head.writeBigUInt64LE(64n, 32);
  head.writeUInt16LE(64, 52);
  head.writeUInt16LE(56, 54);
  head.writeUInt16LE(1, 56);
  head.writeUInt32LE(4, 64); // PT_NOTE
  head.writeBigUInt64LE(BigInt(PAGE), 64 + 8);
  head.writeBigUInt64LE(BigInt(dd.length + orig.length), 64 + 32);
  head.writeBigUInt64LE(BigInt(dd.length + orig.length), 64 + 40);
  return Buffer.concat([head, dd, orig, Buffer.alloc(up(orig.length, PAGE) - orig.length)]);
}

/** Fails loudly (never skips) when binutils is missing: CI installs it. */
export function readelf(args: string[], file: string): string {
  const probe = spawnSync('readelf', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error('readelf (binutils) is required for the vmcoredd interop tests: apt-get install -y binutils');
  }
  return execFileSync('readelf', [...args, file], { encoding: 'utf8', maxBuffer: 256 << 20 });
}

export function withTmpDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'vmcoredd-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** Deterministic pseudo-random bytes (xorshift32) so failures reproduce. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

export function pattern(len: number, seed: number): Buffer {
  const r = prng(seed);
  const b = Buffer.alloc(len);
  for (let i = 0; i < len; i++) b[i] = r() & 0xff;
  return b;
}
