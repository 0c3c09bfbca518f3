import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PrimaryKey } from '../../core/columns.js';
import type { CollectionState } from '../../nodes/writer/collection-state.js';
import { writerSegmentSource } from '../../nodes/writer/segment-source.js';
import type { Writer } from '../../nodes/writer/writer.js';
import { readDeletes, readSegment } from '../../storage/segment-files.js';
import { closeLastWriter, closeWriters, defaultDatabase, freshWriter, remove, seed, startWriter } from '../harness/in-process-writer.js';
import { waitUntil } from '../harness/wait.js';

/**
 * Compaction on the writer, in process: merges into segments near the target size, rewrites
 * segments with many deletes, keeps every row exactly once through the swap (deletes that
 * arrive while the new segment is written included), retires and then drops the sources, and
 * recovers the deletes of a swap cut short.
 */
afterEach(closeWriters);

/** Every live row of the segments in service, by key: each must be there exactly once. */
function liveRows(state: CollectionState): Map<PrimaryKey, number> {
  const out = new Map<PrimaryKey, number>();
  for (const seg of state.segments()) {
    for (let i = 0; i < seg.length; i++) if (!seg.isDeleted(i)) out.set(seg.pk(i), (out.get(seg.pk(i)) ?? 0) + 1);
  }
  return out;
}

function expectExactly(state: CollectionState, ids: Iterable<number>): void {
  const live = liveRows(state);
  const want = [...ids].sort((a, b) => a - b);
  expect([...live.keys()].map(Number).sort((a, b) => a - b)).toEqual(want);
  expect([...live.values()].every((n) => n === 1)).toBe(true);
}

