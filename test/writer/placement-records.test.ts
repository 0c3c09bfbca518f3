import { afterEach, describe, expect, it } from 'vitest';
import type { ReportedPlacement } from '../../nodes/data-node-api.js';
import type { CollectionState } from '../../nodes/writer/collection-state.js';
import type { Writer } from '../../nodes/writer/writer.js';
import { Code } from '../../milvus/status.js';
import { closeLastWriter, closeWriters, defaultDatabase, freshWriter, seed, startWriter } from '../harness/in-process-writer.js';
import { waitUntil } from '../harness/wait.js';

/**
 * The placement coordinators record on the writer (ReportPlacement): recorded only when
 * computed from the current metadata, published in the view, kept across a restart; and
 * compaction sources dropped once reported released.
 */
afterEach(closeWriters);

/** The served segments of the pile collection with their recorded groups, as a coordinator's view has them. */
function served(writer: Writer, state: CollectionState): { id: number; placedGroup: string | undefined }[] {
  return writer
    .view(state)
    .segments.filter((s) => s.compactedInto === undefined)
    .map((s) => ({ id: s.id, placedGroup: s.placedGroup }));
}

/** A report placing every served segment on `group(i)`, from the recorded groups in `from`. */
const report = (from: { id: number; placedGroup: string | undefined }[], group: (i: number) => string): ReportedPlacement[] =>
  from.map((s, i) => ({ segmentId: s.id, group: group(i), anchor: s.placedGroup }));

async function loadedPile(segments: number) {
  const fixture = await freshWriter();
  await fixture.writer.changeLoadState(fixture.state, { action: 'load', partitionIds: 'all' });
  await seed(fixture.writer, fixture.state, segments, 10);
  return fixture;
}

describe('placement records', () => {
  it('records a placement computed from the current metadata, publishes it, and keeps it across a restart', async () => {
    const { writer, state, dir } = await loadedPile(4);
    const version = writer.version;
    const before = served(writer, state);
    expect(before.every((s) => s.placedGroup === undefined)).toBe(true);
    const placements = report(before, (i) => `g${i % 2}`);
    expect(await writer.reportPlacement(placements, [])).toEqual({ recorded: 4, stale: false });
    expect(writer.version).toBe(version + 1);
    expect(served(writer, state).map((s) => s.placedGroup)).toEqual(['g0', 'g1', 'g0', 'g1']);
    // The same placement from the new metadata changes nothing and publishes nothing.
    expect(
      await writer.reportPlacement(
        report(served(writer, state), (i) => `g${i % 2}`),
        [],
      ),
    ).toEqual({ recorded: 0, stale: false });
    expect(writer.version).toBe(version + 1);

    await closeLastWriter();
    const { writer: again } = await startWriter(dir);
    expect(served(again, defaultDatabase(again).collections.get('pile')!).map((s) => s.placedGroup)).toEqual(['g0', 'g1', 'g0', 'g1']);
  });

  it('refuses a placement computed from older metadata, recording none of it', async () => {
    const { writer, state } = await loadedPile(3);
    const old = served(writer, state);
    await writer.reportPlacement(
      report(old, () => 'g0'),
      [],
    );
    const current = served(writer, state);
    // Another coordinator's report, from before the first was recorded: its anchors are stale.
    expect(
      await writer.reportPlacement(
        report(old, () => 'g1'),
        [],
      ),
    ).toEqual({ recorded: 0, stale: true });
    // One that does not know a segment sealed since, and one that lists a segment not served.
    await seed(writer, state, 1, 10);
    expect(
      await writer.reportPlacement(
        report(current, () => 'g1'),
        [],
      ),
    ).toEqual({ recorded: 0, stale: true });
    const now = served(writer, state);
    expect(
      await writer.reportPlacement(
        report([...now, { id: 999, placedGroup: undefined }], () => 'g1'),
        [],
      ),
    ).toEqual({
      recorded: 0,
      stale: true,
    });
    expect(served(writer, state).map((s) => s.placedGroup)).toEqual(['g0', 'g0', 'g0', undefined]);
    // From the current metadata it is recorded.
    expect(
      await writer.reportPlacement(
        report(now, () => 'g1'),
        [],
      ),
    ).toEqual({ recorded: 4, stale: false });
  });

  it('counts only segments of loaded partitions as served', async () => {
    const { writer, state } = await freshWriter();
    await seed(writer, state, 2, 10);
    expect(
      await writer.reportPlacement(
        report(served(writer, state), () => 'g0'),
        [],
      ),
    ).toEqual({ recorded: 0, stale: true });
    expect(await writer.reportPlacement([], [])).toEqual({ recorded: 0, stale: false });
  });

  it('refuses an empty or overlong group name with a clear status', async () => {
    const { writer, state } = await loadedPile(1);
    for (const group of ['', 'g'.repeat(256)]) {
      await expect(
        writer.reportPlacement(
          report(served(writer, state), () => group),
          [],
        ),
      ).rejects.toMatchObject({
        code: Code.ParameterInvalid,
        message: expect.stringContaining('a reader group name must have 1 to 255 characters'),
      });
    }
  });

  it('leaves a compaction target unplaced: it takes the place of its sources', async () => {
    const { writer, state } = await loadedPile(4);
    await writer.reportPlacement(
      report(served(writer, state), () => 'g0'),
      [],
    );
    const { id } = await writer.compact(state, {});
    await waitUntil('the compaction is over', async () => writer.compactionJob(id)!.plans.every((p) => p.state !== 'executing'));
    expect(served(writer, state)).toEqual([{ id: [...state.sealed.keys()][0], placedGroup: undefined }]);
  });
});

describe('compaction sources after a release report', () => {
  it('drops the sources as soon as a coordinator reports no reader holds them, long before the retention', async () => {
    const { writer, state } = await freshWriter({ retentionMs: 3_600_000 });
    await seed(writer, state, 4, 25);
    const sources = [...state.sealed.keys()];
    const { id } = await writer.compact(state, {});
    await waitUntil('the compaction is over', async () => writer.compactionJob(id)!.plans.every((p) => p.state !== 'executing'));
    expect([...state.retiring.keys()]).toEqual(sources);
    // Not all of them released: they stay.
    await writer.reportPlacement([], sources.slice(1));
    await writer.settle();
    expect([...state.retiring.keys()]).toEqual(sources);
    await writer.reportPlacement([], [...sources, 12345]);
    await waitUntil('the sources are dropped', async () => state.retiring.size === 0);
    expect(writer.view(state).segments.map((s) => s.id)).toEqual([...state.sealed.keys()]);
  });
});
