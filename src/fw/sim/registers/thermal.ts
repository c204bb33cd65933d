/**
 * MTCAP (0x9009) and MTMP (0x900a): the ASIC temperature sensor (index 0) and the cage's module
 * sensor (index 64, module 0). Temperatures are smooth functions of device time — a slow ten-minute
 * swing, a faster 47 s ripple and a little load-dependent warmth — in the register's signed
 * 0.125 °C units, so successive reads drift like a real sensor and never jump.
 */
import { layout } from '../../../uapi/ifc';
import { setBits } from '../../../uapi/ifc/bits';
import type { SimState } from '../state';
import { badRegParam } from './access';
import { portOf, PortStatus } from './port_state';
import type { RegisterContext, RegisterDef } from './register';
import { RegSyndrome } from './syndromes';

export const ASIC_SENSOR = 0;
export const MODULE_SENSOR = 64;

interface SensorModel {
  name: string;
  baseC: number;
  slowAmpC: number;
  rippleAmpC: number;
  phase: number;
  hiC: number;
  loC: number;
}

const SENSORS = new Map<number, SensorModel>([
  [ASIC_SENSOR, { name: 'ASIC', baseC: 55, slowAmpC: 2.5, rippleAmpC: 0.6, phase: 0.4, hiC: 105, loC: 100 }],
  [MODULE_SENSOR, { name: 'MODULE0', baseC: 42, slowAmpC: 1.2, rippleAmpC: 0.3, phase: 2.1, hiC: 75, loC: 70 }],
]);

/** Temperature of `sensor` at `uptimeMs`, in 0.125 °C units (rounded like an ADC). */
export function temperatureAt(sensor: number, uptimeMs: number, linkActive = true): number {
  const m = SENSORS.get(sensor);
  if (m === undefined) return 0;
  const s = uptimeMs / 1000;
  const load = linkActive ? 1.0 : 0;
  const c = m.baseC + load + m.slowAmpC * Math.sin((2 * Math.PI * s) / 600 + m.phase) + m.rippleAmpC * Math.sin((2 * Math.PI * s) / 47 + 2 * m.phase);
  return Math.round(c * 8);
}

/** Max-temperature tracking per sensor: the highest reading since the last reset (mtr). */
class MaxTracker {
  private readonly max = new Map<number, number>();
  private readonly sampledToMs = new Map<number, number>();

  constructor(private readonly state: SimState) {}

  private now(): number {
    return Math.max(0, this.state.clock.nowMs() - this.state.bootMs);
  }

  /** Samples once a second up to now; a window over an hour is capped (the curve repeats every 10 min). */
  get(sensor: number): number {
    const now = this.now();
    const from = this.sampledToMs.get(sensor) ?? 0;
    const start = Math.max(from, now - 3_600_000);
    const active = portOf(this.state).operStatus === PortStatus.UP;
    let max = this.max.get(sensor) ?? temperatureAt(sensor, start, active);
    for (let t = start; t < now; t += 1000) max = Math.max(max, temperatureAt(sensor, t, active));
    max = Math.max(max, temperatureAt(sensor, now, active));
    this.max.set(sensor, max);
    this.sampledToMs.set(sensor, now);
    return max;
  }

  reset(sensor: number): void {
    this.max.delete(sensor);
    this.sampledToMs.set(sensor, this.now());
  }
}

const trackers = new WeakMap<SimState, MaxTracker>();
function trackerOf(state: SimState): MaxTracker {
  let t = trackers.get(state);
  if (t === undefined) {
    t = new MaxTracker(state);
    trackers.set(state, t);
  }
  return t;
}

const mtmp = layout('mtmp');
const f = {
  sensorIndex: mtmp.uint('sensor_index'),
  temperature: mtmp.uint('temperature'),
  max: mtmp.uint('max_temperature'),
  mte: mtmp.uint('mte'),
  mtr: mtmp.uint('mtr'),
  tee: mtmp.uint('tee'),
  hi: mtmp.uint('temperature_threshold_hi'),
  lo: mtmp.uint('temperature_threshold_lo'),
  name: mtmp.string('sensor_name'),
};

function sensorOf(data: Buffer): SensorModel {
  const index = f.sensorIndex.get(data);
  const m = SENSORS.get(index);
  if (m === undefined) throw badRegParam(RegSyndrome.BAD_SENSOR, `MTMP sensor ${index} does not exist`);
  return m;
}

const u16 = (v: number): number => v & 0xffff;

function readMtmp({ state, data, reply }: RegisterContext): void {
  const m = sensorOf(data);
  const index = f.sensorIndex.get(data);
  const now = Math.max(0, state.clock.nowMs() - state.bootMs);
  reply.fill(0);
  f.sensorIndex.set(reply, index);
  f.temperature.set(reply, u16(temperatureAt(index, now, portOf(state).operStatus === PortStatus.UP)));
  f.max.set(reply, u16(trackerOf(state).get(index)));
  f.mte.set(reply, 1);
  f.hi.set(reply, m.hiC * 8);
  f.lo.set(reply, m.loC * 8);
  f.name.set(reply, m.name);
}

/** Writes: mtr=1 resets the max-temperature record (as mlx5 hwmon's reset_history does). */
function writeMtmp({ state, data, reply }: RegisterContext): void {
  sensorOf(data);
  if (f.mtr.get(data) === 1) trackerOf(state).reset(f.sensorIndex.get(data));
  data.copy(reply);
}

/* MTCAP (16 B, mlx5_ifc mtcap): sensor_count@0x19/7, internal_sensor_count@0x39/7, sensor_map@0x40/64. */
function readMtcap({ reply }: RegisterContext): void {
  reply.fill(0);
  setBits(reply, 0x19, 7, 1);
  setBits(reply, 0x39, 7, 1);
  setBits(reply, 0x60, 32, 1 << ASIC_SENSOR);
}

export const thermalRegisters: readonly RegisterDef[] = [
  { id: 0x9009, name: 'MTCAP', size: 0x10, read: readMtcap },
  { id: 0x900a, name: 'MTMP', size: 0x20, read: readMtmp, write: writeMtmp },
];
