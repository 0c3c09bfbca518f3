/**
 * What the control plane's Envoy configuration and the coordinator agree on: the names both
 * sides of the front door use, so neither role imports the other.
 */

/**
 * The listener data planes serve Milvus clients on (gRPC and REST): Envoy's front listener,
 * and the one the Nginx agent renders into its servers.
 */
export const FRONT_LISTENER = 'mishards-front';

/**
 * The collection a request concerns, as a header operator rules can match (`match.collection`)
 * and hash on: the coordinator sets it on every sub-request to the readers, and any gRPC
 * client may set it as metadata. Envoy cannot route on a request body, so nothing derives it
 * from one. It is the collection's name alone, the same in every database.
 */
export const COLLECTION_HEADER = 'x-mishards-collection';

/**
 * The REST endpoints the ext_proc processor answers itself with the coordinator's
 * scatter-gather (it asks Envoy for their bodies); the control plane keeps the filter on for
 * exactly these routes.
 */
export const ANSWERED_PATHS: ReadonlySet<string> = new Set(
  ['search', 'query', 'get', 'hybrid_search'].map((a) => `/v2/vectordb/entities/${a}`),
);
