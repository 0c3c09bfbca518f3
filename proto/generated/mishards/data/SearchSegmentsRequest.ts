// Original file: mishards/data_node.proto

import type { ReadSnapshot as _mishards_data_ReadSnapshot, ReadSnapshot__Output as _mishards_data_ReadSnapshot__Output } from '../../mishards/data/ReadSnapshot.js';
import type { IteratorPage as _mishards_data_IteratorPage, IteratorPage__Output as _mishards_data_IteratorPage__Output } from '../../mishards/data/IteratorPage.js';
import type { Long } from '@grpc/proto-loader';

export interface SearchSegmentsRequest {
  /**
   * Sealed segments to search; every one must be loaded here.
   */
  'segment_ids'?: (number | string | Long)[];
  /**
   * Also search the node's growing data (writable node only).
   */
  'include_growing'?: (boolean);
  /**
   * Serialized milvus.proto.common.PlaceholderGroup with the nq query vectors.
   */
  'placeholder_group'?: (Buffer | Uint8Array | string);
  /**
   * Hits wanted per query (the client's topk plus offset); in a grouping search, groups wanted.
   */
  'topk'?: (number | string | Long);
  /**
   * L2, IP or COSINE.
   */
  'metric_type'?: (string);
  /**
   * Search parameters as JSON, e.g. {"ef": 64}; a range search's window as its "radius" and
   * "range_filter" (the node returns only hits inside it).
   */
  'params_json'?: (string);
  /**
   * Milvus boolean expression.
   */
  'filter'?: (string);
  /**
   * expr_template_values as JSON; int64 values as {"$bigint": "<decimal>"}.
   */
  'template_values_json'?: (string);
  'output_fields'?: (string)[];
  /**
   * Limit to these partitions (empty: all).
   */
  'partition_ids'?: (number | string | Long)[];
  /**
   * With include_growing: the sealed segments the caller has covered elsewhere. The writable
   * node also searches every sealed segment of its own that is not listed, so that rows it
   * sealed after the caller's metadata snapshot are never missed.
   */
  'covered_segment_ids'?: (number | string | Long)[];
  /**
   * The caller's consistency level needs every delete acknowledged before the request (Strong,
   * Session): a read-only node reads its segments' delete logs first, even where its watch
   * reported no change (storage written from another machine is not reported).
   */
  'fresh_deletes'?: (boolean);
  /**
   * The collection's TTL (collection.ttl.seconds) as the caller applies it: rows inserted
   * before this time (unix ms) have expired and match nothing. 0: no row expires.
   */
  'expire_before_ms'?: (number | string);
  /**
   * The highest field id of the caller's schema: a node whose copy of the schema is older (a
   * field was added since) reloads it before answering.
   */
  'schema_version'?: (number | string | Long);
  /**
   * With include_growing: leave the rows not sealed yet out (Milvus's ignore_growing); the
   * sealed segments beyond covered_segment_ids are still searched.
   */
  'ignore_growing'?: (boolean);
  /**
   * Read as of an iterator's snapshot: rows written after it are left out.
   */
  'snapshot'?: (_mishards_data_ReadSnapshot | null);
  /**
   * Writable node: read as of its newest applied write and report it in the response's
   * snapshot_ts (an iterator's first page). Read-only nodes ignore it: every row they hold was
   * written before any snapshot the writable node takes after the caller routed the request.
   */
  'pin_snapshot'?: (boolean);
  /**
   * A page of a search iterator (nq is 1): topk is the page size, hits rank by score and then
   * by primary key (ascending), and only those after the page's cursor are returned.
   */
  'iterator_page'?: (_mishards_data_IteratorPage | null);
  /**
   * A grouping search: hits grouped by this scalar field (empty: none), each query's answer
   * the hits of its first `topk` groups, at most group_size each (search/grouping.ts), in
   * rank order, with each row's group value in the partial's group_values.
   */
  'group_by_field'?: (string);
  'group_size'?: (number | string | Long);
  'strict_group_size'?: (boolean);
  /**
   * Only rows of these groups, every one of them answered (topk then says how many): a JSON
   * array of group values, Int64 ones as decimal strings (empty: every group). The
   * coordinator's second round of a strict grouping search.
   */
  'group_restriction_json'?: (string);
  /**
   * The search's order_by_fields: the rows' values of those fields come in the partial's
   * order_values (the coordinator orders the merged page by them).
   */
  'order_by_fields'?: (string);
  'collection_id'?: (number | string | Long);
  /**
   * The field searched: empty for the collection's vector field, or a BM25 output field with
   * metric_type BM25. A BM25 search's placeholder_group holds its queries as sparse vectors
   * already weighted by the collection's statistics (term hash -> term frequency x IDF), and
   * its params_json the bm25_k1, bm25_b and bm25_avgdl to score with.
   */
  'anns_field'?: (string);
  /**
   * The IANA time zone of the filter's ISO literals that carry no offset (the request's
   * `timezone`, else the collection's); empty: UTC.
   */
  'timezone'?: (string);
}

