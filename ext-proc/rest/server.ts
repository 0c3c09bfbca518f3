import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { ROOT_CONTEXT, propagation } from '@opentelemetry/api';
import type { ServiceHooks } from '../../milvus/service.js';
import type { Coordinator } from '../core/coordinator.js';
import { MAX_BODY_BYTES, parseJsonObject, readBody, validate } from './body.js';
import { collectionRoutes } from './collections.js';
import { entityRoutes } from './entities.js';
import { indexRoutes } from './indexes.js';
import { partitionRoutes } from './partitions.js';
import { errorReply, RestCode, RestError, send } from './reply.js';
import type { RestContext, Route } from './route.js';
import { WriterClient } from './writer-client.js';

/** Milvus's default when the client sends no `Request-Timeout` (seconds). */
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_DB = 'default';
const CLOSE_GRACE_MS = 2000;

const RESOURCES: Record<string, Record<string, Route>> = {
  collections: collectionRoutes,
  partitions: partitionRoutes,
  indexes: indexRoutes,
  entities: entityRoutes,
};

/** Every endpoint by its path, e.g. `/v2/vectordb/entities/search`. */
const ROUTES = new Map<string, Route>(Object.entries(RESOURCES).flatMap(([resource, actions]) =>
  Object.entries(actions).map(([action, r]) => [`/v2/vectordb/${resource}/${action}`, r] as const)));

export interface RestServerOptions {
  host: string;
  port: number;
  coordinator: Coordinator;
  /** The writable node's gRPC address, for every call that is not search, query or get. */
  writer: string;
  hooks: ServiceHooks;
  maxBodyBytes?: number;
}

export interface RunningRestServer {
  address: string;
  close(): Promise<void>;
}

/**
 * Only the default database exists. `dbName` (body) or `DB-Name` (header) may name it, as the
 * SDK always does; any other name is Milvus's "database not found".
 */
function checkDatabase(req: http.IncomingMessage, body: Record<string, unknown>): void {
  const db = (typeof body.dbName === 'string' && body.dbName) || req.headers['db-name'];
  if (db && db !== DEFAULT_DB) throw new RestError(RestCode.DatabaseNotFound, `database not found[database=${db}]: Mishards has only the default database`);
}

function deadline(req: http.IncomingMessage): number {
  const seconds = Number(req.headers['request-timeout']);
  return Date.now() + (seconds > 0 ? seconds * 1000 : DEFAULT_TIMEOUT_MS);
}

/**
 * The Milvus REST v2 API over the coordinator: POST only, a JSON body whatever the
 * content-type, answers `{code: 0, data}` or `{code, message}` with HTTP 200. Authorization
 * headers are accepted and not checked (Mishards has no users).
 */
export async function startRestServer(o: RestServerOptions): Promise<RunningRestServer> {
  const writer = new WriterClient(o.writer);
  const limit = o.maxBodyBytes ?? MAX_BODY_BYTES;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, r: Route): Promise<number> => {
    const controller = new AbortController();
    // The client went away before its answer: cancel everything the request started.
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const body = parseJsonObject(await readBody(req, limit));
    checkDatabase(req, body);
    const ctx: RestContext = {
      coordinator: o.coordinator,
      writer,
      call: {
        deadline: deadline(req),
        signal: controller.signal,
        metadata: new grpc.Metadata(),
        // The caller's traceparent header, so the coordinator's spans join its trace.
        trace: propagation.extract(ROOT_CONTEXT, req.headers),
      },
      allowInt64: String(req.headers['accept-type-allow-int64']).toLowerCase() === 'true',
    };
    const reply = await r.handle(validate(r.body, body), ctx);
    send(res, 200, { code: 0, ...reply });
    return 0;
  };

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://rest').pathname;
    const r = ROUTES.get(path);
    if (!r) {
      req.resume();
      send(res, 404, { code: 404, message: `no REST endpoint at ${path}` });
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      send(res, 405, { code: 405, message: `${path} accepts POST only` }, { allow: 'POST' });
      return;
    }
    const done = o.hooks.onRequest?.(path);
    handle(req, res, r).then(done, (err) => {
      const { httpStatus, body, unexpected } = errorReply(err);
      // A client that went away mid-request is no server failure worth a log line.
      if (unexpected && !res.destroyed) o.hooks.onError?.(path, err);
      send(res, httpStatus, body);
      done?.(body.code);
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
      writer.close();
    },
  };
}