async function completed(writer: Writer, id: number): Promise<void> {
  await waitUntil(`compaction ${id} completed`, async () => writer.compactionJob(id)!.plans.every((p) => p.state !== 'executing'));
  expect(writer.compactionJob(id)!.plans.map((p) => p.state)).toEqual(writer.compactionJob(id)!.plans.map(() => 'completed'));
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('compaction on the writer', () => {
  it('merges small segments into target-size ones; the sources retire, then leave with their files', async () => {
    const { writer, meta, state, dir } = await freshWriter({ retentionMs: 300 });
    await seed(writer, state, 12, 25);
    const before = [...state.sealed.values()];
    expect(before).toHaveLength(12);

    const { id, plans } = await writer.compact(state, {});
    expect(plans).toBe(3);
    await completed(writer, id);
    expect([...state.sealed.values()].map((s) => s.length)).toEqual([100, 100, 100]);
    expectExactly(state, range(0, 300));
    // Retiring until dropped: listed with the segment they went into, still held for readers.
    const view = writer.view(state);
    expect(view.segments.filter((s) => s.compactedInto === undefined)).toHaveLength(3);
    expect(view.segments.filter((s) => s.compactedInto !== undefined).map((s) => s.id)).toEqual(before.map((s) => s.id));
    const plansOf = writer.compactionJob(id)!.plans;
    expect(plansOf.flatMap((p) => p.sources).sort((a, b) => a - b)).toEqual(before.map((s) => s.id));
    expect(plansOf.map((p) => p.target).sort()).toEqual([...state.sealed.keys()].sort());

    await waitUntil('the sources are dropped', async () => state.retiring.size === 0);
    await writer.settle();
    expect((await meta.listSegments(state.id)).map((s) => s.id).sort()).toEqual([...state.sealed.keys()].sort());
    for (const s of before) expect(existsSync(join(dir, 'storage', s.path))).toBe(false);
    expect(writer.view(state).segments).toHaveLength(3);
    expectExactly(state, range(0, 300));
  });

  it('answers a writer request that covers old segments with their uncovered siblings, not the new segment', async () => {
    const { writer, state } = await freshWriter();
    await seed(writer, state, 4, 25);
    const [o1, o2, o3, o4] = [...state.sealed.keys()];
    await completed(writer, (await writer.compact(state, {})).id);
    const [merged] = [...state.sealed.keys()];
    const source = writerSegmentSource(writer);
    const ids = async (covered: number[]) =>
      (await source.segments(state.id, [], 'all', covered, false))
        .map((s) => s.id)
        .filter((id) => id > 0)
        .sort((a, b) => a - b);
    // A coordinator that knows the compaction covers the new segment or all of the old set.
    expect(await ids([])).toEqual([merged]);
    expect(await ids([merged!])).toEqual([]);
    expect(await ids([o1!, o2!, o3!, o4!])).toEqual([]);
    // One whose view predates it covered some old segments on readers: the rest, not the new one.
    expect(await ids([o1!, o3!])).toEqual([o2, o4]);
    // And old segments named explicitly are still served.
    expect((await source.segments(state.id, [o2!], 'none', [], false)).map((s) => s.id)).toEqual([o2]);
  });

  it('rewrites a segment with 30% of its rows deleted; its files no longer hold them', async () => {
    const { writer, state, dir } = await freshWriter({ target: { unit: 'rows', value: 1000 } });
    await seed(writer, state, 1, 100);
    const doomed = range(0, 100).filter((i) => i % 10 < 3);
    await remove(writer, state, doomed);
    const [old] = [...state.sealed.values()];
    await completed(writer, (await writer.compact(state, {})).id);
    const [rewritten] = [...state.sealed.values()];
    expect(rewritten!.id).not.toBe(old!.id);
    const files = await readSegment(join(dir, 'storage'), rewritten!.path, rewritten!.id);
    const keys = [...(files.columns.get('id')!.values as BigInt64Array)].map(Number);
    expect(keys).toEqual(range(0, 100).filter((i) => !doomed.includes(i)));
    expect(files.manifest.rows).toBe(70);
    // The nullable column kept its nulls.
    const tag = files.columns.get('tag')!;
    expect(keys.map((_, i) => (tag.valid![i] ? (tag.values as string[])[i] : null))).toEqual(
      keys.map((k) => (k % 3 === 0 ? null : `t${k}`)),
    );
    expectExactly(
      state,
      range(0, 100).filter((i) => !doomed.includes(i)),
    );
  });

  it('drops a fully deleted segment without writing a new one', async () => {
    const { writer, meta, state } = await freshWriter({ target: { unit: 'rows', value: 1000 } });
    await seed(writer, state, 2, 50);
    await remove(writer, state, range(0, 50));
    const id = (await writer.compact(state, {})).id;
    await completed(writer, id);
    // Both in one plan (50 live rows fit): one new segment of 50.
    expect([...state.sealed.values()].map((s) => s.length)).toEqual([50]);
    await remove(writer, state, range(50, 100));
    const again = await writer.compact(state, {});
    await completed(writer, again.id);
    expect(writer.compactionJob(again.id)!.plans.map((p) => p.target)).toEqual([-1]);
    expect(state.sealed.size).toBe(0);
    expect((await meta.listSegments(state.id)).filter((s) => s.compactedInto === undefined)).toEqual([]);
  });

  it('re-applies deletes that arrive while the new segment is written, and keeps them across a restart without its delete log', async () => {
    const { writer, state, dir } = await freshWriter({ target: { unit: 'rows', value: 4000 } });
    await writer.createIndex(state, { fieldName: 'v', indexName: 'v', indexType: 'HNSW', metricType: 'L2', params: {} });
    await seed(writer, state, 4, 1000);
    await writer.settle();
    const { id } = await writer.compact(state, {});
    // Once the sources are claimed, the new segment is being written and indexed: deletes now
    // hit the old set only, and must follow it into the new one.
    await waitUntil('the compaction claimed its sources', async () => state.compacting.size === 4, 10_000);
    const doomed = range(0, 4000).filter((i) => i % 97 === 0);
    for (const chunk of [doomed.slice(0, 20), doomed.slice(20)]) await remove(writer, state, chunk);
    await completed(writer, id);
    const [merged] = [...state.sealed.values()];
    const kept = range(0, 4000).filter((i) => !doomed.includes(i));
    expectExactly(state, kept);
    // The swap logged them for readers of the new segment.
    const logged = await readDeletes(join(dir, 'storage'), merged!.path, 0);
    expect(
      logged.records
        .flatMap((r) => r.pks)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(doomed);

    // A crash between the commit and the swap loses those appends: recovery re-applies the
    // sources' delete logs. Flush first, so the write-ahead log no longer holds the deletes.
    await writer.flush(state);
    await closeLastWriter();
    rmSync(join(dir, 'storage', merged!.path, 'deletes.log'));
    const { writer: again } = await startWriter(dir);
    const restarted = defaultDatabase(again).collections.get('pile')!;
    expect(restarted.retiring.size).toBe(4);
    expectExactly(restarted, kept);
    await again.settle();
    const relogged = await readDeletes(join(dir, 'storage'), merged!.path, 0);
    expect(
      relogged.records
        .flatMap((r) => r.pks)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(doomed);
  });

  it('compacts automatically in the background', async () => {
    const { writer, state } = await freshWriter({ intervalMs: 100 });
    await seed(writer, state, 8, 20);
    await waitUntil('automatic compaction merged the segments', async () => state.sealed.size <= 2 && state.compactionTasks.size === 0);
    expect([...state.sealed.values()].reduce((n, s) => n + s.length, 0)).toBe(160);
    expectExactly(state, range(0, 160));
  });
});
