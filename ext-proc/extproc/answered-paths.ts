/**
 * The REST endpoints the ext_proc processor answers itself with the coordinator's
 * scatter-gather (it asks Envoy for their bodies); the control plane keeps the filter on for
 * exactly these routes.
 */
export const ANSWERED_PATHS: ReadonlySet<string> = new Set(['search', 'query', 'get', 'hybrid_search'].map((a) => `/v2/vectordb/entities/${a}`));
