/**
 * The RS-FEC error histogram `mstlink -c` shows: PPHCR (0x503e) says how the histogram is binned
 * (bin i counts the codewords with i symbol errors, 0..15 for RS(544,514) "KP4", 0..7 for
 * RS(528,514) "KR4", which correct up to 15 and 7 symbols), and PPCNT group 0x23 counts the
 * codewords per bin. The counts are the codewords group 0x12 reports: error-free blocks in bin 0,
 * single-error blocks in bin 1 and the other corrected blocks in bins 2 and 3, split so that the
 * symbols they hold add up to group 0x12's corrected symbols. A healthy link never fills the
 * uncorrectable bins. The binning is fixed (we = 0): firmware chooses it from the active FEC.
 */
import { layout } from '../../../uapi/ifc';
import { badRegParam } from './access';
import { operMode } from './link_modes';
import { fecOf } from './pddr';
import { checkLocalPort } from './port';
import { portOf, PortStatus } from './port_state';
import type { RegisterContext, RegisterDef } from './register';
import { RegSyndrome } from './syndromes';

/** active_hist_type: 0 invalid (link down or no RS-FEC), 1 KP4 RS(544,514), 3 KR4 RS(528,514). */
export const HistType = { INVALID: 0, KP4: 1, KR4: 3 } as const;
/** fec_mode_active values (pddr.ts) of the two RS codes. */
const FEC_RS_544 = 7;
const FEC_RS_528 = 2;
/** Symbols each code corrects, one bin per count from 0. */
const MAX_CORRECTABLE: Readonly<Record<number, number>> = { [HistType.KP4]: 15, [HistType.KR4]: 7 };

/** The histogram type of the active link (PTYS's mode and the FEC it runs). */
export function activeHistType(state: RegisterContext['state']): number {
  const port = portOf(state);
  if (port.operStatus !== PortStatus.UP) return HistType.INVALID;
  const fec = fecOf(operMode(port.extEthProtoAdmin).mode);
  return fec === FEC_RS_544 ? HistType.KP4 : fec === FEC_RS_528 ? HistType.KR4 : HistType.INVALID;
}

/** Bins in use for a histogram type: 0..max correctable symbol errors. */
export function histogramBins(type: number): number {
  const max = MAX_CORRECTABLE[type];
  return max === undefined ? 0 : max + 1;
}

/**
 * Codewords per symbol-error count from group 0x12's blocks: bin 0 the error-free ones, bin 1 the
 * single-error ones, bins 2 and 3 the rest, holding the remaining corrected symbols. When the
 * counts are too few to split exactly (a handful of blocks), bin 3 stays empty.
 */
export function fecHistogram(noErrors: bigint, corrected: bigint, single: bigint, symbols: bigint): bigint[] {
  const rest = corrected > single ? corrected - single : 0n;
  const restSymbols = symbols > single ? symbols - single : 0n;
  let three = restSymbols - 2n * rest;
  if (three < 0n) three = 0n;
  if (three > rest) three = rest;
  return [noErrors, single, rest - three, three];
}

const pphcr = layout('pphcr');

function readPphcr({ state, data, reply }: RegisterContext): void {
  checkLocalPort(data, 'PPHCR');
  const portType = pphcr.uint('port_type').get(data);
  if (portType !== 0) throw badRegParam(RegSyndrome.BAD_FIELD_VALUE, `PPHCR port_type ${portType}: the device has only the network port (0)`);
  const requested = pphcr.uint('hist_type').get(data);
  const active = activeHistType(state);
  // hist_type 0 means "according to the active link"; another type reads that type's binning.
  const type = requested === 0 ? active : requested;
  if (requested !== 0 && MAX_CORRECTABLE[requested] === undefined) throw badRegParam(RegSyndrome.BAD_FIELD_VALUE, `PPHCR hist_type ${requested} not supported`);
  const bins = histogramBins(type);
  reply.fill(0);
  for (const name of ['local_port', 'lp_msb', 'pnat', 'port_type', 'plane_ind', 'hist_type']) pphcr.uint(name).set(reply, pphcr.uint(name).get(data));
  pphcr.uint('active_hist_type').set(reply, active);
  pphcr.uint('we').set(reply, 0);
  pphcr.uint('num_of_bins').set(reply, bins);
  pphcr.uint('hist_min_measurement').set(reply, 0);
  pphcr.uint('hist_max_measurement').set(reply, bins > 0 ? bins - 1 : 0);
  for (let i = 0; i < bins; i++) {
    pphcr.uint(`bin_range[${i}].low_val`).set(reply, i);
    pphcr.uint(`bin_range[${i}].high_val`).set(reply, i);
  }
}

export const pphcrRegister: RegisterDef = { id: 0x503e, name: 'PPHCR', size: 0x5c, read: readPphcr };
