import { describe, expect, it } from 'vitest';
import { planCompactions, type PlanCandidate, type PlanOptions } from '../../nodes/writer/compaction-plan.js';

const rowsTarget = (value: number, deletedRatio = 0.2): PlanOptions => ({ target: { unit: 'rows', value }, deletedRatio });
const seg = (id: number, liveRows: number, o: Partial<PlanCandidate> = {}): PlanCandidate => ({
  id,
  partitionId: 1,
  rows: liveRows,
  liveRows,
  bytes: liveRows * 100,
  ...o,
});

describe('planCompactions', () => {
  it('packs small segments into groups of at most the target, largest first', () => {
    const plans = planCompactions([seg(1, 40), seg(2, 70), seg(3, 30), seg(4, 60), seg(5, 10)], rowsTarget(100));
    // 70 + 30 and 60 + 40, then 10 alone: left as it is.
    expect(plans).toEqual([
      { partitionId: 1, sources: [1, 4] },
      { partitionId: 1, sources: [2, 3] },
    ]);
  });

  it('merges forty equal small segments into ceil(rows / target) groups', () => {
    const plans = planCompactions(
      Array.from({ length: 40 }, (_, i) => seg(i + 1, 25)),
      rowsTarget(100),
    );
    expect(plans).toHaveLength(10);
    expect(plans.every((p) => p.sources.length === 4)).toBe(true);
    expect(new Set(plans.flatMap((p) => p.sources)).size).toBe(40);
  });

  it('leaves segments at the target size alone unless their deleted share passes the threshold', () => {
    expect(planCompactions([seg(1, 100), seg(2, 150)], rowsTarget(100))).toEqual([]);
    const plans = planCompactions([seg(1, 100), seg(2, 70, { rows: 100 }), seg(3, 79, { rows: 100 })], rowsTarget(100, 0.2));
    // 2 has 30% deleted: rewritten; 3 has 21%: rewritten too; 2 and 3 cannot share a group.
    expect(plans).toEqual([
      { partitionId: 1, sources: [2] },
      { partitionId: 1, sources: [3] },
    ]);
  });

  it('does not rewrite a lone segment at or under the deleted threshold', () => {
    expect(planCompactions([seg(1, 80, { rows: 100 })], rowsTarget(100, 0.2))).toEqual([]);
  });

  it('counts live rows only, so deleted rows make room', () => {
    const plans = planCompactions([seg(1, 50, { rows: 90 }), seg(2, 50, { rows: 90 })], rowsTarget(100, 0.9));
    expect(plans).toEqual([{ partitionId: 1, sources: [1, 2] }]);
  });

  it('never merges across partitions', () => {
    const plans = planCompactions(
      [seg(1, 10), seg(2, 10, { partitionId: 2 }), seg(3, 10), seg(4, 10, { partitionId: 2 })],
      rowsTarget(100),
    );
    expect(plans).toEqual([
      { partitionId: 1, sources: [1, 3] },
      { partitionId: 2, sources: [2, 4] },
    ]);
  });

  it('sizes by data bytes when the target is in MiB', () => {
    const mib = 1024 * 1024;
    const target: PlanOptions = { target: { unit: 'MiB', value: 10 }, deletedRatio: 0.2 };
    // 4 MiB, 4 MiB and 4 MiB: two fit in 10 MiB, the third stays alone.
    const plans = planCompactions(
      [seg(1, 1000, { bytes: 4 * mib }), seg(2, 1000, { bytes: 4 * mib }), seg(3, 1000, { bytes: 4 * mib })],
      target,
    );
    expect(plans).toEqual([{ partitionId: 1, sources: [1, 2] }]);
    // Half of 1's rows deleted: its live data is 2 MiB, and all three fit.
    const after = planCompactions(
      [seg(1, 500, { rows: 1000, bytes: 4 * mib }), seg(2, 1000, { bytes: 4 * mib }), seg(3, 1000, { bytes: 4 * mib })],
      target,
    );
    expect(after).toEqual([{ partitionId: 1, sources: [1, 2, 3] }]);
  });

  it('rewrites a fully deleted segment on its own (to nothing)', () => {
    expect(planCompactions([seg(1, 0, { rows: 50 }), seg(2, 100)], rowsTarget(100))).toEqual([{ partitionId: 1, sources: [1] }]);
  });
});
