/**
 * The metrics registries, one per exposition format: a scrape gets OpenMetrics when its Accept
 * header asks for it (Prometheus does), else the text format 0.0.4. Each registry has metric
 * counter objects of its own, because prom-client renames a counter (drops `_total`) in place
 * when it renders it as OpenMetrics; both are filled from the same counts at scrape time, so
 * both always say the same thing.
 */
import { Registry, type OpenMetricsContentType, type PrometheusContentType } from 'prom-client';
import { registerDeviceMetrics, type BrokerSource, type ExportedDevice } from './device_metrics';
import type { MetricsObserver } from './observer';
import { RpcMetrics } from './rpc_metrics';

/** The registry (a list of one) a metric is registered in. */
export type Registries = (Registry<PrometheusContentType> | Registry<OpenMetricsContentType>)[];

export interface Exposition {
  contentType: string;
  body: string;
}

export class MetricsExporter {
  private readonly text = new Registry();
  private readonly openMetrics = new Registry<OpenMetricsContentType>();
  /** Give this to the broker (BrokerOptions.metrics) before it starts. */
  readonly observer: MetricsObserver = new RpcMetrics([this.text, this.openMetrics]);
  private attached = false;

  constructor() {
    this.openMetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  }

  /** Adds the scrape-time metrics of the broker and its devices; once. */
  attach(broker: BrokerSource, devices: readonly ExportedDevice[]): void {
    if (this.attached) throw new Error('metrics already attached');
    this.attached = true;
    registerDeviceMetrics([this.text], broker, devices);
    registerDeviceMetrics([this.openMetrics], broker, devices);
  }

  async render(accept: string | undefined): Promise<Exposition> {
    if (accept?.includes('application/openmetrics-text')) return { contentType: this.openMetrics.contentType, body: await this.openMetrics.metrics() };
    return { contentType: this.text.contentType, body: await this.text.metrics() };
  }
}
