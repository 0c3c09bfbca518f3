import type { FieldSchema } from '../core/schema.js';
import type { PlaceholderType } from '../proto/generated/milvus/proto/common/PlaceholderType.js';
import type { VectorSet } from '../engine/vectors.js';
import type { PlaceholderGroup__Output } from '../proto/generated/milvus/proto/common/PlaceholderGroup.js';
import { PlaceholderGroupMessage } from './proto.js';
import { invalidParameter } from './status.js';
import { decodeQueries, queryValues } from './vector-codecs.js';

/**
 * Query vectors arrive as a serialized PlaceholderGroup: one placeholder whose `values` are
 * the nq vectors, each in its type's wire form (milvus/vector-codecs.ts).
 */
export function decodeQueryVectors(bytes: Uint8Array, field: FieldSchema): { queries: VectorSet; nq: number } {
  let group: PlaceholderGroup__Output;
  try {
    group = PlaceholderGroupMessage.decode(bytes);
  } catch (e) {
    throw invalidParameter(`placeholder group is not valid: ${(e as Error).message}`);
  }
  const ph = group.placeholders?.[0];
  if (!ph) throw invalidParameter('search request carries no query vectors');
  const queries = decodeQueries({ type: String(ph.type), values: ph.values }, field);
  return { queries, nq: ph.values.length };
}

/** Encodes query vectors of a field's type as a PlaceholderGroup (for internal requests). */
export function encodeQuerySet(field: FieldSchema, queries: VectorSet): Buffer {
  return PlaceholderGroupMessage.encode({
    placeholders: [{ tag: '$0', type: field.dataType as number as PlaceholderType, values: queryValues(queries) }],
  });
}

/** Encodes query vectors already in their type's wire form (milvus/vector-codecs.ts) as a PlaceholderGroup. */
export function encodePlaceholder(type: PlaceholderType, values: Uint8Array[]): Buffer {
  return PlaceholderGroupMessage.encode({ placeholders: [{ tag: '$0', type, values }] });
}

/** Encodes float32 query vectors as a PlaceholderGroup (for internal requests and tests). */
export function encodeQueryVectors(vectors: number[][] | Float32Array[]): Buffer {
  const values = vectors.map((v) => {
    const b = Buffer.alloc(v.length * 4);
    for (let i = 0; i < v.length; i++) b.writeFloatLE(v[i]!, i * 4);
    return b;
  });
  return encodePlaceholder('FloatVector', values);
}

/** Encodes query texts as a VarChar PlaceholderGroup, as clients send them to search a BM25 output. */
export function encodeQueryTexts(texts: string[]): Buffer {
  return PlaceholderGroupMessage.encode({
    placeholders: [{ tag: '$0', type: 'VarChar', values: texts.map((t) => Buffer.from(t, 'utf8')) }],
  });
}
