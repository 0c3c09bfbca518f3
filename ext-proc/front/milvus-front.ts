import type { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { MilvusService } from '../../milvus/proto.js';
import { replyShape } from '../../milvus/reply-shape.js';
import type { MilvusHandlers, MilvusResponse } from '../../milvus/methods.js';
import { RESULT_REPLY_TYPES, resultSerializer } from '../../milvus/result-fields.js';
import { milvusServiceImplementation, type ServiceHooks } from '../../milvus/service.js';
import { getMetricsReply } from '../../milvus/system-info.js';
import { KEEPALIVE_OPTIONS, MAX_MESSAGE_BYTES } from '../../runtime/grpc-server.js';
import { notApplied } from '../../runtime/unavailable.js';
import { isLeaderTarget } from '../../cluster/leader-resolver.js';
import type { ClusterDescription } from '../coordinator/cluster-description.js';
import {
  callContext,
  deadlineOf,
  SEARCH_SCOPE_CHANGES,
  type Coordinator,
  type QueryReply,
  type SearchReply,
} from '../coordinator/coordinator.js';

/**
 * Methods the coordinator answers itself: scatter-gather, and the ones about the whole
 * cluster, which the writer alone would describe as a standalone deployment. Every other
 * unary method goes to the writable node unchanged (streams are not supported).
 */
export const ANSWERED_HERE: ReadonlySet<string> = new Set([
  'Search',
  'HybridSearch',
  'Query',
  'GetMetrics',
  'DescribeResourceGroup',
  'GetQuerySegmentInfo',
  'GetReplicas',
  'GetLoadingProgress',
]);
const DEFAULT_TIMEOUT_MS = 120_000;
/**
 * A relayed call refused unapplied by a writer that is not (or no longer) the leader is sent
 * again, after this pause, for at most this long (and never past its deadline): the takeover
 * window of writer HA (docs/writer-ha.md).
 */
const RELAY_RETRY_PAUSE_MS = 100;
const RELAY_RETRY_WINDOW_MS = 30_000;

const identity = (b: Buffer) => b;

/** A coordinator answer as its handler is typed: resultSerializer writes its Float32Array vectors. */
const withResultColumns = <M extends 'Search' | 'HybridSearch' | 'Query'>(answer: Promise<SearchReply | QueryReply>) =>
  answer as Promise<unknown> as Promise<MilvusResponse<M>>;

/**
 * The coordinator's MilvusService definition: the methods answered here decoded as usual (the
 * scatter-gather replies with their own serializer), every other method kept as raw bytes so
 * it can be relayed to the writer without decoding.
 */
export function frontServiceDefinition(): grpc.ServiceDefinition {
  return Object.fromEntries(
    Object.entries(MilvusService.service).map(([name, method]) => [
      name,
      ANSWERED_HERE.has(name)
        ? RESULT_REPLY_TYPES[name]
          ? { ...method, responseSerialize: resultSerializer(RESULT_REPLY_TYPES[name]) }
          : method
        : {
            ...method,
            requestDeserialize: identity,
            responseSerialize: identity,
            requestSerialize: identity,
            responseDeserialize: identity,
          },
    ]),
  );
}

/**
 * The implementation: scatter-gather for Search, HybridSearch and Query, the cluster's
 * description for GetMetrics, DescribeResourceGroup, GetQuerySegmentInfo, GetReplicas and
 * GetLoadingProgress (how much the readers hold), a
 * byte-for-byte relay (with the caller's deadline, metadata and cancellation) for the rest.
 */
export function frontImplementation(
  coordinator: Coordinator,
  cluster: ClusterDescription,
  writerAddress: string,
  hooks: ServiceHooks,
  writerLeader?: EventEmitter,
  credentials = grpc.credentials.createInsecure(),
): { implementation: grpc.UntypedServiceImplementation; close(): void } {
  const writer = new grpc.Client(writerAddress, credentials, {
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    ...KEEPALIVE_OPTIONS,
  });
  // Following the leader, a relayed call waits while none is reachable (during a takeover)
  // instead of failing at once, within its deadline.
  const waitForLeader = isLeaderTarget(writerAddress);
  const answeredHere: MilvusHandlers = {
    Search: (req, call) => withResultColumns<'Search'>(coordinator.search(req, callContext(call, DEFAULT_TIMEOUT_MS))),
    HybridSearch: (req, call) => withResultColumns<'HybridSearch'>(coordinator.hybridSearch(req, callContext(call, DEFAULT_TIMEOUT_MS))),
    Query: (req, call) => withResultColumns<'Query'>(coordinator.query(req, callContext(call, DEFAULT_TIMEOUT_MS))),
    GetMetrics: (req) => getMetricsReply(req.request, () => cluster.topology()),
    DescribeResourceGroup: async (req) => cluster.resourceGroup(req.resource_group),
    GetQuerySegmentInfo: async (req, call) => {
      // After a compaction relayed to the writer, the caller sees the segments it left.
      await coordinator.catchUp(deadlineOf(call, DEFAULT_TIMEOUT_MS));
      return cluster.querySegments(req.dbName, req.collectionName);
    },
    GetReplicas: async (req, call) => {
      // After a load relayed to the writer, the caller sees its replica.
      await coordinator.catchUp(deadlineOf(call, DEFAULT_TIMEOUT_MS));
      return cluster.replicas(req);
    },
    GetLoadingProgress: async (req, call) => {
      // After a load relayed to the writer, the progress is that of the load.
      await coordinator.catchUp(deadlineOf(call, DEFAULT_TIMEOUT_MS));
      return cluster.loadingProgress(req);
    },
  };
  const implementation = milvusServiceImplementation(answeredHere, hooks);
  // Relayed calls in flight, ended when the writer leader changes: the old one (paused, cut
  // off) may hold them until their deadline, and their outcome is unknown either way.
  const inFlight = new Set<(err: grpc.ServiceError) => void>();
  const onLeaderChange = () => {
    const details = 'the writer leader changed while the call was in flight: its outcome is unknown';
    const status = Object.assign(new Error(details), { code: grpc.status.UNAVAILABLE, details, metadata: new grpc.Metadata() });
    for (const end of [...inFlight]) end(status);
  };
  writerLeader?.on('change', onLeaderChange);
  for (const [name, method] of Object.entries(MilvusService.service)) {
    if (ANSWERED_HERE.has(name) || replyShape(name).streaming) continue;
    implementation[name] = (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const done = hooks.onRequest?.(name);
      const retryUntil = Math.min(deadlineOf(call, DEFAULT_TIMEOUT_MS), Date.now() + RELAY_RETRY_WINDOW_MS);
      const metadata = waitForLeader ? call.metadata.clone() : call.metadata;
      if (waitForLeader) metadata.setOptions({ waitForReady: true });
      let cancelled = false;
      let outgoing: grpc.ClientUnaryCall | undefined;
      call.on('cancelled', () => {
        cancelled = true;
        outgoing?.cancel();
      });
      const send = () => {
        let settled = false;
        const end = (err: grpc.ServiceError) => {
          if (settled) return;
          outgoing?.cancel();
          finish(err, undefined);
        };
        const finish = (err: grpc.ServiceError | null, res: Buffer | undefined) => {
          settled = true;
          inFlight.delete(end);
          answer(err, res);
        };
        inFlight.add(end);
        outgoing = writer.makeUnaryRequest(
          method.path,
          identity,
          identity,
          call.request,
          metadata,
          { deadline: call.getDeadline() },
          (err, res) => {
            if (!settled) finish(err, res);
          },
        );
      };
      const answer = (err: grpc.ServiceError | null, res: Buffer | undefined) => {
        // A standby or a fenced writer refused it unapplied: the leader (the target follows
        // it) may take it. A failure with an unknown outcome goes back to the client.
        if (notApplied(err) && !cancelled && Date.now() + RELAY_RETRY_PAUSE_MS < retryUntil) {
          setTimeout(send, RELAY_RETRY_PAUSE_MS);
          return;
        }
        done?.(err ? -(err.code ?? 2) : 0);
        if (err || !SEARCH_SCOPE_CHANGES.has(name)) return callback(err, res);
        // The writer's answer stands even if the wait fails.
        void coordinator
          .catchUp(deadlineOf(call, DEFAULT_TIMEOUT_MS))
          .catch(() => undefined)
          .then(() => callback(null, res));
      };
      send();
    };
  }
  return {
    implementation,
    close: () => {
      writerLeader?.off('change', onLeaderChange);
      writer.close();
    },
  };
}
