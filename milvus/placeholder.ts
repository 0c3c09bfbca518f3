import type { PlaceholderGroup__Output } from '../proto/generated/milvus/proto/common/PlaceholderGroup.js';
import { PlaceholderGroupMessage } from './proto.js';
import { invalidParameter } from './status.js';

/**
 * Query vectors arrive as a serialized PlaceholderGroup: one placeholder whose `values` are
 * the nq vectors, each float32 little-endian.
 */
export function decodeQueryVectors(bytes: Uint8Array, dim: number): { queries: Float32Array; nq: number } {
  let group: PlaceholderGroup__Output;
  try {
    group = PlaceholderGroupMessage.decode(bytes);
  } catch (e) {
    throw invalidParameter(`placeholder group is not valid: ${(e as Error).message}`);
  }
  const ph = group.placeholders?.[0];
  if (!ph) throw invalidParameter('search request carries no query vectors');
  if (ph.type !== 'FloatVector')
    throw invalidParameter(`query vectors of type ${ph.type} are not supported: the collection has a FloatVector field`);
  const values = ph.values;
  if (values.length === 0) throw invalidParameter('search request carries no query vectors (nq = 0)');
  const queries = new Float32Array(values.length * dim);
  values.forEach((v, q) => {
    if (v.length !== dim * 4) {
      throw invalidParameter(`vector dimension mismatch: query ${q} has dim ${v.length / 4}, the collection's vector field has dim ${dim}`);
    }
    // One block copy per vector (the platform is little-endian, as the wire is), then the check.
    new Uint8Array(queries.buffer, q * dim * 4, dim * 4).set(v);
    for (let j = q * dim; j < (q + 1) * dim; j++) {
      if (!Number.isFinite(queries[j]!)) throw invalidParameter(`query vector ${q} contains NaN or Inf`);
    }
  });
  return { queries, nq: values.length };
}

/** Encodes query vectors as a PlaceholderGroup (for internal requests and tests). */
export function encodeQueryVectors(vectors: number[][] | Float32Array[]): Buffer {
  const values = vectors.map((v) => {
    const b = Buffer.alloc(v.length * 4);
    for (let i = 0; i < v.length; i++) b.writeFloatLE(v[i]!, i * 4);
    return b;
  });
  return PlaceholderGroupMessage.encode({ placeholders: [{ tag: '$0', type: 'FloatVector', values }] });
}
