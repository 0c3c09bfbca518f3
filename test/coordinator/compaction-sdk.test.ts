import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectExactTopK, TestCluster } from '../harness/cluster.js';
import { waitUntil } from '../harness/wait.js';

/**
 * The SDK's compaction flow through a coordinator: compact and the compaction states are
 * relayed to the writer, getQuerySegmentInfo is answered by the coordinator with the readers
 * holding each segment; before and after, the segment lists agree with the plans.
 */
const DIM = 4;
const C = 'relayed';
const cluster = new TestCluster();
let rows: Map<number, number[]>;

beforeAll(async () => {
  await cluster.start(
    [
      { name: 'r1', group: 'g1' },
      { name: 'r2', group: 'g2' },
    ],
    25,
    ['--segment-size', '100'],
  );
  rows = await cluster.seed(C, DIM, 8, 25);
});

afterAll(() => cluster.stop());

/** Segment ids as the wire carries them (int64 as decimal strings), sorted. */
const ids = (infos: { segmentID: unknown }[]) => infos.map((i) => String(i.segmentID)).sort();
/** The readers' ids in GetMetrics: the coordinator is 1, the writer 2, readers from 3. */
const onReaders = (infos: { nodeIds: unknown[] }[]) => infos.every((i) => i.nodeIds.length === 1 && Number(i.nodeIds[0]) >= 3);

it('compacts through the coordinator, as getPersistentSegmentInfo and getQuerySegmentInfo show before and after', async () => {
  const client = cluster.client;
  const before = await client.getPersistentSegmentInfo({ collectionName: C });
  expect(before.infos.map((i) => String(i.num_rows))).toEqual(Array(8).fill('25'));
  await waitUntil('the readers hold every segment', async () => onReaders((await client.getQuerySegmentInfo({ collectionName: C })).infos));
  expect(ids((await client.getQuerySegmentInfo({ collectionName: C })).infos)).toEqual(ids(before.infos));

  const started = await client.compact({ collection_name: C });
  expect([started.status.error_code, started.compactionPlanCount]).toEqual(['Success', 2]);
  await waitUntil(
    'the compaction completed',
    async () => String((await client.getCompactionState({ compactionID: started.compactionID })).state) === 'Completed',
  );
  const plans = await client.getCompactionStateWithPlans({ compactionID: started.compactionID });
  expect(plans.mergeInfos.flatMap((m) => m.sources.map(String)).sort()).toEqual(ids(before.infos));

  const after = await client.getPersistentSegmentInfo({ collectionName: C });
  expect(after.infos.map((i) => String(i.num_rows))).toEqual(['100', '100']);
  expect(ids(after.infos)).toEqual(plans.mergeInfos.map((m) => String(m.target)).sort());
  // Right away the coordinator lists the new segments (on the writer until readers load them).
  expect(ids((await client.getQuerySegmentInfo({ collectionName: C })).infos)).toEqual(ids(after.infos));
  await waitUntil('the readers hold the new segments', async () =>
    onReaders((await client.getQuerySegmentInfo({ collectionName: C })).infos),
  );

  const q = [0.5, 0.25, 1, 0];
  const res = await client.search({ collection_name: C, data: [q], limit: 10 });
  expectExactTopK(
    res.results.map((r: any) => Number(r.id)),
    rows,
    q,
    10,
  );
  expect((await client.count({ collection_name: C })).data).toBe(rows.size);
});
