import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceHooks } from '../../milvus/service.js';
import type { RestAnswer, RestApi } from './api.js';
import { readBody } from './body.js';
import { createHttpServer, type Tls } from '../../runtime/tls.js';

const CLOSE_GRACE_MS = 2000;

export interface RestServerOptions {
  host: string;
  port: number;
  api: RestApi;
  hooks: ServiceHooks;
  /** HTTPS (mutual with a CA) instead of HTTP. */
  tls?: Tls | undefined;
}

export interface RunningRestServer {
  address: string;
  close(): Promise<void>;
}

function send(res: http.ServerResponse, a: RestAnswer): void {
  res.writeHead(a.status, { ...a.headers, 'content-length': Buffer.byteLength(a.body) });
  res.end(a.body);
}

/** The Milvus REST v2 API (`RestApi`) over HTTP/1.1. */
export async function startRestServer(o: RestServerOptions): Promise<RunningRestServer> {
  const server = createHttpServer(o.tls, (req, res) => {
    const controller = new AbortController();
    // The client went away before its answer: cancel everything the request started.
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    let read = false;
    void o.api
      .serve(
        {
          method: req.method ?? 'GET',
          path: new URL(req.url ?? '/', 'http://rest').pathname,
          headers: req.headers,
          signal: controller.signal,
          body: () => {
            read = true;
            return readBody(req, o.api.maxBodyBytes);
          },
        },
        o.hooks,
      )
      .then((answer) => {
        // An unread body (unknown path, wrong method) is discarded so the client gets to read the answer.
        if (!read) req.resume();
        send(res, answer);
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    address: `${o.host}:${port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Requests in flight get a short grace period, as the gRPC server's shutdown does.
      const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      await closed;
      clearTimeout(force);
    },
  };
}
