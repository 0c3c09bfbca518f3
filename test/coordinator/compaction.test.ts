import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readDeletes, readSegment, segmentPath } from '../../storage/segment-files.js';
import { CheckedSearches, TestCluster } from '../harness/cluster.js';

/**
 * Automatic compaction on a 3-group cluster while searches run without pause: 44 small
 * flushed segments (one with 32% of its rows deleted) are merged towards the target size,
 * the new segments are handed off to their owners and the old ones dropped, and every search
 * (FLAT, Strong) equals the brute force over the live rows throughout: never a row twice (both
 * sets), never one missing (neither). The new segments' files hold no deleted row.
 */
const DIM = 8;
const SEGMENTS = 44;
const PER_SEGMENT = 25;
const TARGET = 200;
const GROUPS = 3;
/**
 * The first automatic round comes this long after the writer starts: after the cluster is up
 * and seeded (16 to 27 s on a busy 2-core machine), so that the searches see the compaction happen.
 */
const INTERVAL_S = 45;
const cluster = new TestCluster();
let rows: Map<number, number[]>;
/** 8 of the 25 rows of one segment, deleted before the compaction. */
const DELETED = [250, 252, 254, 256, 258, 260, 262, 264];
const queries = Array.from({ length: 12 }, (_, i) => Array.from({ length: DIM }, (_, j) => Math.cos(i * 1.3 + j * 0.7)));

beforeAll(async () => {
  await cluster.start(
    [
      { name: 'r1', group: 'g1' },
      { name: 'r2', group: 'g2' },
      { name: 'r3', group: 'g3' },
    ],
    PER_SEGMENT,
    ['--segment-size', String(TARGET), '--compaction-interval', String(INTERVAL_S), '--compaction-retention', '3'],
  );
  rows = await cluster.seed('merging', DIM, SEGMENTS, PER_SEGMENT);
  const del = await cluster.client.delete({ collection_name: 'merging', filter: `id in [${DELETED.join(',')}]` });
  expect(del.status.error_code).toBe('Success');
  for (const id of DELETED) rows.delete(id);
});

afterAll(() => cluster.stop());

const persistentSegments = async () => (await cluster.client.getPersistentSegmentInfo({ collectionName: 'merging' })).infos;

it('answers every search exactly while automatic compaction merges and hands off segments', async () => {
  // Seeded before the first automatic round: searches run before, during and after it.
  expect((await persistentSegments()).length).toBe(SEGMENTS);
  const checked = new CheckedSearches(cluster.client, 'merging', queries, [rows]);

  const limit = Math.ceil(rows.size / TARGET) + GROUPS;
  let beforeFirstMerge: number | undefined;
  await cluster.until(
    `at most ${limit} segments, each held by one reader, the old ones released`,
    async () => {
      const infos = await persistentSegments();
      if (infos.length < SEGMENTS) beforeFirstMerge ??= checked.searches;
      if (infos.length > limit) return false;
      const inService = new Set(infos.map((s) => Number(s.segmentID)));
      const held = [...(await cluster.holdings('merging')).values()].flat();
      return held.length === inService.size && held.every((id) => inService.has(id));
    },
    180_000,
  );
  const settled = checked.searches;
  await cluster.until('searches ran on the compacted layout', async () => checked.searches > settled + 30);
  await checked.stop();
  expect(checked.failures).toEqual([]);
  expect(beforeFirstMerge).toBeGreaterThan(0);
  expect(checked.searches).toBeGreaterThan(beforeFirstMerge! + 30);
  const infos = await persistentSegments();
  expect(infos.reduce((n, s) => n + Number(s.num_rows), 0)).toBe(rows.size);
  // Compaction copied live rows only: no segment in service stores a deleted one.
  for (const s of infos) {
    const path = segmentPath(Number(s.collectionID), Number(s.partitionID), Number(s.segmentID));
    const files = await readSegment(join(cluster.dir, 'storage'), path, Number(s.segmentID));
    const keys = [...(files.columns.get('id')!.values as BigInt64Array)].map(Number);
    expect(keys.filter((k) => DELETED.includes(k))).toEqual([]);
    expect((await readDeletes(join(cluster.dir, 'storage'), path, 0)).records).toEqual([]);
  }
  // What the coordinator says of the query side: the same segments, each on one reader.
  const query = await cluster.client.getQuerySegmentInfo({ collectionName: 'merging' });
  expect(query.infos.map((s) => String(s.segmentID)).sort()).toEqual(infos.map((s) => String(s.segmentID)).sort());
  expect(query.infos.every((s) => s.nodeIds.length === 1 && Number(s.nodeIds[0]) >= 3)).toBe(true);
});
