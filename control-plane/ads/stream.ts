import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { PUSH_ORDER, type Snapshot, type SnapshotSource, type TypeUrl } from '../xds/snapshot.js';
import { ResponseLedger, type ClientStatus, type StreamKind, type TypeStatus } from './client-status.js';
import type { EncodedResources } from './encoded.js';
import type { AdsMetrics } from './metrics.js';
import type { Node, RpcStatus } from './proto.js';
import { Subscription } from './subscription.js';
import { isServedType, typeName } from './types.js';

/** What every stream of one service shares. */
export interface StreamContext {
  source: SnapshotSource;
  log: Logger;
  metrics: AdsMetrics | undefined;
  encoded: EncodedResources;
  /** When the service received this snapshot (performance.now()), if it saw it arrive. */
  publishedAt(snapshot: Snapshot): number | undefined;
}

/** One type's state on one stream: what the client subscribes to and what it answered. */
export class TypeState {
  readonly subscription: Subscription;
  readonly ledger = new ResponseLedger();

  constructor(readonly typeUrl: TypeUrl) {
    this.subscription = new Subscription(typeUrl);
  }

  status(): TypeStatus {
    const { lastSent: sent, acked, nacked } = this.ledger;
    return {
      typeUrl: this.typeUrl,
      wildcard: this.subscription.wildcard,
      names: [...this.subscription.names],
      ...(sent && { sent: { ...sent } }),
      ...(acked && { acked: { ...acked } }),
      ...(nacked && { nacked: { ...nacked } }),
    };
  }
}

interface IncomingRequest {
  node: Node | null;
  type_url: string;
}

/**
 * What SotW and delta streams share: the node from the first request, request dispatch with
 * malformed requests answered without crashing, ACK/NACK bookkeeping and logging, nonces,
 * writes with backpressure (snapshot pushes to a stream whose buffer is full are coalesced
 * and sent, against the latest snapshot, once it drains) and the end of the stream.
 */
export abstract class AdsStream<Req extends IncomingRequest, T extends TypeState> {
  protected readonly types = new Map<TypeUrl, T>();
  protected log: Logger;
  private node: { id: string; cluster: string } | undefined;
  private nonces = 0;
  private readonly unknownTypes = new Set<string>();
  private blocked = false;
  private pushPending = false;
  private ended = false;

  constructor(
    readonly id: number,
    readonly kind: StreamKind,
    private readonly call: grpc.ServerDuplexStream<Req, Buffer>,
    protected readonly ctx: StreamContext,
    private readonly onEnd: () => void,
  ) {
    this.log = ctx.log.child({ stream: id, kind });
    ctx.metrics?.opened(kind);
    call.on('data', (request: Req) => this.receive(request));
    call.on('end', () => this.end(undefined));
    call.on('cancelled', () => this.finish());
    call.on('error', () => this.finish());
    call.on('close', () => this.finish());
    call.on('drain', () => this.drained());
  }

  /** Answers a request for a served type; the node is known. */
  protected abstract handle(request: Req, t: T, first: boolean): void;

  /** Sends what `snapshot` changes for the client in one type (nothing when nothing changed). */
  protected abstract answer(t: T, snapshot: Snapshot, publishedAt: number | undefined): void;

  /** Sends what a new snapshot changes for this client, types in PUSH_ORDER. */
  private push(snapshot: Snapshot, publishedAt: number | undefined): void {
    for (const typeUrl of PUSH_ORDER) {
      const t = this.types.get(typeUrl);
      if (t) this.answer(t, snapshot, publishedAt);
    }
  }

  protected abstract newTypeState(typeUrl: TypeUrl): T;

  onSnapshot(snapshot: Snapshot): void {
    if (this.ended) return;
    if (this.blocked) {
      this.pushPending = true;
      return;
    }
    this.guard(() => this.push(snapshot, this.ctx.publishedAt(snapshot)));
  }

  status(): ClientStatus | undefined {
    if (!this.node) return undefined;
    return {
      stream: this.id,
      kind: this.kind,
      peer: this.call.getPeer(),
      node: { ...this.node },
      types: [...this.types.values()].map((t) => t.status()),
    };
  }

