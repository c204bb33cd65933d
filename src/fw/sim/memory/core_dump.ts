/**
 * The CORE_DUMP access register (0x402E) with core_dump_type CR_DUMP_TO_MEM (2): the firmware
 * writes its cr-space core dump straight into the caller's memory through an mkey, in one
 * command — the reason UMEM exists ("a ConnectX device coredump can be as large as 2MB").
 *
 * core_dump_reg (64 B): more_dump@0, core_dump_type@0x18/8, vhca_id@0x50/16, qpn@0x68/24,
 * mkey@0x80/32, size@0xa0/32, address@0xc0/64, cookie@0x100/64.
 * On return: size = bytes written, cookie identifies the dump, more_dump = bytes remain (a
 * request carrying that cookie continues where the last one stopped).
 */
import { FwStatus } from '../../status';
import { get64, getBits, set64, setBits } from '../../../uapi/ifc/bits';
import { crspaceOf } from '../crspace';
import { FwError } from '../errors';
import type { RegisterDef } from '../registers/register';
import { SimState } from '../state';
import { dmaWrite } from './dma';

export const CORE_DUMP_REGISTER_ID = 0x402e;
export const CORE_DUMP_REG_SIZE = 64;
const CR_DUMP_TO_MEM = 2;

/** About 2 MB, as a ConnectX-7's cr-space dump is: a 64-byte header, then cr-space dwords. */
export const CORE_DUMP_BYTES = 64 + 0x1e0000;

export const CoreDumpSyndrome = {
  BAD_TYPE: 0x6a1e0010,
  BAD_SIZE: 0x6a1e0012,
  BAD_COOKIE: 0x6a1e0013,
} as const;

interface DumpProgress {
  cookie: bigint;
  image: Buffer;
  sent: number;
}

const progress = new WeakMap<SimState, Map<number, DumpProgress>>();
let cookieCounter = 0x500c00;

/** Where the 64-byte header says (20 ASCII bytes, NUL-padded) that the dump comes from a simulated device. */
export const CORE_DUMP_SIM_TAG_AT = 40;
export const CORE_DUMP_SIM_TAG = 'SIMULATED ConnectX-7';

/**
 * A finished dump's image, kept for the next one (per device): the image is written in full each
 * time, so reusing it saves a fresh 2 MB allocation (and its page faults and GC) per dump.
 */
const spareImages = new WeakMap<SimState, Buffer>();

/**
 * The dump image: header {magic, version, hw_dev_id, fw version, uptime ms, size, simulated-device
 * tag} + cr-space as big-endian dwords, as the device stores them.
 */
function captureImage(state: SimState): Buffer {
  const image = spareImages.get(state) ?? Buffer.allocUnsafe(CORE_DUMP_BYTES);
  spareImages.delete(state);
  image.fill(0, 0, 64);
  image.write('MLX5CRDP', 0, 'latin1');
  image.writeUInt32BE(1, 8);
  image.writeUInt32BE(state.identity.hwDevId, 12);
  const v = state.identity.fwVersion;
  image.writeUInt32BE(((v.major & 0xff) << 24) | ((v.minor & 0xff) << 16) | (v.subminor & 0xffff), 16);
  image.writeBigUInt64BE(BigInt(Math.floor(state.clock.nowMs() - state.bootMs)), 24);
  image.writeUInt32BE(CORE_DUMP_BYTES, 32);
  image.write(CORE_DUMP_SIM_TAG, CORE_DUMP_SIM_TAG_AT, 'latin1');
  crspaceOf(state).copyBigEndian(0, (CORE_DUMP_BYTES - 64) / 4, image, 64);
  return image;
}

export const coreDumpRegister: RegisterDef = {
  id: CORE_DUMP_REGISTER_ID,
  name: 'CORE_DUMP',
  size: CORE_DUMP_REG_SIZE,
  opModAgnostic: true,
  read({ state, data, reply, uid }) {
    const type = getBits(data, 0x18, 8);
    if (type !== CR_DUMP_TO_MEM) throw new FwError(FwStatus.BAD_PARAM, CoreDumpSyndrome.BAD_TYPE, `core_dump_type ${type} not supported`);
    const mkey = getBits(data, 0x80, 32);
    const size = getBits(data, 0xa0, 32);
    const address = get64(data, 0xc0);
    const cookie = get64(data, 0x100);
    if (size === 0) throw new FwError(FwStatus.BAD_PARAM, CoreDumpSyndrome.BAD_SIZE, 'size 0');
    let byUid = progress.get(state);
    if (!byUid) {
      const jobs = new Map<number, DumpProgress>();
      // An abandoned dump holds ~2 MB: it goes with its user context.
      state.onUidReleased((released) => jobs.delete(released));
      progress.set(state, (byUid = jobs));
    }
    let job = byUid.get(uid);
    if (cookie !== 0n) {
      if (!job || job.cookie !== cookie) throw new FwError(FwStatus.BAD_PARAM, CoreDumpSyndrome.BAD_COOKIE, `no dump in progress with cookie 0x${cookie.toString(16)}`);
    } else {
      job = { cookie: BigInt(cookieCounter++), image: captureImage(state), sent: 0 };
      byUid.set(uid, job);
    }
    const n = Math.min(size, job.image.length - job.sent);
    dmaWrite(state, uid, mkey, address, job.image.subarray(job.sent, job.sent + n));
    job.sent += n;
    const more = job.sent < job.image.length;
    if (!more) {
      byUid.delete(uid);
      // dmaWrite copied it out: the image can hold the next dump.
      spareImages.set(state, job.image);
    }
    setBits(reply, 0x00, 1, more ? 1 : 0);
    setBits(reply, 0x18, 8, type);
    setBits(reply, 0xa0, 32, n);
    set64(reply, 0xc0, address);
    set64(reply, 0x100, job.cookie);
  },
};
