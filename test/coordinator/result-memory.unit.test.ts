import { describe, expect, it } from 'vitest';
import type { CollectionView } from '../../meta/collection-view.js';
import type { IndexRecord } from '../../meta/store.js';
import { checkGroupsResultMemory } from '../../ext-proc/coordinator/result-memory.js';
import type { GroupTarget } from '../../ext-proc/coordinator/placement.js';
import { encodeQueryVectors } from '../../milvus/placeholder.js';
import { resolveOutputFields } from '../../milvus/results.js';
import { prepareSearch, type SearchShapeCheck } from '../../milvus/search-request.js';
import { DEFAULT_REQUEST_LIMITS } from '../../milvus/request-limits.js';
import { MilvusError } from '../../milvus/status.js';
import { keyVectorSchema } from '../harness/schemas.js';

/** The coordinator's up-front refusal of searches whose results a reader group would not hold. */

const MIB = 2 ** 20;
const schema = keyVectorSchema('c', 4);
const keysOnly = resolveOutputFields(schema, ['id'], true);

/** Segments 1-4 of 7,500 rows each (the bench's 30,000 rows in four segments). */
const view = {
  record: { id: 1, name: 'c', schema },
  segments: [1, 2, 3, 4].map((id) => ({ id, partitionId: 1, rows: 7500, state: 'sealed' as const })),
} as unknown as CollectionView;

const group = (name: string, segmentIds: number[], resultMemoryLimit: number): GroupTarget => ({
  group: name,
  replicas: [`${name}1:1`, `${name}2:1`],
  segmentIds,
  resultMemoryLimit,
});

function refusal(fn: () => void): MilvusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MilvusError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('result memory of reader groups', () => {
  it('refuses what a group would hold beyond its limit, with the estimate a reader makes', () => {
    const groups = [group('ga', [1, 2], 1024 * MIB), group('gb', [3, 4], 1024 * MIB)];
    // nq 10,000 x 20 keys: far within.
    expect(() => checkGroupsResultMemory(view, groups, 10_000, 20, keysOnly)).not.toThrow();
    // nq 10,000 x 400 keys: per query 2 x 400 segment hits of 8 bytes and 400 merged hits of
    // 320 + 3 x 20 bytes, 1.58 GB on each reader of a group.
    const e = refusal(() => checkGroupsResultMemory(view, groups, 10_000, 400, keysOnly));
    expect([e.code, e.errorCode]).toEqual([1100, 'IllegalArgument']);
    expect(e.message).toBe(
      "the request's results would take an estimated 1511 MiB on each replica of reader group ga, more than the 1024 MiB " +
        'granted to expensive requests there: lower nq or topk, or search fewer partitions',
    );
  });

  it('lets a group whose replicas have not reported a limit decide for themselves', () => {
    expect(() => checkGroupsResultMemory(view, [group('ga', [1, 2, 3, 4], Infinity)], 16_384, 16_384, keysOnly)).not.toThrow();
  });

  it('counts only the segments a group is sent', () => {
    // One segment of 7,500 rows: 10,000 x (400 x 8 + 400 x 380) = 1.55 GB; the group without segments holds nothing.
    const e = refusal(() => checkGroupsResultMemory(view, [group('ga', [], 1), group('gb', [3], 1024 * MIB)], 10_000, 400, keysOnly));
    expect(e.message).toMatch(/estimated 1480 MiB on each replica of reader group gb/);
  });
});

describe("a search's own shape check", () => {
  const index = { indexType: 'FLAT', metricType: 'L2' } as IndexRecord;
  const search = (nq: string | undefined, placeholder: Buffer) => ({
    nq,
    placeholder_group: placeholder,
    dsl: '',
    output_fields: ['id'],
    search_params: [
      { key: 'topk', value: '10' },
      { key: 'offset', value: '5' },
    ],
  });

  it('runs from the nq the request states, before its vectors are decoded', () => {
    const seen: [number, number][] = [];
    const check: SearchShapeCheck = (nq, params) => {
      seen.push([nq, params.topk + params.offset]);
      throw new MilvusError(1100, 'too large for the nodes');
    };
    // The vectors are not even valid: the refusal comes first.
    const e = refusal(() => prepareSearch(schema, index, search('10000', Buffer.from([0xff, 0xff])), DEFAULT_REQUEST_LIMITS, {}, check));
    expect(e.message).toBe('too large for the nodes');
    expect(seen).toEqual([[10_000, 15]]);
  });

  it('runs once from the vectors when the request states no nq', () => {
    const seen: number[] = [];
    const p = prepareSearch(
      schema,
      index,
      search(
        undefined,
        encodeQueryVectors([
          [1, 2, 3, 4],
          [4, 3, 2, 1],
        ]),
      ),
      DEFAULT_REQUEST_LIMITS,
      {},
      (nq) => seen.push(nq),
    );
    expect(p.nq).toBe(2);
    expect(seen).toEqual([2]);
  });
});
