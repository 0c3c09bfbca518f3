/**
 * The floor under the writer's insert cost (docs/performance.md): a bare grpc-js unary server,
 * in its own process, that receives the bytes of an InsertRequest as the SDK encodes it and
 * answers with as many bytes as the writer's reply, doing nothing else.
 */
import { DataType } from '@zilliz/milvus2-sdk-node';
import { MilvusService } from '../milvus/proto.js';
import { call, connect, type FloorClient, type FloorParty, startParty } from './grpc-floor.js';
import { serverCpuUs } from './node-measure.js';

const insert = MilvusService.service.Insert;

/**
 * The InsertRequest of rows [start, end) with keys start.. and the given vectors, in the
 * shape the SDK builds (Data.js `_insert`: type, field_name, is_dynamic, payload, valid_data)
 * and serialized as its gRPC client does.
 */
export function sdkInsertRequest(collection: string, vectors: Float32Array, dim: number, start: number, end: number): Buffer {
  const keys = Array.from({ length: end - start }, (_, i) => start + i);
  return insert.requestSerialize({
    collection_name: collection,
    num_rows: end - start,
    fields_data: [
      { type: DataType.Int64, field_name: 'id', is_dynamic: false, scalars: { long_data: { data: keys } }, valid_data: [] },
      {
        type: DataType.FloatVector,
        field_name: 'vector',
        is_dynamic: false,
        vectors: { dim, float_vector: { data: Array.from(vectors.subarray(start * dim, end * dim)) } },
        valid_data: [],
      },
    ],
  });
}

/** The size of the writer's answer to an insert of `rows` Int64 keys (milvus/results.ts encodeIds). */
function replyBytes(rows: number): number {
  const keys = Array.from({ length: rows }, (_, i) => String(i));
  return insert.responseSerialize({
    status: { error_code: 'Success', code: 0, reason: '' },
    IDs: { int_id: { data: keys } },
    succ_index: keys.map((_, i) => i),
    insert_cnt: String(rows),
    timestamp: '1000000',
  }).length;
}

export class InsertFloor {
  private constructor(
    private readonly server: FloorParty,
    private readonly client: FloorClient,
  ) {}

  static async start(rowsPerCall: number): Promise<InsertFloor> {
    const server = await startParty('bare insert floor', ['leaf', String(replyBytes(rowsPerCall))]);
    return new InsertFloor(server, connect(server.port));
  }

  /**
   * Sends `request` `calls` times, `inFlight` calls outstanding, after one untimed round of
   * `inFlight` calls; returns the server's CPU time (us) per call.
   */
  async cpuUsPerCall(request: Buffer, calls: number, inFlight: number): Promise<number> {
    const run = async (count: number) => {
      let sent = 0;
      const loop = async () => {
        while (sent < count) {
          sent++;
          await call(this.client, request);
        }
      };
      await Promise.all(Array.from({ length: inFlight }, loop));
    };
    await run(inFlight);
    const pid = [this.server.child.pid!];
    const cpu0 = serverCpuUs(pid);
    await run(calls);
    return (serverCpuUs(pid) - cpu0) / calls;
  }

  stop(): void {
    this.client.close();
    this.server.child.kill();
  }
}
