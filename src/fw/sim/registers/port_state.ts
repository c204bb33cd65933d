/**
 * Mutable state of the device's single Ethernet port (local_port 1): administrative and
 * operational status, how long the link has been up (traffic only flows while it is), the
 * link-speed selection and the PPCNT clear baselines. Kept per SimState in a WeakMap so the
 * registers feature adds no fields to the shared state class.
 */
import type { SimState } from '../state';
import { EXT_ETH_PROTO_CAP } from './link_modes';
import { portTraffic, PortTraffic } from './traffic';

export const PortStatus = { UP: 1, DOWN: 2, DOWN_BY_FAILURE: 4 } as const;

/** The only port of the simulated adapter (num_ports = 1; mlx5 numbers local ports from 1). */
export const LOCAL_PORT = 1;

export class PortState {
  adminStatus: number = PortStatus.UP;
  /** Link-down intervals in uptime ms (`to` null while still down): traffic at any past time is exact. */
  private readonly downs: { from: number; to: number | null }[] = [];
  /** PTYS ext_eth_proto_admin: which speeds the port may negotiate. */
  extEthProtoAdmin = EXT_ETH_PROTO_CAP;
  /** PPCNT counters at the last clear, by group. */
  readonly ppcntBaseline = new Map<number, bigint[]>();

  constructor(private readonly state: SimState) {}

  private uptimeMs(): number {
    return Math.max(0, this.state.clock.nowMs() - this.state.bootMs);
  }

  get operStatus(): number {
    return this.adminStatus === PortStatus.UP && this.extEthProtoAdmin !== 0 ? PortStatus.UP : PortStatus.DOWN;
  }

  /** Applies a new admin status (and so a new oper status), accounting link-down time. */
  setAdminStatus(status: number): void {
    this.adminStatus = status;
    this.syncLink();
  }

  setProtoAdmin(mask: number): void {
    this.extEthProtoAdmin = mask;
    this.syncLink();
  }

  private syncLink(): void {
    const now = this.uptimeMs();
    const up = this.operStatus === PortStatus.UP;
    const last = this.downs[this.downs.length - 1];
    const isDown = last !== undefined && last.to === null;
    if (!up && !isDown) this.downs.push({ from: now, to: null });
    if (up && last !== undefined && last.to === null) last.to = now;
  }

  /** Times the operational link went down since power-on (PPCNT link_down_events). */
  get linkDownEvents(): number {
    return this.downs.length;
  }

  /** Milliseconds the link had carried traffic at uptime `t` (default: now). */
  activeMs(t = this.uptimeMs()): number {
    let down = 0;
    for (const d of this.downs) {
      if (d.from >= t) break;
      down += Math.min(t, d.to ?? t) - d.from;
    }
    return Math.max(0, t - down);
  }

  /** Port counters at uptime `t` (default: now). */
  trafficAt(t = this.uptimeMs()): PortTraffic {
    return portTraffic(this.activeMs(t));
  }

  traffic(): PortTraffic {
    return this.trafficAt();
  }
}

const ports = new WeakMap<SimState, PortState>();

export function portOf(state: SimState): PortState {
  let p = ports.get(state);
  if (p === undefined) {
    p = new PortState(state);
    ports.set(state, p);
  }
  return p;
}
