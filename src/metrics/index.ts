/**
 * `mlx5ctld --metrics ADDR:PORT`: a Prometheus exporter inside the broker. The exporter's
 * observer goes to the broker before it starts (it counts RPCs as they happen); once the devices
 * are up, startMetrics opens the broker's own context on each for polling and starts serving.
 */
import type { Logger } from '../broker/log';
import type { ControlDeviceView } from '../broker/types';
import type { BrokerSource } from './device_metrics';
import { MetricsExporter } from './exporter';
import type { ListenAddress } from './listen';
import { DevicePoller } from './poller';
import { serveMetrics } from './server';

export { MetricsExporter } from './exporter';
export { parseListenAddress, type ListenAddress } from './listen';
export { DEFAULT_POLL_INTERVAL_MS } from './poller';

export interface MetricsBroker extends BrokerSource {
  readonly controlDevices: readonly ControlDeviceView[];
}

export interface MetricsOptions {
  listen: ListenAddress;
  pollIntervalMs: number;
  logger: Logger;
}

export interface MetricsService {
  readonly host: string;
  readonly port: number;
  /** Stops serving and polling, and closes the broker's own device contexts. */
  close(): Promise<void>;
}

export async function startMetrics(broker: MetricsBroker, exporter: MetricsExporter, options: MetricsOptions): Promise<MetricsService> {
  const pollers = broker.controlDevices.map((view) => new DevicePoller(view, { intervalMs: options.pollIntervalMs, logger: options.logger }));
  exporter.attach(broker, pollers.map((poller) => ({ view: poller.device, poller })));
  let server;
  try {
    server = await serveMetrics(options.listen, exporter, options.logger);
  } catch (err) {
    throw new Error(`--metrics ${options.listen.host}:${options.listen.port}: ${err instanceof Error ? err.message : String(err)}`);
  }
  for (const poller of pollers) poller.start();
  options.logger.log('info', 'metrics_listening', { address: server.host, port: server.port, poll_interval_s: options.pollIntervalMs / 1000 });
  const listening = server;
  return {
    host: listening.host,
    port: listening.port,
    close: async () => {
      await listening.close();
      await Promise.all(pollers.map((p) => p.close()));
    },
  };
}
