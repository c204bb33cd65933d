/**
 * What the broker tells the metrics exporter while it works, and nothing more: one call per
 * client RPC (delivered or refused) and one per refused open. The broker holds this interface
 * only; everything about Prometheus lives behind it in src/metrics/.
 */

import type { ControlDeviceView } from '../broker/types';

/** A delivered RPC carries the firmware status name (OK, BAD_PARAM, ...); a refused one its errno name. */
export type RpcResult = { delivered: true; status: string } | { delivered: false; errno: string };

export interface MetricsObserver {
  /** One client RPC on `device`, `micros` from arrival to outcome. */
  rpc(device: ControlDeviceView, opcodeName: string, result: RpcResult, micros: number): void;
  /** An open of `device` refused before a session began (EACCES by policy, EMFILE past a limit). */
  openRefused(device: ControlDeviceView, errno: string): void;
}
