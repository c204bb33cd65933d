/**
 * MTMG (0x910d) and MTMR (0x910e), the firmware's module temperature-change monitor, which
 * `mstlink -m` reads: MTMG says whether firmware samples the modules' temperature every `mit`
 * seconds and counts changes past four thresholds, MTMR holds the largest change and the counts.
 * The monitor is off, its power-on default ("By default, FW is not running"): enabling it is a
 * configuration write that belongs to the driver, not a tools UID, so MTMR has nothing counted.
 */
import { layout } from '../../../uapi/ifc';
import { badRegParam } from './access';
import type { RegisterContext, RegisterDef } from './register';
import { RegSyndrome } from './syndromes';

const mtmg = layout('mtmg');
const mtmr = layout('mtmr');
/** The port's single cage. */
const MODULES = 1;

function readMtmg({ reply }: RegisterContext): void {
  reply.fill(0);
  mtmg.uint('e').set(reply, 0);
}

/** MTMR of module `module`: no samples while MTMG.e is 0, so no change and no crossings (clearing them is moot). */
function readMtmr({ data, reply }: RegisterContext): void {
  const module = mtmr.uint('module').get(data);
  if (module >= MODULES) throw badRegParam(RegSyndrome.BAD_FIELD_VALUE, `MTMR module ${module}: the device has module 0 only`);
  reply.fill(0);
  mtmr.uint('module').set(reply, module);
  mtmr.uint('op').set(reply, mtmr.uint('op').get(data));
}

export const moduleMonitorRegisters: readonly RegisterDef[] = [
  { id: 0x910d, name: 'MTMG', size: 0x10, read: readMtmg },
  { id: 0x910e, name: 'MTMR', size: 0xc, read: readMtmr },
];
