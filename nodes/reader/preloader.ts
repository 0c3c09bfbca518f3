import type { Logger } from 'pino';
import type { Discovery } from '../../ext-proc/cluster/discovery.js';
import type { MetadataCache } from '../../ext-proc/cluster/metadata-cache.js';
import { createRouter, DEFAULT_ROUTER } from '../../ext-proc/routing/registry.js';
import type { ReaderSegments } from './reader-source.js';

/**
 * A reader that knows the cluster (the writer's metadata feed and the membership) loads the
 * segments its group owns on the same ring the coordinators use, as soon as they are sealed,
 * without waiting to be asked. Releasing stays with the coordinators, which know when the
 * new owner of a segment has it (warm hand-off).
 */
export class Preloader {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly group: string,
    private readonly cache: MetadataCache,
    private readonly discovery: Discovery,
    private readonly segments: ReaderSegments,
    private readonly log: Logger,
  ) {
    cache.on('change', () => this.kick());
    discovery.on('change', () => this.kick());
  }

  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((e) => this.log.error({ err: e }, 'preload pass failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async pass(): Promise<void> {
    const groups = [...new Set(this.discovery.members().filter((m) => m.role === 'reader').map((m) => m.group!))];
    if (!groups.includes(this.group)) return;
    const router = createRouter(DEFAULT_ROUTER, groups);
    for (const view of this.cache.all()) {
      if (!view.record.loaded) continue;
      const mine = router.assign(view.segments.map((s) => s.id)).get(this.group) ?? [];
      const held = new Set(this.segments.list().filter((s) => s.collection === view.record.name).map((s) => s.segment.id));
      const missing = mine.filter((id) => !held.has(id));
      if (!missing.length) continue;
      const res = await this.segments.load(view.record.name, missing);
      for (const err of res.errors) this.log.error({ segment: err.segment_id, reason: err.reason }, 'preload failed');
    }
  }
}
