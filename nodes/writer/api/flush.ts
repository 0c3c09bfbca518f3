import { DEFAULT_DATABASE } from '../../../meta/store.js';
import { hybridTs, physicalMs } from '../../../milvus/timestamps.js';
import type { Handlers, WriterApi } from './context.js';

/** Flush: seal and persist growing rows, and say when rows written before a point are flushed. */
export function flushHandlers(api: WriterApi): Handlers<'Flush' | 'GetFlushState' | 'FlushAll' | 'GetFlushAllState'> {
  const { writer } = api;
  return {
    async Flush(req) {
      const names: string[] = req.collection_names ?? [];
      const collSegIDs: Record<string, { data: string[] }> = {};
      const flushSegIDs: Record<string, { data: string[] }> = {};
      const sealTimes: Record<string, string> = {};
      for (const name of names) {
        const c = api.collection(req.db_name, name);
        const sealed = await writer.flush(c);
        flushSegIDs[name] = { data: sealed.map(String) };
        collSegIDs[name] = { data: [...c.sealed.keys()].map(String) };
        sealTimes[name] = String(Math.floor(Date.now() / 1000));
      }
      return {
        db_name: req.db_name,
        coll_segIDs: collSegIDs,
        flush_coll_segIDs: flushSegIDs,
        coll_seal_times: sealTimes,
        coll_flush_ts: {},
      };
    },
    async GetFlushState(req) {
      // Flush returns after its segments are persisted, so a segment is flushed once the
      // metadata store knows it (or it was compacted away, which Milvus also reports as flushed).
      const ids: string[] = req.segmentIDs ?? [];
      const records = await Promise.all(ids.map((id) => writer.meta.getSegment(Number(id))));
      return { flushed: records.every((r) => r?.state !== 'growing') };
    },

    // The named collections (a target without a database names the default one's), else every
    // collection of the request's database, else of every database, as Milvus's proxy flushes.
    async FlushAll(req) {
      const started = Date.now();
      const targets = (req.flush_targets ?? []).flatMap((t) =>
        (t.collection_names ?? []).map((name) => api.collection(t.db_name || DEFAULT_DATABASE, name)),
      );
      const everyOne = req.db_name ? api.database(req.db_name).collections.values() : writer.collections.values();
      const states = targets.length ? targets : [...everyOne];
      await Promise.all(states.map((c) => writer.flush(c)));
      return { flush_all_ts: hybridTs(started) };
    },
    async GetFlushAllState(req) {
      // Rows written before the timestamp are flushed once no unpersisted segment is older.
      const since = Math.max(physicalMs(req.flush_all_ts), ...Object.values<string>(req.flush_all_tss ?? {}).map(physicalMs));
      return { flushed: ![...writer.collections.values()].some((c) => c.unpersistedBefore(since)) };
    },
  };
}
