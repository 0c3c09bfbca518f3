import type { Logger } from 'pino';
import { CoalescingRunner } from '../../core/coalescing-runner.js';
import { readerGroups, type Discovery } from '../../cluster/discovery.js';
import type { MetadataCache } from '../../cluster/metadata-cache.js';
import { servedSegmentIds } from '../../meta/collection-view.js';
import { createRouter, DEFAULT_ROUTER } from '../../cluster/routing/registry.js';
import type { Router } from '../../cluster/routing/router.js';
import { ServedAssignment } from '../../cluster/served-assignment.js';
import type { ReaderSegments } from './reader-source.js';

/**
 * A reader that knows the cluster (the writer's metadata feed and the membership) loads the
 * segments of loaded partitions its group owns, placed by the same router over the same served
 * segments and recorded groups as the coordinators place them, as soon as they are sealed or
 * their partition is loaded, without waiting to be asked or for the placement to be recorded.
 * Recording and releasing stay with the coordinators, which know when the new owner of a
 * segment has it (warm hand-off).
 */
export class Preloader {
  private readonly passes: CoalescingRunner;
  private router: Router | undefined;
  private readonly served = new ServedAssignment();

  constructor(
    private readonly group: string,
    private readonly cache: MetadataCache,
    private readonly discovery: Discovery,
    private readonly segments: ReaderSegments,
    private readonly log: Logger,
  ) {
    this.passes = new CoalescingRunner(
      () => this.pass(),
      (e) => this.log.error({ err: e }, 'preload pass failed'),
    );
    cache.on('change', () => void this.passes.request());
    discovery.on('change', () => void this.passes.request());
  }

  private async pass(): Promise<void> {
    const groups = readerGroups(this.discovery.members());
    if (!groups.includes(this.group)) return;
    // Keeping the router while the groups stay lets the last assignment be reused while nothing placed changed.
    const sorted = [...groups].sort();
    if (this.router?.groups.length !== sorted.length || this.router.groups.some((g, i) => g !== sorted[i])) {
      this.router = createRouter(DEFAULT_ROUTER, groups);
    }
    const views = this.cache.all();
    const assignment = this.served.of(this.router, views);
    for (const view of views) {
      const served = servedSegmentIds(view);
      if (!served.length) continue;
      const mine = assignment.partition(served).get(this.group) ?? [];
      const held = new Set(
        this.segments
          .list()
          .filter((s) => s.collection === view.record.id)
          .map((s) => s.segment.id),
      );
      const missing = mine.filter((id) => !held.has(id));
      if (!missing.length) continue;
      const res = await this.segments.load(view.record.id, missing);
      for (const err of res.errors) this.log.error({ segment: err.segment_id, reason: err.reason }, 'preload failed');
    }
  }
}
