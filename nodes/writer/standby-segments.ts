import type { Logger } from 'pino';
import { describeError } from '../../cluster/registry/schema.js';
import type { CollectionSchema } from '../../core/schema.js';
import type { VectorEngine } from '../../engine/engine.js';
import type { MetaStore, SegmentRecord } from '../../meta/store.js';
import { SealedSegment } from '../../segment/sealed.js';
import { readIndexManifest } from '../../storage/segment-files.js';

/** How often a standby looks for segments the leader sealed, compacted or dropped. */
export const FOLLOW_INTERVAL_MS = 1000;

interface Held {
  segment: SealedSegment;
  /** The schema it was loaded with: a field added since makes it stale. */
  schema: string;
}

/**
 * What keeps a standby writer hot (docs/writer-ha.md): it follows the sealed segments the
 * leader publishes in the metadata (reads are not fenced) and holds each loaded, with its
 * vector index open, so that a takeover loads only what the leader published in the last
 * interval. The log is not followed: a takeover replays the records after the last checkpoint,
 * which are the rows no seal has covered yet. `take` hands a held segment to the new leader's
 * Writer, brought up to date with the delete records and index published since it was loaded.
 */
export class StandbySegments {
  private readonly held = new Map<number, Held>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly opts: {
      meta: MetaStore;
      storageDir: string;
      engine: VectorEngine;
      log: Logger;
      intervalMs?: number;
    },
  ) {}

  /** Follows the metadata until stop(): one pass now, then one every interval. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops following; resolves once a pass under way has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling;
  }

  /** How many segments it holds loaded. */
  get size(): number {
    return this.held.size;
  }

  /**
   * The segment `rec` names, loaded, with the deletes and index its files hold now; undefined
   * when it does not hold it, or holds a copy that no longer matches (schema or index changed).
   * The caller owns what it takes.
   */
  async take(rec: SegmentRecord, schema: CollectionSchema): Promise<SealedSegment | undefined> {
    const held = this.held.get(rec.id);
    if (!held) return undefined;
    this.held.delete(rec.id);
    const { segment } = held;
    if (segment.path === rec.path && held.schema === JSON.stringify(schema) && (await this.indexCurrent(segment))) {
      await segment.refreshDeletes();
      await segment.refreshIndex(this.opts.engine);
      return segment;
    }
    await segment.release();
    return undefined;
  }

  /** Releases every segment still held (after a takeover took what it wanted, or on exit). */
  async releaseAll(): Promise<void> {
    const held = [...this.held.values()];
    this.held.clear();
    for (const { segment } of held) await segment.release().catch(() => undefined);
  }

  /** An index opened before it was dropped or rebuilt is stale; none yet is caught up by refreshIndex. */
  private async indexCurrent(segment: SealedSegment): Promise<boolean> {
    const opened = segment.indexInfo();
    if (!opened) return true;
    return JSON.stringify(await readIndexManifest(segment.root, segment.path)) === JSON.stringify(opened);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.polling = this.follow()
        .catch((e: unknown) => this.opts.log.warn({ err: describeError(e) }, "following the leader's segments failed; retrying"))
        .finally(() => {
          this.polling = undefined;
          this.schedule(this.opts.intervalMs ?? FOLLOW_INTERVAL_MS);
        });
    }, delayMs).unref();
  }

  /** One pass: loads segments the metadata lists and it does not hold, releases those it no longer lists. */
  private async follow(): Promise<void> {
    const listed = new Set<number>();
    for (const collection of await this.opts.meta.listCollections()) {
      const schema = JSON.stringify(collection.schema);
      for (const rec of await this.opts.meta.listSegments(collection.id)) {
        if (rec.state === 'growing' || rec.state === 'dropped') continue;
        listed.add(rec.id);
        if (this.stopped) return;
        const held = this.held.get(rec.id);
        if (held && held.schema === schema && held.segment.path === rec.path) continue;
        if (held) {
          this.held.delete(rec.id);
          await held.segment.release();
        }
        const segment = await SealedSegment.load(this.opts.storageDir, rec.path, rec.id, collection.schema, this.opts.engine).catch(
          (e: unknown) => {
            // Its files may be gone with a drop the next pass sees; the takeover loads it itself otherwise.
            this.opts.log.debug({ segment: rec.id, err: describeError(e) }, 'standby could not load a segment yet');
            return undefined;
          },
        );
        if (segment) this.held.set(rec.id, { segment, schema });
      }
    }
    for (const [id, { segment }] of this.held) {
      if (listed.has(id)) continue;
      this.held.delete(id);
      await segment.release();
    }
  }
}
