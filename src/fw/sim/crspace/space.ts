/**
 * A sparse, deterministic model of the ConnectX-7 cr-space (see map.ts for the addresses it
 * gives meaning to). Reads are computed, not stored: background dwords come from a hash of
 * (address, seed), a few live words from the device clock, and explicit writes (fault injection,
 * scratchpad configuration) from a small override map.
 */
import * as os from 'os';
import { Errno, ErrnoError } from '../../../uapi/errno';
import type { SimState } from '../state';
import { portOf } from '../registers/port_state';
import { backgroundDword, mix32 } from './hash';
import { encodeHealthBuffer, encodeHealthFwVer, HealthFault, HealthFaultOptions, HealthSeverity } from './health';
import {
  CRSPACE_SIZE, DEVICE_CYCLES_PER_MS, DEVID_ADDR, HEALTH_BUFFER_ADDR, HEALTH_BUFFER_SIZE, HEALTH_COUNTER_ADDR,
  INTERNAL_TIMER_H_ADDR, INTERNAL_TIMER_L_ADDR, PORT_OCTETS_ADDR, PORT_PACKETS_ADDR, SCRATCHPAD_ADDR, TLV_SIGNATURE,
} from './map';

/** One block the scratchpad TLV chain should announce to mstregdump. */
export interface ScratchpadBlock {
  address: number;
  /** Length in dwords (20 bits). */
  dwords: number;
  writable?: boolean;
}

const MAX_TLV_DWORDS = 0xfffff;

/** Background words are cached in chunks of this many dwords (4 KB, a page), filled on first read. */
const CHUNK_DWORDS = 1024;

export class CrSpace {
  readonly size = CRSPACE_SIZE;
  private readonly overrides = new Map<number, number>();
  private fault: HealthFault | null = null;
  /** Uptime (ms) at which the health counter froze, or null while it runs. */
  private counterStalledAtMs: number | null = null;
  /**
   * The hash background never changes for a given seed, so each chunk is computed once: a 2 MB
   * core dump or a 230k-dword register dump then costs a copy, not half a million hashes.
   */
  private readonly background = new Map<number, Uint32Array>();
  /** The background of the last range copyBigEndian was asked for, big-endian (one range: the core dump's). */
  private bigEndianBackground: { addr: number; count: number; bytes: Buffer } | null = null;

  constructor(private readonly state: SimState, private readonly seed: number) {}

  private uptimeMs(): number {
    return Math.max(0, this.state.clock.nowMs() - this.state.bootMs);
  }

  /** `count` dwords from byte address `addr` (4-aligned), as host-order values. */
  readDwords(addr: number, count: number): Uint32Array {
    this.check(addr, count * 4);
    if (addr % 4 !== 0) throw new ErrnoError(Errno.EINVAL, `cr-space address 0x${addr.toString(16)} is not dword aligned`);
    const out = new Uint32Array(count);
    this.copyBackground(addr >>> 2, out);
    const end = addr + 4 * count;
    this.liveWords(addr, end, (a, v) => {
      if (a >= addr && a < end) out[(a - addr) >>> 2] = v >>> 0;
    });
    return out;
  }

  /**
   * The same dwords as readDwords(addr, count), written big-endian (as the device stores them)
   * into `target` from byte `at`. The background of the range is kept big-endian after the first
   * call, so a repeated read of a large range (the 2 MB core dump) is one copy plus the few
   * modelled words, not an allocation, a copy and a byte swap of the whole range.
   */
  copyBigEndian(addr: number, count: number, target: Buffer, at: number): void {
    this.check(addr, count * 4);
    if (addr % 4 !== 0) throw new ErrnoError(Errno.EINVAL, `cr-space address 0x${addr.toString(16)} is not dword aligned`);
    if (at < 0 || at + count * 4 > target.length) throw new RangeError(`${count} dwords do not fit at ${at} of a ${target.length}-byte buffer`);
    let bg = this.bigEndianBackground;
    if (!bg || bg.addr !== addr || bg.count !== count) {
      const words = new Uint32Array(count);
      this.copyBackground(addr >>> 2, words);
      const bytes = Buffer.from(words.buffer, words.byteOffset, words.byteLength);
      if (os.endianness() === 'LE') bytes.swap32();
      this.bigEndianBackground = bg = { addr, count, bytes };
    }
    bg.bytes.copy(target, at);
    const end = addr + 4 * count;
    this.liveWords(addr, end, (a, v) => {
      if (a >= addr && a < end) target.writeUInt32BE(v >>> 0, at + a - addr);
    });
  }

