/**
 * The metrics registry, kept twice — once per exposition format — because a prom-client registry
 * renders one format. Every metric is registered in both, so both always say the same thing; a
 * scrape gets OpenMetrics when its Accept header asks for it (Prometheus does), else the text
 * format 0.0.4.
 */
import { Registry, type OpenMetricsContentType, type PrometheusContentType } from 'prom-client';

/** Where a metric is registered: both registries. */
export type Registries = (Registry<PrometheusContentType> | Registry<OpenMetricsContentType>)[];
import { registerDeviceMetrics, type BrokerSource, type ExportedDevice } from './device_metrics';
import { RpcMetrics } from './rpc_metrics';

export interface Exposition {
  contentType: string;
  body: string;
}

export class MetricsExporter {
  private readonly text = new Registry();
  private readonly openMetrics = new Registry<OpenMetricsContentType>();
  /** Give this to the broker (BrokerOptions.metrics) before it starts. */
  readonly observer = new RpcMetrics([this.text, this.openMetrics]);
  private attached = false;

  constructor() {
    this.openMetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  }

  /** Adds the scrape-time metrics of the broker and its devices; once. */
  attach(broker: BrokerSource, devices: readonly ExportedDevice[]): void {
    if (this.attached) throw new Error('metrics already attached');
    this.attached = true;
    registerDeviceMetrics([this.text, this.openMetrics], broker, devices);
  }

  async render(accept: string | undefined): Promise<Exposition> {
    if (accept?.includes('application/openmetrics-text')) return { contentType: this.openMetrics.contentType, body: await this.openMetrics.metrics() };
    return { contentType: this.text.contentType, body: await this.text.metrics() };
  }
}
