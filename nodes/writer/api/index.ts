import type { Writer } from '../writer.js';
import { aliasHandlers } from './aliases.js';
import { analyzerHandlers } from './analyzer.js';
import { alterationHandlers } from './alterations.js';
import { clusterInfoHandlers } from './cluster-info.js';
import { collectionHandlers } from './collections.js';
import { compactionHandlers } from './compaction.js';
import { databaseHandlers } from './databases.js';
import type { MilvusHandlers } from '../../../milvus/methods.js';
import { WriterApi, type WriterProcess } from './context.js';
import { entityHandlers } from './entities.js';
import { flushHandlers } from './flush.js';
import { indexHandlers } from './indexes.js';
import { loadHandlers } from './load.js';
import { partitionHandlers } from './partitions.js';
import { searchHandlers } from './search.js';
import { securityHandlers } from './security.js';
import { sessionHandlers } from './session.js';

export type { WriterProcess } from './context.js';

/**
 * The Milvus 2.x API of the writable node: request validation, Milvus status codes and
 * response shapes over the Writer's state machine, one file per area of the API.
 */
export function writerMilvusHandlers(writer: Writer, self: WriterProcess): MilvusHandlers {
  const api = new WriterApi(writer, self);
  return {
    ...sessionHandlers(),
    ...databaseHandlers(api),
    ...clusterInfoHandlers(api),
    ...collectionHandlers(api),
    ...aliasHandlers(api),
    ...alterationHandlers(api),
    ...partitionHandlers(api),
    ...indexHandlers(api),
    ...loadHandlers(api),
    ...entityHandlers(api),
    ...flushHandlers(api),
    ...compactionHandlers(api),
    ...searchHandlers(api),
    ...analyzerHandlers(api),
    ...securityHandlers(api),
  };
}
