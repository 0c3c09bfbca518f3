import { ROOT_CONTEXT, propagation, type Context } from '@opentelemetry/api';
import { DEFAULT_DATABASE } from '../../meta/store.js';
import type { ServiceHooks } from '../../milvus/service.js';
import type { ClusterDescription } from '../coordinator/cluster-description.js';
import type { Coordinator } from '../coordinator/coordinator.js';
import { aliasRoutes } from './aliases.js';
import { MAX_BODY_BYTES, parseJsonObject, validate } from './body.js';
import { collectionRoutes } from './collections.js';
import { compactionRoutes } from './compaction.js';
import { databaseRoutes } from './databases.js';
import { entityRoutes } from './entities.js';
import { indexRoutes } from './indexes.js';
import { partitionRoutes } from './partitions.js';
import { resourceGroupRoutes } from './resource-groups.js';
import { roleRoutes, userRoutes } from './users.js';
import type { Access } from '../../security/access.js';
import { httpToken } from '../../security/access.js';
import { guardedReads, writerMetadata } from './credentials.js';
import { errorReply, toJsonText } from './reply.js';
import type { RestContext, Route } from './route.js';
import type { WriterClient } from './writer-client.js';

/**
 * The Milvus REST v2 API as a function from a request (method, path, headers, body bytes,
 * cancellation) to an answer (HTTP status, headers, JSON text), with no transport of its own:
 * the coordinator's HTTP server and its Envoy ExternalProcessor both answer through it, so a
 * search answers the same bytes whichever way it came in.
 */

/** Milvus's default when the client sends no `Request-Timeout` (seconds). */
const DEFAULT_TIMEOUT_MS = 30_000;

const RESOURCES: Record<string, Record<string, Route>> = {
  collections: { ...collectionRoutes, ...compactionRoutes },
  partitions: partitionRoutes,
  indexes: indexRoutes,
  // advanced_search: Milvus's earlier path for hybrid_search, still served by Milvus.
  entities: { ...entityRoutes, advanced_search: entityRoutes.hybrid_search! },
  aliases: aliasRoutes,
  databases: databaseRoutes,
  resource_groups: resourceGroupRoutes,
  users: userRoutes,
  roles: roleRoutes,
};

/** Every endpoint by its path, e.g. `/v2/vectordb/entities/search`. */
export const ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>(
  Object.entries(RESOURCES).flatMap(([resource, actions]) =>
    Object.entries(actions).map(([action, r]) => [`/v2/vectordb/${resource}/${action}`, r] as const),
  ),
);

/** Request headers by lower-case name, as Node's http module and Envoy's HeaderMap give them. */
export type RestHeaders = Record<string, string | string[] | undefined>;

export interface RestRequest {
  method: string;
  /** The path without its query string. */
  path: string;
  headers: RestHeaders;
  /** Reads the whole body; only called for a routed POST. May reject with a 413 RestError. */
  body: () => Promise<Buffer | string>;
  /** Aborted when the client goes away: every call the request started is cancelled. */
  signal: AbortSignal;
  /** The caller's trace context; by default extracted from the `traceparent` header. */
  trace?: Context;
  /** A deadline the transport imposes on top of `Request-Timeout` (epoch ms). */
  deadline?: number;
}

export interface RestAnswer {
  status: number;
  headers: Record<string, string>;
  /** JSON text. */
  body: string;
}

/** The answer headers every REST reply carries (the HTTP server adds content-length). */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export function jsonAnswer(status: number, body: unknown, headers: Record<string, string> = {}): RestAnswer {
  return { status, headers: { ...headers, 'content-type': JSON_CONTENT_TYPE }, body: toJsonText(body) };
}