  /** The words of [addr, end) that are not background: device state, clock, traffic, health, overrides (last, so they win). */
  private liveWords(addr: number, end: number, put: (a: number, v: number) => void): void {
    this.fixedWords(put);
    if (addr < HEALTH_COUNTER_ADDR + 4 && end > INTERNAL_TIMER_H_ADDR) this.clockWords(put);
    if (addr < PORT_OCTETS_ADDR + 4 && end > PORT_PACKETS_ADDR) this.trafficWords(put);
    if (addr < HEALTH_BUFFER_ADDR + HEALTH_BUFFER_SIZE && end > HEALTH_BUFFER_ADDR) {
      const hb = this.healthBuffer();
      for (let o = 0; o < HEALTH_BUFFER_SIZE; o += 4) put(HEALTH_BUFFER_ADDR + o, hb.readUInt32BE(o));
    }
    // Explicit writes win over everything modelled.
    if (this.overrides.size > 0) for (const [a, v] of this.overrides) put(a, v);
  }

  private chunk(index: number): Uint32Array {
    let words = this.background.get(index);
    if (!words) {
      words = new Uint32Array(CHUNK_DWORDS);
      const base = index * CHUNK_DWORDS * 4;
      for (let i = 0; i < CHUNK_DWORDS; i++) words[i] = backgroundDword(base + 4 * i, this.seed);
      this.background.set(index, words);
    }
    return words;
  }

  /** Fills `out` with background words starting at dword index `first`. */
  private copyBackground(first: number, out: Uint32Array): void {
    let done = 0;
    while (done < out.length) {
      const dword = first + done;
      const index = Math.floor(dword / CHUNK_DWORDS);
      const from = dword - index * CHUNK_DWORDS;
      const n = Math.min(out.length - done, CHUNK_DWORDS - from);
      out.set(this.chunk(index).subarray(from, from + n), done);
      done += n;
    }
  }

