/**
 * The HTTP endpoint: GET /metrics and nothing else. It only renders what is in memory, so it
 * answers however busy or stuck the devices are. Bounded: at most MAX_CONNECTIONS connections,
 * and a request must arrive whole within REQUEST_TIMEOUT_MS.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import type { Logger } from '../broker/log';
import type { MetricsExporter } from './exporter';
import type { ListenAddress } from './listen';

export const MAX_CONNECTIONS = 32;
export const REQUEST_TIMEOUT_MS = 10_000;

export interface MetricsServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

function reply(res: http.ServerResponse, code: number, text: string, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(text);
}

export function serveMetrics(listen: ListenAddress, exporter: MetricsExporter, logger: Logger): Promise<MetricsServer> {
  const server = http.createServer({ requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS }, (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') {
      reply(res, 404, 'mlx5ctld serves Prometheus metrics at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      reply(res, 405, 'only GET and HEAD\n', { Allow: 'GET, HEAD' });
      return;
    }
    exporter.render(req.headers.accept).then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'Content-Type': contentType });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (err: unknown) => {
        logger.log('error', 'metrics_render_failed', { message: err instanceof Error ? err.stack : String(err) });
        reply(res, 500, 'metrics could not be rendered\n');
      },
    );
  });
  server.maxConnections = MAX_CONNECTIONS;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      server.on('error', (err) => logger.log('error', 'metrics_server_error', { message: err.message }));
      const address = server.address() as AddressInfo;
      resolve({
        host: address.address,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Scrapers keep connections alive between scrapes: do not wait for them at shutdown.
            server.closeAllConnections();
          }),
      });
    });
  });
}
