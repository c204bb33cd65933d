/**
 * The observer side: counts what the broker reports as it happens (RPCs by opcode and result,
 * refusals by errno, RPC latency). An RPC pays a map lookup and two adds plus one histogram
 * observation; the counters are turned into samples only when Prometheus scrapes. (prom-client's
 * own inc() validates and hashes the label set on every call, which cost more than the rest of
 * the observer together.)
 */
import { Counter, Histogram } from 'prom-client';
import type { ControlDeviceView } from '../broker/types';
import type { Registries } from './exporter';
import { boundedName, DEVICE_LABELS, deviceLabels } from './labels';
import type { MetricsObserver, RpcResult } from './observer';

/** 25 µs .. 2.5 s: simulator RPCs take tens of µs, firmware ones up to seconds. */
export const RPC_LATENCY_BUCKETS = [25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3, 100e-3, 250e-3, 1, 2.5];

interface Tally {
  readonly labels: Record<string, string>;
  n: number;
}

/** Counts by label set; `make` builds the labels the first time a key is seen. */
class Tallies {
  private readonly byKey = new Map<string, Tally>();
  add(key: string, make: () => Record<string, string>): void {
    const tally = this.byKey.get(key);
    if (tally) tally.n++;
    else this.byKey.set(key, { labels: make(), n: 1 });
  }
  get all(): Iterable<Tally> {
    return this.byKey.values();
  }
}

export class RpcMetrics implements MetricsObserver {
  private readonly rpcs = new Tallies();
  private readonly refusals = new Tallies();
  private readonly latency: Histogram<string>;
  private readonly timers = new Map<string, { observe(v: number): void }>();

  /** Registers in every registry given; each gets counter objects of its own (see exporter.ts). */
  constructor(registries: Registries) {
    for (const registry of registries) {
      this.counter(registry, 'mlx5ctl_rpcs_total', 'Client firmware RPCs by opcode and result: the firmware status (OK, BAD_PARAM, ...) when delivered, the errno when refused.', ['opcode', 'result'], this.rpcs);
      this.counter(registry, 'mlx5ctl_refusals_total', 'Requests the broker refused, by errno; stage is rpc (a firmware RPC) or open (a connection refused before a session began).', ['stage', 'errno'], this.refusals);
    }
    // A histogram is rendered without renaming, so one object serves both registries.
    this.latency = new Histogram({
      name: 'mlx5ctl_rpc_duration_seconds',
      help: 'Client firmware RPC time in the broker, from arrival to outcome, delivered or refused.',
      labelNames: [...DEVICE_LABELS],
      buckets: RPC_LATENCY_BUCKETS,
      registers: registries,
    });
  }

  rpc(device: ControlDeviceView, opcodeName: string, result: RpcResult, micros: number): void {
    const outcome = result.delivered ? boundedName(result.status) : result.errno;
    const opcode = boundedName(opcodeName);
    this.rpcs.add(`${device.ctlName}\0${opcode}\0${outcome}`, () => ({ ...deviceLabels(device), opcode, result: outcome }));
    if (!result.delivered) this.refused(device, 'rpc', result.errno);
    let timer = this.timers.get(device.ctlName);
    if (!timer) {
      timer = this.latency.labels(deviceLabels(device));
      this.timers.set(device.ctlName, timer);
    }
    timer.observe(micros / 1e6);
  }

  openRefused(device: ControlDeviceView, errno: string): void {
    this.refused(device, 'open', errno);
  }

  private refused(device: ControlDeviceView, stage: 'rpc' | 'open', errno: string): void {
    this.refusals.add(`${device.ctlName}\0${stage}\0${errno}`, () => ({ ...deviceLabels(device), stage, errno }));
  }

  private counter(registry: Registries[number], name: string, help: string, extra: string[], tallies: Tallies): void {
    new Counter({
      name,
      help,
      labelNames: [...DEVICE_LABELS, ...extra],
      registers: [registry],
      collect() {
        this.reset();
        for (const t of tallies.all) this.inc(t.labels, t.n);
      },
    });
  }
}