  /** Ends the stream with UNAVAILABLE (the control plane is going away). */
  shutdown(): void {
    this.end({ code: grpc.status.UNAVAILABLE, details: 'xDS control plane shutting down' });
  }

  private receive(request: Req): void {
    if (this.ended) return;
    this.guard(() => {
      if (!this.node) {
        const node = request.node;
        if (!node?.id) {
          this.log.warn({ typeUrl: request.type_url }, 'first ADS request without node id: stream refused');
          this.end({
            code: grpc.status.INVALID_ARGUMENT,
            details: 'the first request of an ADS stream must carry node with a non-empty id',
          });
          return;
        }
        this.node = { id: node.id, cluster: node.cluster ?? '' };
        this.log = this.log.child({ node: node.id, cluster: this.node.cluster });
        this.log.info({ peer: this.call.getPeer() }, 'ADS stream opened');
      }
      const typeUrl = request.type_url;
      if (!isServedType(typeUrl)) {
        if (!this.unknownTypes.has(typeUrl)) {
          this.unknownTypes.add(typeUrl);
          this.log.warn({ typeUrl }, 'request for a type this server does not serve: not answered');
        }
        return;
      }
      let t = this.types.get(typeUrl);
      const first = t === undefined;
      if (!t) {
        t = this.newTypeState(typeUrl);
        this.types.set(typeUrl, t);
      }
      this.handle(request, t, first);
    });
  }

  /** Records the client's ACK or NACK of the response with this nonce, if it is one. */
  protected settle(t: TypeState, nonce: string, error: RpcStatus | null): void {
    const settled = t.ledger.settle(nonce, error);
    if (!settled) return;
    const labels = { kind: this.kind, type: typeName(t.typeUrl) };
    const { version } = settled.record;
    if (settled.kind === 'nack') {
      this.ctx.metrics?.nacks.inc(labels);
      this.log.warn(
        { typeUrl: t.typeUrl, version, nonce, code: settled.record.code, error: settled.record.message },
        'xDS client rejected a response (NACK)',
      );
    } else {
      this.ctx.metrics?.acks.inc(labels);
      this.log.debug({ typeUrl: t.typeUrl, version, nonce }, 'ACK');
    }
  }

  /**
   * The snapshot to answer a request with, or undefined when there is none yet or when a push
   * to this stream is held back: the push, once the stream drains, brings every type up to
   * date in PUSH_ORDER, which an answer to one type now could break.
   */
  protected snapshotToAnswerWith(): Snapshot | undefined {
    return this.pushPending ? undefined : this.ctx.source.current();
  }

  protected nextNonce(): string {
    return (++this.nonces).toString();
  }

  /** Writes one encoded response and records it as sent with this nonce and type version. */
  protected send(t: TypeState, bytes: Buffer, nonce: string, version: string, publishedAt: number | undefined): void {
    t.ledger.sent(nonce, version);
    if (!this.call.write(bytes)) this.blocked = true;
    const labels = { kind: this.kind, type: typeName(t.typeUrl) };
    this.ctx.metrics?.responses.inc(labels);
    if (publishedAt !== undefined) this.ctx.metrics?.pushDelay.observe(labels, (performance.now() - publishedAt) / 1000);
    this.log.debug({ typeUrl: t.typeUrl, version, nonce }, 'response sent');
  }

  private drained(): void {
    this.blocked = false;
    if (!this.pushPending || this.ended) return;
    this.pushPending = false;
    const snapshot = this.ctx.source.current();
    if (snapshot) this.onSnapshot(snapshot);
  }

  private guard(action: () => void): void {
    try {
      action();
    } catch (err) {
      this.log.error({ err }, 'ADS stream failed');
      this.end({ code: grpc.status.INTERNAL, details: 'xDS control plane error' });
    }
  }

  /** Ends the stream: OK when the client half-closed, else with the given status. */
  private end(status: { code: grpc.status; details: string } | undefined): void {
    if (this.ended) return;
    this.finish();
    if (status) this.call.emit('error', status);
    else this.call.end();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.ctx.metrics?.closed(this.kind);
    this.onEnd();
    if (this.node) this.log.info('ADS stream closed');
  }
}