  /** `len` bytes from `addr`, each dword stored little-endian (host order), as a crdump buffer holds them. */
  read(addr: number, len: number): Buffer {
    this.check(addr, len);
    const first = addr & ~3;
    const words = this.readDwords(first, ((addr + len + 3) & ~3) - first >>> 2);
    const buf = Buffer.from(words.buffer, words.byteOffset, words.byteLength);
    // Uint32Array is platform-endian; normalise so the result is the same on any host.
    if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) buf.swap32();
    return Buffer.from(buf.subarray(addr - first, addr - first + len));
  }

  /** Overrides one dword (fault injection, tests); it reads back until `clearOverride`. */
  writeDword(addr: number, value: number): void {
    this.check(addr, 4);
    if (addr % 4 !== 0) throw new ErrnoError(Errno.EINVAL, `cr-space address 0x${addr.toString(16)} is not dword aligned`);
    this.overrides.set(addr, value >>> 0);
  }

  clearOverride(addr: number): void {
    this.overrides.delete(addr);
  }

  /**
   * Makes the scratchpad at 0x18 announce `blocks` as an SP2 TLV chain: the TLV for block i sits
   * at 0x18 (i = 0) or at the start of block i−1, and the chain ends with a TLV whose address is
   * 0xffffffff at the start of the last block. An empty list restores "no TLVs".
   */
  configureScratchpad(blocks: readonly ScratchpadBlock[]): void {
    for (const a of [SCRATCHPAD_ADDR, ...blocks.map((b) => b.address)]) for (let i = 0; i < 3; i++) this.overrides.delete(a + 4 * i);
    if (blocks.length === 0) return;
    let at = SCRATCHPAD_ADDR;
    for (const b of blocks) {
      if (b.dwords < 3 || b.dwords > MAX_TLV_DWORDS) throw new RangeError(`scratchpad block of ${b.dwords} dwords`);
      this.check(b.address, b.dwords * 4);
      this.writeTlv(at, ((b.writable ? 1 << 20 : 0) | b.dwords) >>> 0, b.address);
      at = b.address;
    }
    this.writeTlv(at, 0, 0xffffffff);
  }

  private writeTlv(at: number, info: number, address: number): void {
    this.writeDword(at, TLV_SIGNATURE);
    this.writeDword(at + 4, info);
    this.writeDword(at + 8, address);
  }

  /** Raises a firmware error in the health buffer, as the poller of mlx5 health.c would see it. */
  setHealthSyndrome(synd: number, extSynd = 0, opts: HealthFaultOptions = {}): void {
    if (synd === 0) {
      this.fault = null;
      return;
    }
    const h = mix32(this.seed ^ Math.imul(synd, 0x9e3779b1) ^ extSynd);
    this.fault = {
      synd: synd & 0xff,
      extSynd: extSynd & 0xffff,
      severity: opts.severity ?? HealthSeverity.CRIT,
      rfr: opts.rfr ?? false,
      irisc: opts.irisc ?? (h & 0x7),
      timeSec: Math.floor(this.uptimeMs() / 1000),
      assertVar: [0, 1, 2, 3, 4, 5].map((i) => mix32(h + i)),
      assertExitPtr: (0x00400000 | (h & 0x3fffc)) >>> 0,
      assertCallra: (0x00400000 | (mix32(h) & 0x3fffc)) >>> 0,
    };
  }

  clearHealth(): void {
    this.fault = null;
  }

  get healthSyndrome(): number {
    return this.fault?.synd ?? 0;
  }

  /** Freezes (true) or restarts (false) the health counter: a stuck firmware stops bumping it. */
  setHealthCounterStalled(stalled: boolean): void {
    if (stalled && this.counterStalledAtMs === null) this.counterStalledAtMs = this.uptimeMs();
    if (!stalled) this.counterStalledAtMs = null;
  }

  /** The 64-byte health buffer, big-endian as the init segment shows it. */
  healthBuffer(): Buffer {
    const id = this.state.identity;
    return encodeHealthBuffer(encodeHealthFwVer(id.fwVersion), id.hwDevId, this.fault);
  }

  private fixedWords(put: (a: number, v: number) => void): void {
    const id = this.state.identity;
    put(DEVID_ADDR, ((id.hwRevision & 0xff) << 16) | (id.hwDevId & 0xffff));
    // No "T0ol" signature: mstregdump appends no scratchpad blocks unless configureScratchpad() ran.
    for (let i = 0; i < 3; i++) put(SCRATCHPAD_ADDR + 4 * i, 0);
  }

  private clockWords(put: (a: number, v: number) => void): void {
    const up = this.uptimeMs();
    const cycles = BigInt(Math.floor(up * DEVICE_CYCLES_PER_MS));
    put(INTERNAL_TIMER_H_ADDR, Number((cycles >> 32n) & 0xffffffffn));
    put(INTERNAL_TIMER_L_ADDR, Number(cycles & 0xffffffffn));
    put(HEALTH_COUNTER_ADDR, Math.floor(this.counterStalledAtMs ?? up) % 0x100000000);
  }

  private trafficWords(put: (a: number, v: number) => void): void {
    const t = portOf(this.state).traffic();
    put(PORT_PACKETS_ADDR, (t.rxFrames + t.txFrames) % 0x100000000);
    put(PORT_OCTETS_ADDR, (t.rxOctets + t.txOctets) % 0x100000000);
  }

  private check(addr: number, len: number): void {
    if (!Number.isInteger(addr) || !Number.isInteger(len) || addr < 0 || len < 0 || addr + len > this.size) {
      throw new ErrnoError(Errno.EFAULT, `cr-space range 0x${addr.toString(16)}+${len} outside 0..0x${this.size.toString(16)}`);
    }
  }
}
