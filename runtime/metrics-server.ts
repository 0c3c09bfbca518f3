import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * Prometheus metrics (`/metrics`) and health (`/healthz`) on the metrics port, as Milvus
 * serves them on 9091. `/healthz` is readiness: 503 once the process drains or stops.
 * `/livez` answers 200 while the process answers at all, so a liveness check does not kill a
 * process that is draining.
 */
export class MetricsServer {
  readonly registry = new Registry();
  private server: Server | undefined;
  private readonly jsonRoutes = new Map<string, () => unknown>();
  private readonly pages = new Map<string, { contentType: string; body: string }>();

  constructor(role: string) {
    this.registry.setDefaultLabels({ role });
    collectDefaultMetrics({ register: this.registry });
  }

  /** Serves `read()` as JSON at `path` (operator views beside the metrics, e.g. `/xds/clients`). */
  addJsonRoute(path: string, read: () => unknown): void {
    this.jsonRoutes.set(path, read);
  }

  /** Serves a fixed document at `path` (the status page). */
  addPage(path: string, contentType: string, body: string): void {
    this.pages.set(path, { contentType, body });
  }

  async listen(host: string, port: number, healthy: () => boolean): Promise<string> {
    this.server = createServer((req, res) => {
      if (req.url === '/metrics') {
        this.registry.metrics().then(
          (text) => {
            res.writeHead(200, { 'content-type': this.registry.contentType });
            res.end(text);
          },
          (e) => {
            res.writeHead(500, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: String(e) }));
          },
        );
        return;
      }
      if (req.url === '/livez') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'ok' }));
        return;
      }
      if (req.url === '/healthz') {
        const ok = healthy();
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: ok ? 'ok' : 'unavailable' }));
        return;
      }
      const page = this.pages.get(req.url ?? '');
      if (page) {
        res.writeHead(200, { 'content-type': page.contentType });
        res.end(page.body);
        return;
      }
      const json = this.jsonRoutes.get(req.url ?? '');
      if (json) {
        let body: string;
        try {
          body = JSON.stringify(json(), null, 2);
        } catch (e) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: String(e) }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `no route for ${req.url}` }));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    return `${host}:${addr.port}`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
