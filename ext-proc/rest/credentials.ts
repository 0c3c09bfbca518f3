import * as grpc from '@grpc/grpc-js';
import { checkCollectionNames } from '../../milvus/names.js';
import type { Access } from '../../security/access.js';
import type { Coordinator, HybridSearchInput, QueryInput, SearchInput } from '../coordinator/coordinator.js';
import type { CallContext } from '../coordinator/fanout.js';

/**
 * The REST API's credentials, as Milvus's HTTP server reads them: HTTP Basic, or
 * `Authorization: Bearer user:password`; '' when the request carries neither.
 */
export function restToken(authorization: string | undefined): string {
  if (!authorization) return '';
  const basic = /^Basic (.+)$/i.exec(authorization);
  if (basic) return Buffer.from(basic[1]!, 'base64').toString('utf8');
  return authorization.replace(/^Bearer /, '');
}

/**
 * The writer's calls for a REST request carry the client's credentials as gRPC
 * `authorization` metadata, so the writer authenticates and authorizes them itself.
 */
export function writerMetadata(token: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', Buffer.from(token, 'utf8').toString('base64'));
  return metadata;
}

/** What the REST handlers ask of the coordinator: reads, and waiting for the writer's changes. */
export type CoordinatorReads = Pick<Coordinator, 'search' | 'hybridSearch' | 'query' | 'catchUp'>;

/**
 * The coordinator's reads as a REST request may make them: the collection names checked as at
 * the gRPC edge, and, with authentication on, the caller's privileges for each read checked
 * first (the coordinator answers these itself; the writer checks everything else).
 */
export function guardedReads(coordinator: Coordinator, access: Access | undefined, user: string | undefined): CoordinatorReads {
  const check = (method: string, request: object) => {
    checkCollectionNames(method, request);
    if (access && user !== undefined) access.authorize(user, method, request as Record<string, unknown>);
  };
  return {
    search: (request: SearchInput, ctx: CallContext) => {
      check('Search', request);
      return coordinator.search(request, ctx);
    },
    hybridSearch: (request: HybridSearchInput, ctx: CallContext) => {
      check('HybridSearch', request);
      return coordinator.hybridSearch(request, ctx);
    },
    query: (request: QueryInput, ctx: CallContext) => {
      check('Query', request);
      return coordinator.query(request, ctx);
    },
    catchUp: (deadline) => coordinator.catchUp(deadline),
  };
}
