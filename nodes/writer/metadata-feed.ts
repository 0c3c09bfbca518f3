import type * as grpc from '@grpc/grpc-js';
import { encodeView, type CollectionView } from '../../meta/collection-view.js';
import type { SecurityRecords } from '../../meta/store.js';
import type { MetadataEvent } from '../../proto/generated/mishards/data/MetadataEvent.js';
import type { Names } from '../../proto/generated/mishards/data/Names.js';
import type { MetadataFeedHandlers } from '../../proto/generated/mishards/data/MetadataFeed.js';
import type { VersionRequest__Output } from '../../proto/generated/mishards/data/VersionRequest.js';
import type { VersionResponse } from '../../proto/generated/mishards/data/VersionResponse.js';
import type { WatchRequest__Output } from '../../proto/generated/mishards/data/WatchRequest.js';
import type { MetadataNames, Writer } from './writer.js';

/** The names as the feed carries them (int64 ids as decimal strings). */
function namesMessage(names: MetadataNames): Names {
  return {
    databases: names.databases.map((d) => ({ id: String(d.id), name: d.name })),
    aliases: names.aliases.map((a) => ({ database_id: String(a.databaseId), alias: a.alias, collection_id: String(a.collectionId) })),
  };
}

/**
 * mishards.data.MetadataFeed on the writable node: a snapshot of every collection (its last
 * event carrying the databases and aliases, and the RBAC state), then each change as the
 * writer makes it. Subscribing before writing the snapshot (all synchronous) means no change
 * falls between the two.
 */
export function metadataFeedImplementation(writer: Writer): MetadataFeedHandlers {
  return {
    Watch(call: grpc.ServerWritableStream<WatchRequest__Output, MetadataEvent>) {
      const event = (id: number, view: CollectionView | undefined, snapshotDone = false): MetadataEvent => ({
        version: String(writer.version),
        collection_id: String(id),
        view_json: view ? encodeView(view) : '',
        snapshot_done: snapshotDone,
      });
      const security = (records: SecurityRecords) => ({ records_json: JSON.stringify(records) });
      const onChange = (id: number, view: CollectionView | undefined) => call.write(event(id, view));
      const onNames = (names: MetadataNames) => call.write({ ...event(0, undefined), names: namesMessage(names) });
      const onSecurity = (records: SecurityRecords) => call.write({ ...event(0, undefined), security: security(records) });
      const onClose = () => call.end();
      const unsubscribe = () => {
        writer.changes.off('change', onChange);
        writer.changes.off('names', onNames);
        writer.changes.off('security', onSecurity);
        writer.changes.off('close', onClose);
      };
      writer.changes.on('change', onChange);
      writer.changes.on('names', onNames);
      writer.changes.on('security', onSecurity);
      writer.changes.on('close', onClose);
      call.on('cancelled', unsubscribe);
      call.on('close', unsubscribe);
      call.on('error', unsubscribe);
      for (const c of writer.collections.values()) call.write(event(c.id, writer.view(c)));
      call.write({ ...event(0, undefined, true), names: namesMessage(writer.names()), security: security(writer.security.records) });
    },
    Version(_call: grpc.ServerUnaryCall<VersionRequest__Output, VersionResponse>, callback: grpc.sendUnaryData<VersionResponse>) {
      callback(null, { version: String(writer.version) });
    },
  };
}