const header = (headers: RestHeaders, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The database a request works in, as Milvus's REST handler settles it: the body's `dbName`, else the `DB-Name` header, else the default. */
function requestDatabase(headers: RestHeaders, body: Record<string, unknown>): string {
  return (typeof body.dbName === 'string' && body.dbName) || header(headers, 'db-name') || DEFAULT_DATABASE;
}

function requestDeadline(headers: RestHeaders, cap: number | undefined): number {
  const seconds = Number(header(headers, 'request-timeout'));
  const own = Date.now() + (seconds > 0 ? seconds * 1000 : DEFAULT_TIMEOUT_MS);
  return cap === undefined ? own : Math.min(own, cap);
}

export interface RestApiOptions {
  coordinator: Coordinator;
  /** The writable node, for every call that is not search, query or get. */
  writer: WriterClient;
  /** The cluster's description (resource groups). */
  cluster: ClusterDescription;
  /** With authentication on: who may do what (security/access.ts). */
  access?: Access;
  maxBodyBytes?: number;
}

/**
 * POST only, a JSON body whatever the content-type, answers `{code: 0, data}` or
 * `{code, message}` with HTTP 200. With authentication on, a request needs a user's
 * credentials (HTTP 401 with Milvus's code 1800 without them); the coordinator checks the
 * privileges of the reads it answers, the writer those of everything else, which it gets
 * with the client's credentials.
 */
export class RestApi {
  readonly maxBodyBytes: number;

  constructor(private readonly o: RestApiOptions) {
    this.maxBodyBytes = o.maxBodyBytes ?? MAX_BODY_BYTES;
  }

  /**
   * Answers one request. Transport-level problems (unknown path, wrong method, body too large)
   * get their HTTP status; everything else HTTP 200 with Milvus's JSON. Never rejects.
   * `hooks` count and time routed requests and hear about unexpected failures.
   */
  async serve(req: RestRequest, hooks: ServiceHooks): Promise<RestAnswer> {
    const r = ROUTES.get(req.path);
    if (!r) return jsonAnswer(404, { code: 404, message: `no REST endpoint at ${req.path}` });
    if (req.method !== 'POST') return jsonAnswer(405, { code: 405, message: `${req.path} accepts POST only` }, { allow: 'POST' });
    const done = hooks.onRequest?.(req.path);
    try {
      const reply = await this.handle(req, r, await this.caller(req.headers));
      done?.(0);
      return jsonAnswer(200, { code: 0, ...reply });
    } catch (err) {
      const { httpStatus, body, unexpected } = errorReply(err);
      // A client that went away mid-request is no server failure worth a log line.
      if (unexpected && !req.signal.aborted) hooks.onError?.(req.path, err);
      done?.(body.code);
      return jsonAnswer(httpStatus, body);
    }
  }

  /** The authenticated caller and its token, or nothing when authentication is off; throws UNAUTHENTICATED. */
  private async caller(headers: RestHeaders): Promise<{ user: string; token: string } | undefined> {
    if (!this.o.access) return undefined;
    const token = httpToken(header(headers, 'authorization'));
    return { user: await this.o.access.authenticate(token), token };
  }

  private async handle(req: RestRequest, r: Route, caller: { user: string; token: string } | undefined) {
    const raw = await req.body();
    const body = parseJsonObject(typeof raw === 'string' ? raw : raw.toString('utf8'));
    const ctx: RestContext = {
      coordinator: guardedReads(this.o.coordinator, this.o.access, caller?.user),
      writer: this.o.writer,
      cluster: this.o.cluster,
      call: {
        deadline: requestDeadline(req.headers, req.deadline),
        signal: req.signal,
        // The caller's traceparent header, so the coordinator's spans join its trace.
        trace: req.trace ?? propagation.extract(ROOT_CONTEXT, req.headers),
        database: requestDatabase(req.headers, body),
        ...(caller ? { metadata: writerMetadata(caller.token) } : {}),
      },
      allowInt64: String(header(req.headers, 'accept-type-allow-int64')).toLowerCase() === 'true',
    };
    return r.handle(validate(r.body, body), ctx);
  }
}
