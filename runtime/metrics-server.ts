import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createHttpServer, type Tls } from './tls.js';

export interface MetricsListenOptions {
  host: string;
  port: number;
  /** What `/healthz` reports. */
  healthy: () => boolean;
  tls?: Tls | undefined;
  /** Decides whether a request's Authorization header may read (all but /healthz). */
  guard?: ((authorization: string | undefined) => Promise<boolean>) | undefined;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

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

  /**
   * Serves on host:port (0 picks a free port), over HTTPS with `tls`. Everything here is read
   * only: other methods than GET and HEAD are refused. With a `guard`, every path but
   * `/healthz` and `/livez` (probes', which tell nothing) needs credentials it accepts.
   */
  async listen(o: MetricsListenOptions): Promise<string> {
    this.server = createHttpServer(o.tls, (req, res) => {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return json(res, 405, { error: `${req.url} is read only` }, { allow: 'GET, HEAD' });
      if (req.url === '/livez') return json(res, 200, { status: 'ok' });
      if (req.url === '/healthz') {
        const ok = o.healthy();
        return json(res, ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable' });
      }
      if (!o.guard) return this.serve(req.url ?? '', res);
      const refuse = () => json(res, 401, { error: 'credentials needed' }, { 'www-authenticate': 'Basic realm="mishards"' });
      o.guard(req.headers.authorization).then((allowed) => (allowed ? this.serve(req.url ?? '', res) : refuse()), refuse);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(o.port, o.host, () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    return `${o.host}:${addr.port}`;
  }

  private serve(url: string, res: ServerResponse): void {
    if (url === '/metrics') {
      this.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': this.registry.contentType });
          res.end(text);
        },
        (e) => json(res, 500, { error: String(e) }),
      );
      return;
    }
    const page = this.pages.get(url);
    if (page) {
      res.writeHead(200, { 'content-type': page.contentType });
      res.end(page.body);
      return;
    }
    const read = this.jsonRoutes.get(url);
    if (!read) {
      json(res, 404, { error: `no route for ${url}` });
      return;
    }
    let body: string;
    try {
      body = JSON.stringify(read(), null, 2);
    } catch (e) {
      json(res, 500, { error: String(e) });
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
