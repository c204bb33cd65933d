/**
 * MLX5CTLD_CRSPACE: cr-space reads for mstregdump-style dumps and crash-time collection. The
 * broker is the privileged reader (the VSC gateway under lockdown is out of reach of tools, see
 * reference/mstflint-vmcoredd.md §1); clients only ever see the values.
 *
 * Request JSON, one of:
 *   {addr, dwords}              one range: addr 4-aligned, dwords 1..MAX_CRSPACE_DWORDS
 *   {ranges: [{addr, dwords}]}  a gather of up to MAX_CRSPACE_RANGES ranges, MAX_CRSPACE_DWORDS in
 *                               total: the CSV rows of a register dump are short (median 12
 *                               dwords) and never adjacent, so one request per row would cost
 *                               15k round trips and 15k audit lines for a ConnectX-7; reading the
 *                               gaps instead would touch addresses mstflint deliberately skips.
 * Every range must lie inside the device's cr-space (EINVAL otherwise).
 *
 * Reply JSON `{addr, dwords, size}` (single) or `{ranges, dwords, size}` (gather; `ranges` is the
 * count), `size` being the cr-space size in bytes, then the dwords in request order as
 * little-endian u32 host values: the value mread4_block returns for each address, 4 bytes each.
 *
 * Scope: DEBUG_READ_ONLY (EPERM below it); EOPNOTSUPP when the backend has no cr-space path.
 * One audit line per request, refused ones included: session, pid, uid, addr (first range), dwords
 * (total), ranges, result, us.
 */
import Ajv from 'ajv';
import { performance } from 'perf_hooks';
import { missingFeature } from '../../fw/device';
import { Errno, ErrnoError, errnoName } from '../../uapi/errno';
import { Scope } from '../../uapi/fwctl';
import { decodeControl, encodeControlReply } from '../../uapi/message';
import type { Reply, Request } from '../types';

/** Dwords per request (256 KiB of data): far below the frame limit, a few ms of device time. */
export const MAX_CRSPACE_DWORDS = 65536;
export const MAX_CRSPACE_RANGES = 4096;

export interface CrspaceRange {
  addr: number;
  dwords: number;
}

export type CrspaceRequest = CrspaceRange | { ranges: CrspaceRange[] };

const rangeSchema = {
  type: 'object',
  properties: {
    addr: { type: 'integer', minimum: 0, maximum: 0xfffffffc, multipleOf: 4 },
    dwords: { type: 'integer', minimum: 1, maximum: MAX_CRSPACE_DWORDS },
  },
  required: ['addr', 'dwords'],
  additionalProperties: false,
};

const crspaceSchema = {
  oneOf: [
    rangeSchema,
    {
      type: 'object',
      properties: { ranges: { type: 'array', minItems: 1, maxItems: MAX_CRSPACE_RANGES, items: rangeSchema } },
      required: ['ranges'],
      additionalProperties: false,
    },
  ],
};

const validateCrspace = new Ajv({ allErrors: false }).compile<CrspaceRequest>(crspaceSchema);

function rangesOf(req: CrspaceRequest): CrspaceRange[] {
  return 'ranges' in req ? req.ranges : [req];
}

export async function crspaceHandler(req: Request): Promise<Reply> {
  const started = performance.now();
  const { json } = decodeControl(req.arg, req.payload);
  let ranges: CrspaceRange[] = [];
  const audit = (result: string, addr?: unknown, dwords?: unknown): void =>
    req.broker.logger.log(result === 'ok' ? 'info' : 'warn', 'crspace', {
      session: req.session.id,
      device: req.session.device.ctlName,
      pid: req.session.peer.pid,
      uid: req.session.peer.uid,
      addr: typeof addr === 'number' ? `0x${addr.toString(16)}` : undefined,
      dwords: typeof dwords === 'number' ? dwords : undefined,
      ranges: ranges.length,
      result,
      us: Math.round((performance.now() - started) * 1000),
    });
  if (!validateCrspace(json)) {
    // Refused requests are audited too, with whatever numbers they carried.
    const raw = typeof json === 'object' && json !== null ? json : {};
    audit(errnoName(Errno.EINVAL), Reflect.get(raw, 'addr'), Reflect.get(raw, 'dwords'));
    const first = validateCrspace.errors?.[0];
    throw new ErrnoError(Errno.EINVAL, `bad crspace request: ${first?.instancePath ?? ''} ${first?.message ?? 'invalid'}`);
  }
  ranges = rangesOf(json);
  const total = ranges.reduce((n, r) => n + r.dwords, 0);
  const fail = (errno: number, message: string): never => {
    audit(errnoName(errno), ranges[0]!.addr, total);
    throw new ErrnoError(errno, message);
  };

  if (req.session.maxScope < Scope.DEBUG_READ_ONLY) fail(Errno.EPERM, 'cr-space reads need scope DEBUG_READ_ONLY');
  const backend = req.session.device.backend;
  const crspace = backend.features.crspace;
  if (!crspace) return fail(Errno.EOPNOTSUPP, missingFeature(backend, 'crspace').message);
  const size = crspace.size;
  if (total > MAX_CRSPACE_DWORDS) fail(Errno.EINVAL, `${total} dwords in one request, max ${MAX_CRSPACE_DWORDS}`);
  for (const r of ranges) {
    if (r.addr + 4 * r.dwords > size) fail(Errno.EINVAL, `range 0x${r.addr.toString(16)}+${r.dwords} dwords is outside the ${size}-byte cr-space`);
  }

  const data = Buffer.alloc(4 * total);
  let at = 0;
  try {
    for (const r of ranges) {
      const words = await crspace.read(r.addr, r.dwords);
      if (words.length !== r.dwords) throw new ErrnoError(Errno.EIO, `device returned ${words.length} of ${r.dwords} dwords`);
      for (let i = 0; i < words.length; i++, at += 4) data.writeUInt32LE(words[i]! >>> 0, at);
    }
  } catch (err) {
    if (err instanceof ErrnoError) fail(err.errno, err.message);
    throw err;
  }
  const reply = 'ranges' in json ? { ranges: ranges.length, dwords: total, size } : { addr: json.addr, dwords: json.dwords, size };
  audit('ok', ranges[0]!.addr, total);
  const body = encodeControlReply(reply, data);
  return { parts: [body.subarray(0, 8), body.subarray(8)] };
}
