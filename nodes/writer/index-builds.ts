import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import { vectorField, type FieldSchema } from '../../core/schema.js';
import type { MetricType, VectorEngine, VectorSet } from '../../engine/engine.js';
import { engineBuildParams, engineIndexType } from '../../milvus/vector-indexes.js';
import type { IndexRecord, MetaStore } from '../../meta/store.js';
import { SealedSegment } from '../../segment/sealed.js';
import { indexDir, publishIndex, type IndexManifest } from '../../storage/segment-files.js';
import { track } from './background.js';
import type { CollectionState } from './collection-state.js';

export interface IndexBuildsOptions {
  storageDir: string;
  meta: MetaStore;
  engine: VectorEngine;
  log: Logger;
  /** Tells the metadata feed the collection changed (a segment became indexed). */
  publish(state: CollectionState): void;
}

/**
 * Background index builds of sealed segments: built by the engine, saved beside the segment
 * under a temporary name, published by rename, opened, and recorded as indexed. A build whose
 * segment, index or collection went away meanwhile publishes nothing.
 */
export class IndexBuilds {
  constructor(private readonly opts: IndexBuildsOptions) {}

  /** Starts building the collection's vector index for the segment, if it has one. */
  schedule(state: CollectionState, seg: SealedSegment): void {
    const index = state.vectorIndex();
    if (!index) return;
    const build = this.build(state, seg, index).catch((e) => {
      this.opts.log.error({ err: e, segment: seg.id }, 'index build failed; the segment is searched exactly');
    });
    track(state.builds, build);
  }

  /** Rows per collection that are indexed, for DescribeIndex progress. */
  progress(state: CollectionState): { indexed: number; total: number } {
    let indexed = 0;
    let total = 0;
    for (const seg of state.segments()) {
      total += seg.liveRows;
      if (seg instanceof SealedSegment && seg.indexInfo()) indexed += seg.liveRows;
    }
    return { indexed, total };
  }

  private async build(state: CollectionState, seg: SealedSegment, index: IndexRecord): Promise<void> {
    const manifest = indexManifestOf(index, vectorField(state.schema));
    const current = seg.indexInfo();
    if (current && current.indexType === manifest.indexType && current.metric === manifest.metric) return;
    const wanted = () => !state.dropped && state.indexes.includes(index) && state.sealed.has(seg.id);
    if (!(await writeIndexFiles(this.opts, seg.path, seg.vectorSet(), manifest, wanted))) return;
    await seg.openIndex(this.opts.engine, manifest);
    await this.opts.meta.updateSegment(seg.id, { state: 'indexed' });
    this.opts.publish(state);
  }
}

/**
 * Builds an index over a segment's vectors and publishes it beside the segment's files at
 * `path` (saved under a temporary name, then renamed), unless `wanted()` turns false while it
 * builds; resolves to whether it published. `threads` bounds the build's native threads.
 */
export async function writeIndexFiles(
  o: { storageDir: string; engine: VectorEngine },
  path: string,
  vectors: VectorSet,
  manifest: IndexManifest,
  wanted: () => boolean,
  threads?: number,
): Promise<boolean> {
  const built = await o.engine.build(vectors, manifest.metric, manifest.indexType, {
    ...manifest.params,
    ...(threads === undefined ? {} : { threads }),
  });
  const tmp = `${indexDir(o.storageDir, path)}.tmp`;
  try {
    if (!wanted()) return false;
    await mkdir(tmp, { recursive: true });
    await built.save(tmp);
  } finally {
    await built.close();
  }
  if (!wanted()) return false;
  await publishIndex(o.storageDir, path, manifest);
  return true;
}

/** How a collection's index record on `field` maps onto the engine (milvus/vector-indexes.ts: engineIndexType). */
export function indexManifestOf(index: IndexRecord, field: FieldSchema): IndexManifest {
  return {
    indexType: engineIndexType(index.indexType, field),
    metric: index.metricType as MetricType,
    params: engineBuildParams(index.indexType, field, index.params),
  };
}
