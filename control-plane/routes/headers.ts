/**
 * The collection a request concerns, as a header operator rules can match (`match.collection`)
 * and hash on: the coordinator sets it on every sub-request to the readers, and any gRPC
 * client may set it as metadata. Envoy cannot route on a request body, so nothing derives it
 * from one.
 */
export const COLLECTION_HEADER = 'x-mishards-collection';
