/**
 * The observer side: counts what the broker reports as it happens (RPCs by opcode and result,
 * refusals by errno, RPC latency). Each call is a cached child's increment, so an RPC pays a map
 * lookup and an add, never a scrape's work.
 */
import { Counter, Histogram } from 'prom-client';
import type { Registries } from './exporter';
import type { ControlDeviceView } from '../broker/types';
import { boundedName, DEVICE_LABELS, deviceLabels } from './labels';
import type { MetricsObserver, RpcResult } from './observer';

/** 25 µs .. 2.5 s: simulator RPCs take tens of µs, firmware ones up to seconds. */
export const RPC_LATENCY_BUCKETS = [25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3, 100e-3, 250e-3, 1, 2.5];

interface Incrementable {
  inc(): void;
}

export class RpcMetrics implements MetricsObserver {
  private readonly rpcs: Counter<string>;
  private readonly refusals: Counter<string>;
  private readonly latency: Histogram<string>;
  private readonly rpcChildren = new Map<string, Incrementable>();
  private readonly refusalChildren = new Map<string, Incrementable>();
  private readonly latencyChildren = new Map<string, { observe(v: number): void }>();

  constructor(registers: Registries) {
    this.rpcs = new Counter({
      name: 'mlx5ctl_rpcs_total',
      help: 'Client firmware RPCs by opcode and result: the firmware status (OK, BAD_PARAM, ...) when delivered, the errno when refused.',
      labelNames: [...DEVICE_LABELS, 'opcode', 'result'],
      registers,
    });
    this.refusals = new Counter({
      name: 'mlx5ctl_refusals_total',
      help: 'Requests the broker refused, by errno; stage is rpc (a firmware RPC) or open (a connection refused before a session began).',
      labelNames: [...DEVICE_LABELS, 'stage', 'errno'],
      registers,
    });
    this.latency = new Histogram({
      name: 'mlx5ctl_rpc_duration_seconds',
      help: 'Client firmware RPC time in the broker, from arrival to outcome, delivered or refused.',
      labelNames: [...DEVICE_LABELS],
      buckets: RPC_LATENCY_BUCKETS,
      registers,
    });
  }

  rpc(device: ControlDeviceView, opcodeName: string, result: RpcResult, micros: number): void {
    const outcome = result.delivered ? boundedName(result.status) : result.errno;
    const opcode = boundedName(opcodeName);
    this.child(this.rpcChildren, `${device.ctlName}\0${opcode}\0${outcome}`, () => this.rpcs.labels({ ...deviceLabels(device), opcode, result: outcome })).inc();
    if (!result.delivered) this.refused(device, 'rpc', result.errno);
    let timer = this.latencyChildren.get(device.ctlName);
    if (!timer) {
      timer = this.latency.labels(deviceLabels(device));
      this.latencyChildren.set(device.ctlName, timer);
    }
    timer.observe(micros / 1e6);
  }

  openRefused(device: ControlDeviceView, errno: string): void {
    this.refused(device, 'open', errno);
  }

  private refused(device: ControlDeviceView, stage: 'rpc' | 'open', errno: string): void {
    this.child(this.refusalChildren, `${device.ctlName}\0${stage}\0${errno}`, () => this.refusals.labels({ ...deviceLabels(device), stage, errno })).inc();
  }

  private child(cache: Map<string, Incrementable>, key: string, make: () => Incrementable): Incrementable {
    let child = cache.get(key);
    if (!child) {
      child = make();
      cache.set(key, child);
    }
    return child;
  }
}
