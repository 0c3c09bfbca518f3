import type { Logger } from 'pino';
import { CoalescingRunner } from '../../core/coalescing-runner.js';
import { readerGroups, type Discovery } from '../../cluster/discovery.js';
import type { MetadataCache } from '../../cluster/metadata-cache.js';
import { servedSegmentIds } from '../../meta/collection-view.js';
import { createRouter, DEFAULT_ROUTER } from '../../cluster/routing/registry.js';
import type { ReaderSegments } from './reader-source.js';

/**
 * A reader that knows the cluster (the writer's metadata feed and the membership) loads the
 * segments of loaded partitions its group owns on the same ring the coordinators use, as soon
 * as they are sealed or their partition is loaded, without waiting to be asked. Releasing stays with the coordinators, which know when the
 * new owner of a segment has it (warm hand-off).
 */
export class Preloader {
  private readonly passes: CoalescingRunner;

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
    const router = createRouter(DEFAULT_ROUTER, groups);
    for (const view of this.cache.all()) {
      const served = servedSegmentIds(view);
      if (!served.length) continue;
      const mine = router.assign(served).get(this.group) ?? [];
      const held = new Set(
        this.segments
          .list()
          .filter((s) => s.collection === view.record.name)
          .map((s) => s.segment.id),
      );
      const missing = mine.filter((id) => !held.has(id));
      if (!missing.length) continue;
      const res = await this.segments.load(view.record.name, missing);
      for (const err of res.errors) this.log.error({ segment: err.segment_id, reason: err.reason }, 'preload failed');
    }
  }
}