export interface SearchSegmentsRequest__Output {
  /**
   * Sealed segments to search; every one must be loaded here.
   */
  'segment_ids': (string)[];
  /**
   * Also search the node's growing data (writable node only).
   */
  'include_growing': (boolean);
  /**
   * Serialized milvus.proto.common.PlaceholderGroup with the nq query vectors.
   */
  'placeholder_group': (Buffer);
  /**
   * Hits wanted per query (the client's topk plus offset); in a grouping search, groups wanted.
   */
  'topk': (string);
  /**
   * L2, IP or COSINE.
   */
  'metric_type': (string);
  /**
   * Search parameters as JSON, e.g. {"ef": 64}; a range search's window as its "radius" and
   * "range_filter" (the node returns only hits inside it).
   */
  'params_json': (string);
  /**
   * Milvus boolean expression.
   */
  'filter': (string);
  /**
   * expr_template_values as JSON; int64 values as {"$bigint": "<decimal>"}.
   */
  'template_values_json': (string);
  'output_fields': (string)[];
  /**
   * Limit to these partitions (empty: all).
   */
  'partition_ids': (string)[];
  /**
   * With include_growing: the sealed segments the caller has covered elsewhere. The writable
   * node also searches every sealed segment of its own that is not listed, so that rows it
   * sealed after the caller's metadata snapshot are never missed.
   */
  'covered_segment_ids': (string)[];
  /**
   * The caller's consistency level needs every delete acknowledged before the request (Strong,
   * Session): a read-only node reads its segments' delete logs first, even where its watch
   * reported no change (storage written from another machine is not reported).
   */
  'fresh_deletes': (boolean);
  /**
   * The collection's TTL (collection.ttl.seconds) as the caller applies it: rows inserted
   * before this time (unix ms) have expired and match nothing. 0: no row expires.
   */
  'expire_before_ms': (number);
  /**
   * The highest field id of the caller's schema: a node whose copy of the schema is older (a
   * field was added since) reloads it before answering.
   */
  'schema_version': (string);
  /**
   * With include_growing: leave the rows not sealed yet out (Milvus's ignore_growing); the
   * sealed segments beyond covered_segment_ids are still searched.
   */
  'ignore_growing': (boolean);
  /**
   * Read as of an iterator's snapshot: rows written after it are left out.
   */
  'snapshot': (_mishards_data_ReadSnapshot__Output | null);
  /**
   * Writable node: read as of its newest applied write and report it in the response's
   * snapshot_ts (an iterator's first page). Read-only nodes ignore it: every row they hold was
   * written before any snapshot the writable node takes after the caller routed the request.
   */
  'pin_snapshot': (boolean);
  /**
   * A page of a search iterator (nq is 1): topk is the page size, hits rank by score and then
   * by primary key (ascending), and only those after the page's cursor are returned.
   */
  'iterator_page': (_mishards_data_IteratorPage__Output | null);
  /**
   * A grouping search: hits grouped by this scalar field (empty: none), each query's answer
   * the hits of its first `topk` groups, at most group_size each (search/grouping.ts), in
   * rank order, with each row's group value in the partial's group_values.
   */
  'group_by_field': (string);
  'group_size': (string);
  'strict_group_size': (boolean);
  /**
   * Only rows of these groups, every one of them answered (topk then says how many): a JSON
   * array of group values, Int64 ones as decimal strings (empty: every group). The
   * coordinator's second round of a strict grouping search.
   */
  'group_restriction_json': (string);
  /**
   * The search's order_by_fields: the rows' values of those fields come in the partial's
   * order_values (the coordinator orders the merged page by them).
   */
  'order_by_fields': (string);
  'collection_id': (string);
  /**
   * The field searched: empty for the collection's vector field, or a BM25 output field with
   * metric_type BM25. A BM25 search's placeholder_group holds its queries as sparse vectors
   * already weighted by the collection's statistics (term hash -> term frequency x IDF), and
   * its params_json the bm25_k1, bm25_b and bm25_avgdl to score with.
   */
  'anns_field': (string);
  /**
   * The IANA time zone of the filter's ISO literals that carry no offset (the request's
   * `timezone`, else the collection's); empty: UTC.
   */
  'timezone': (string);
}
