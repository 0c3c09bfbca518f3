import * as grpc from '@grpc/grpc-js';
import { checkCollectionNames } from '../../milvus/names.js';
import type { Access } from '../../security/access.js';
import type { Coordinator, HybridSearchInput, QueryInput, SearchInput } from '../coordinator/coordinator.js';
import type { CallContext } from '../coordinator/fanout.js';

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
export type CoordinatorReads = Pick<Coordinator, 'search' | 'hybridSearch' | 'query' | 'schemaOf' | 'catchUp'>;

/**
 * The coordinator's reads as a REST request may make them: the collection names checked as at
 * the gRPC edge, and, with authentication on, the caller's privileges for each read checked
 * first (the coordinator answers these itself; the writer checks everything else).
 */
export function guardedReads(coordinator: Coordinator, access: Access | undefined, user: string | undefined): CoordinatorReads {
  const check = (method: string, request: SearchInput | HybridSearchInput | QueryInput) => {
    checkCollectionNames(method, request);
    if (access && user !== undefined) access.authorize(user, method, request as Record<string, unknown>, request.db_name);
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
    // Read for a search (its query vectors' form), so checked as the search is.
    schemaOf: (request, ctx) => {
      check('Search', request as SearchInput);
      return coordinator.schemaOf(request, ctx);
    },
    catchUp: (deadline) => coordinator.catchUp(deadline),
  };
}
