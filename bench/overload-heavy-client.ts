/**
 * bench:overload's heavy client, forked with its own SDK client: the SDK takes a hundred
 * milliseconds and more of its thread to encode 10,000 query vectors, which must not stall the
 * loop of small searches measured beside it (in the issue, too, the heavy request came from
 * another client). Connects to the coordinator named by its argument, answers 'ready', then
 * runs one search per HeavySearch message and answers each with a HeavyOutcome.
 */
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { COLLECTION, heavyQueries, type HeavyOutcome, type HeavySearch } from './overload-shape.js';

const client = new MilvusClient({ address: process.argv[2]!, logLevel: 'error' });
await client.connectPromise;
const data = heavyQueries();

process.on('message', async ({ limit, timeoutMs }: HeavySearch) => {
  const started = Date.now();
  const outcome = await client
    .search({ collection_name: COLLECTION, data, limit, output_fields: ['id'], timeout: timeoutMs } as never)
    .then(
      (res) => `${res.status.error_code} ${res.status.reason}`.trim(),
      (e: Error) => e.message.split(':').slice(0, 2).join(':'),
    );
  process.send!({ outcome, ms: Date.now() - started } satisfies HeavyOutcome);
});
// Closing the channel (the bench ending) ends this process.
process.on('disconnect', () => void client.closeConnection().finally(() => process.exit(0)));
process.send!('ready');
