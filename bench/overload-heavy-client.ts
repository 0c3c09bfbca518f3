/**
 * bench:overload's heavy client, forked: a client of its own, as in the issue, whose request
 * is encoded before it is timed. The SDK takes a few hundred milliseconds of CPU to turn 10,000
 * query vectors into a request, which on the bench's two shared cores would slow the small
 * searches measured beside it for reasons that are not the cluster's: a client on another
 * machine costs the cluster nothing to encode. So the Search request the SDK would send
 * (nq 10,000, keys only) is serialized once at start, and sent as it is for each search.
 * Connects to the coordinator named by its argument, answers 'ready', then runs one search per
 * HeavySearch message and answers each with a HeavyOutcome.
 */
import * as grpc from '@grpc/grpc-js';
import { encodeQueryVectors } from '../milvus/placeholder.js';
import { MilvusService } from '../milvus/proto.js';
import { COLLECTION, HEAVY_NQ, heavyQueries, type HeavyOutcome, type HeavySearch } from './overload-shape.js';

const client = new grpc.Client(process.argv[2]!, grpc.credentials.createInsecure(), {
  'grpc.max_send_message_length': -1,
  'grpc.max_receive_message_length': -1,
});
const search = MilvusService.service.Search!;
const placeholders = encodeQueryVectors(heavyQueries());
/** The request of a given limit, serialized once. */
const requests = new Map<number, Buffer>();
const requestFor = (limit: number): Buffer => {
  let bytes = requests.get(limit);
  if (!bytes) {
    bytes = search.requestSerialize({
      collection_name: COLLECTION,
      nq: String(HEAVY_NQ),
      placeholder_group: placeholders,
      dsl: '',
      dsl_type: 'BoolExprV1',
      output_fields: ['id'],
      search_params: [
        { key: 'topk', value: String(limit) },
        { key: 'anns_field', value: 'v' },
        { key: 'params', value: '{}' },
      ],
      use_default_consistency: true,
    });
    requests.set(limit, bytes);
  }
  return bytes;
};

process.on('message', ({ limit, timeoutMs }: HeavySearch) => {
  const request = requestFor(limit);
  const started = Date.now();
  client.makeUnaryRequest(
    search.path,
    (b: Buffer) => b,
    search.responseDeserialize,
    request,
    new grpc.Metadata(),
    { deadline: Date.now() + timeoutMs },
    (err, res) => {
      const status = (res as { status?: { code?: number; reason?: string } } | undefined)?.status;
      const outcome = err ? `${err.code} ${grpc.status[err.code]}` : `code ${status?.code ?? 0} ${status?.reason ?? ''}`.trim();
      process.send!({ outcome, ms: Date.now() - started } satisfies HeavyOutcome);
    },
  );
});
// Closing the channel (the bench ending) ends this process.
process.on('disconnect', () => {
  client.close();
  process.exit(0);
});
process.send!('ready');
