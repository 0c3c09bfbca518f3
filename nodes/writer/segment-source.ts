import { collectionNotFound } from '../../milvus/status.js';
import { SegmentNotLoadedError, type SegmentSource } from '../data-node-api.js';
import type { Segment } from '../../segment/segment.js';
import type { Writer } from './writer.js';

/**
 * The writable node as a data node: it holds every sealed segment it wrote (retiring ones
 * too, until they are dropped) plus the growing ones, so loading is a no-op and growing data
 * is always available.
 */
export function writerSegmentSource(writer: Writer): SegmentSource {
  // Coordinators name collections by id, as their views do.
  const state = (id: number) => {
    const c = writer.collections.get(id);
    if (!c) throw collectionNotFound(String(id));
    return c;
  };
  return {
    // The writer makes every schema change: its copy is the newest.
    async schema(id) {
      return state(id).schema;
    },
    async segments(id, ids, share, covered) {
      const c = state(id);
      const held = (id: number) => c.sealed.get(id) ?? c.retiring.get(id)?.segment;
      const missing = ids.filter((id) => !held(id));
      if (missing.length) throw new SegmentNotLoadedError(missing);
      const out: Segment[] = ids.map((id) => held(id)!);
      if (share !== 'none') out.push(...c.sealedBeyond(new Set([...ids, ...covered])));
      if (share === 'all') out.push(...c.unsealedSegments());
      return out;
    },
    async load(collectionId, ids) {
      const c = state(collectionId);
      return {
        loaded: ids.filter((id) => c.sealed.has(id)),
        errors: ids
          .filter((id) => !c.sealed.has(id))
          .map((id) => ({ segment_id: String(id), reason: `segment ${id} is not a sealed segment of ${c.record.name}` })),
      };
    },
    async release() {},
    appliedLsn: () => writer.appliedLsn,
    list() {
      const out: ReturnType<SegmentSource['list']> = [];
      for (const c of writer.collections.values()) {
        for (const s of c.sealed.values())
          out.push({ collection: c.id, segment: s, indexType: s.indexInfo()?.indexType ?? '', growing: false });
        for (const s of c.unsealedSegments()) out.push({ collection: c.id, segment: s, indexType: '', growing: true });
      }
      return out;
    },
  };
}
