import type * as grpc from '@grpc/grpc-js';
import { encodeView, type CollectionView } from '../../meta/collection-view.js';
import type { SecurityRecords } from '../../meta/store.js';
import type { MetadataEvent } from '../../proto/generated/mishards/data/MetadataEvent.js';
import type { MetadataFeedHandlers } from '../../proto/generated/mishards/data/MetadataFeed.js';
import type { VersionRequest__Output } from '../../proto/generated/mishards/data/VersionRequest.js';
import type { VersionResponse } from '../../proto/generated/mishards/data/VersionResponse.js';
import type { WatchRequest__Output } from '../../proto/generated/mishards/data/WatchRequest.js';
import type { Writer } from './writer.js';

/**
 * mishards.data.MetadataFeed on the writable node: a snapshot of every collection (its last
 * event carrying the alias table and the RBAC state), then each change as the writer makes
 * it. Subscribing before writing the snapshot (all synchronous) means no change falls between
 * the two.
 */
export function metadataFeedImplementation(writer: Writer): MetadataFeedHandlers {
  return {
    Watch(call: grpc.ServerWritableStream<WatchRequest__Output, MetadataEvent>) {
      const event = (name: string, view: CollectionView | undefined, snapshotDone = false): MetadataEvent => ({
        version: String(writer.version),
        collection_name: name,
        view_json: view ? encodeView(view) : '',
        snapshot_done: snapshotDone,
      });
      const aliases = (table: Record<string, string>) => ({ collections: table });
      const security = (records: SecurityRecords) => ({ records_json: JSON.stringify(records) });
      const onChange = (name: string, view: CollectionView | undefined) => call.write(event(name, view));
      const onAliases = (table: Record<string, string>) => call.write({ ...event('', undefined), aliases: aliases(table) });
      const onSecurity = (records: SecurityRecords) => call.write({ ...event('', undefined), security: security(records) });
      const onClose = () => call.end();
      const unsubscribe = () => {
        writer.changes.off('change', onChange);
        writer.changes.off('aliases', onAliases);
        writer.changes.off('security', onSecurity);
        writer.changes.off('close', onClose);
      };
      writer.changes.on('change', onChange);
      writer.changes.on('aliases', onAliases);
      writer.changes.on('security', onSecurity);
      writer.changes.on('close', onClose);
      call.on('cancelled', unsubscribe);
      call.on('close', unsubscribe);
      call.on('error', unsubscribe);
      for (const c of writer.collections.values()) call.write(event(c.record.name, writer.view(c)));
      call.write({ ...event('', undefined, true), aliases: aliases(writer.aliasTable()), security: security(writer.security.records) });
    },
    Version(_call: grpc.ServerUnaryCall<VersionRequest__Output, VersionResponse>, callback: grpc.sendUnaryData<VersionResponse>) {
      callback(null, { version: String(writer.version) });
    },
  };
}
