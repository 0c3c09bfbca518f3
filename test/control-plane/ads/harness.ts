import * as grpc from '@grpc/grpc-js';
import pino, { type Logger } from 'pino';
import { Registry } from 'prom-client';
import { createAdsService, type AdsService } from '../../../control-plane/ads/service.js';
import { ADS_SERVICE_NAME, loadAdsPackageDefinition } from '../../../proto/xds.js';
import { SnapshotCache, type Snapshot } from '../../../control-plane/xds/snapshot.js';
import { decodedName } from './envoy-messages.js';

/**
 * A real grpc server on 127.0.0.1:0 serving the ADS service over a SnapshotCache, its log
 * captured line by line, and a scripted raw ADS client (a proto-loader client of the same
 * service) whose streams hand over received messages one at a time.
 */

export interface AnyMessage {
  type_url: string;
  value: Buffer;
}

export interface SotwResponse {
  version_info: string;
  resources: AnyMessage[];
  type_url: string;
  nonce: string;
}

export interface DeltaResource {
  name: string;
  version: string;
  resource: AnyMessage | null;
}

export interface DeltaResponse {
  system_version_info: string;
  resources: DeltaResource[];
  removed_resources: string[];
  type_url: string;
  nonce: string;
}

export interface NodeMessage {
  id: string;
  cluster?: string;
}

export interface SotwRequest {
  node?: NodeMessage | null;
  type_url: string;
  version_info?: string;
  resource_names?: string[];
  response_nonce?: string;
  error_detail?: { code: number; message: string } | null;
}

export interface DeltaRequest {
  node?: NodeMessage | null;
  type_url: string;
  resource_names_subscribe?: string[];
  resource_names_unsubscribe?: string[];
  initial_resource_versions?: Record<string, string>;
  response_nonce?: string;
  error_detail?: { code: number; message: string } | null;
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

const AdsClient = (grpc.loadPackageDefinition(loadAdsPackageDefinition()) as any).envoy.service.discovery.v3
  .AggregatedDiscoveryService as grpc.ServiceClientConstructor;
if (!AdsClient) throw new Error(`${ADS_SERVICE_NAME} not found in the loaded protos`);

/** One client stream: requests written as given (the node added to the first), responses read in order. */
export class ScriptedStream<Req extends { node?: NodeMessage | null }, Res> {
  private readonly received: Res[] = [];
  private waiter: { resolve: (r: Res) => void; reject: (e: Error) => void } | undefined;
  private endStatus: grpc.StatusObject | undefined;
  private sentFirst = false;
  private sent = 0;
  /** Resolves with the stream's final status. */
  readonly status: Promise<grpc.StatusObject>;

  constructor(
    private readonly call: grpc.ClientDuplexStream<Req, Res>,
    private readonly node: NodeMessage | null,
    private readonly processed: (count: number) => Promise<void>,
  ) {
    call.on('data', (message: Res) => {
      if (this.waiter) {
        const { resolve } = this.waiter;
        this.waiter = undefined;
        resolve(message);
      } else this.received.push(message);
    });
    call.on('error', () => {});
    this.status = new Promise((resolve) => {
      call.on('status', (status: grpc.StatusObject) => {
        this.endStatus = status;
        this.waiter?.reject(new Error(`stream ended (${status.code} ${status.details}) while a response was awaited`));
        this.waiter = undefined;
        resolve(status);
      });
    });
  }

  send(request: Req): void {
    const withNode = !this.sentFirst && this.node && request.node === undefined ? { ...request, node: this.node } : request;
    this.sentFirst = true;
    this.sent++;
    this.call.write(withNode);
  }

  /**
   * Resolves once the server has handled every request sent so far on this stream (the
   * harness sees each request right after the service's own handler): the barrier before
   * publishing a snapshot that must meet the state those requests created.
   */
  settled(): Promise<void> {
    return this.processed(this.sent);
  }

  /**
   * The next response. The timeout only turns a hang into a failure; tests never rely on it
   * to show that nothing was sent (they send something that must be answered instead).
   */
  next(timeoutMs = 5000): Promise<Res> {
    const ready = this.received.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.endStatus) return Promise.reject(new Error(`stream already ended (${this.endStatus.code} ${this.endStatus.details})`));
    return new Promise<Res>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`no response within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  cancel(): void {
    this.call.cancel();
  }
}

export type SotwStreamClient = ScriptedStream<SotwRequest, SotwResponse>;
export type DeltaStreamClient = ScriptedStream<DeltaRequest, DeltaResponse>;

const STREAM_ID_HEADER = 'x-test-stream';

/**
 * Counts the requests the service has handled on each test stream (named by a metadata
 * header): a 'data' listener added after the service's own runs once the service is done
 * with the request, since a stream calls its listeners in order.
 */
class RequestProgress {
  private readonly counts = new Map<string, number>();
  private readonly waiters = new Map<string, { count: number; resolve: () => void }[]>();

  wrap(implementation: grpc.UntypedServiceImplementation): grpc.UntypedServiceImplementation {
    const wrapped: grpc.UntypedServiceImplementation = {};
    for (const [method, handler] of Object.entries(implementation)) {
      wrapped[method] = (call: grpc.ServerDuplexStream<unknown, unknown>) => {
        (handler as (c: typeof call) => void)(call);
        const id = String(call.metadata.get(STREAM_ID_HEADER)[0] ?? '');
        call.on('data', () => this.handled(id));
      };
    }
    return wrapped;
  }

  reached(id: string, count: number): Promise<void> {
    if ((this.counts.get(id) ?? 0) >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push({ count, resolve });
      this.waiters.set(id, list);
    });
  }

  private handled(id: string): void {
    const count = (this.counts.get(id) ?? 0) + 1;
    this.counts.set(id, count);
    const list = this.waiters.get(id) ?? [];
    const ready = list.filter((w) => w.count <= count);
    this.waiters.set(
      id,
      list.filter((w) => w.count > count),
    );
    for (const w of ready) w.resolve();
  }
}

export interface AdsHarness {
  cache: SnapshotCache;
  service: AdsService;
  registry: Registry;
  logs: LogLine[];
  log: Logger;
  address: string;
  sotw(node?: NodeMessage | null): SotwStreamClient;
  delta(node?: NodeMessage | null): DeltaStreamClient;
  stop(): Promise<void>;
}

export async function startAds(options: { snapshot?: Snapshot; level?: string } = {}): Promise<AdsHarness> {
  const logs: LogLine[] = [];
  const log = pino({ level: options.level ?? 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
  const registry = new Registry();
  const cache = new SnapshotCache();
  if (options.snapshot) cache.set(options.snapshot);
  const service = createAdsService({ source: cache, log, registry });
  const server = new grpc.Server();
  const progress = new RequestProgress();
  server.addService(service.definition, progress.wrap(service.implementation));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const address = `127.0.0.1:${port}`;
  const shared = new AdsClient(address, grpc.credentials.createInsecure()) as grpc.Client & Record<string, (m: grpc.Metadata) => unknown>;
  let streams = 0;
  const open = <Req extends { node?: NodeMessage | null }, Res>(method: string, node: NodeMessage | null) => {
    const id = String(++streams);
    const metadata = new grpc.Metadata();
    metadata.set(STREAM_ID_HEADER, id);
    const call = shared[method]!(metadata) as grpc.ClientDuplexStream<Req, Res>;
    return new ScriptedStream<Req, Res>(call, node, (count) => progress.reached(id, count));
  };
  return {
    cache,
    service,
    registry,
    logs,
    log,
    address,
    sotw: (node = { id: 'envoy-1', cluster: 'front' }) => open<SotwRequest, SotwResponse>('StreamAggregatedResources', node),
    delta: (node = { id: 'envoy-1', cluster: 'front' }) => open<DeltaRequest, DeltaResponse>('DeltaAggregatedResources', node),
    stop: async () => {
      service.close();
      shared.close();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    },
  };
}

/** Names of the resources in a SotW response, read from the decoded messages. */
export function sotwNames(response: SotwResponse): string[] {
  return response.resources.map((any) => {
    if (any.type_url !== response.type_url) throw new Error(`resource of type ${any.type_url} in a ${response.type_url} response`);
    return decodedName(any.type_url, any.value);
  });
}

/** Names of the resources in a delta response; each Resource's name must match its message. */
export function deltaNames(response: DeltaResponse): string[] {
  return response.resources.map((r) => {
    if (!r.resource || r.resource.type_url !== response.type_url)
      throw new Error(`resource ${r.name} without a ${response.type_url} message`);
    const inner = decodedName(r.resource.type_url, r.resource.value);
    if (inner !== r.name) throw new Error(`Resource.name ${r.name} wraps a message named ${inner}`);
    return r.name;
  });
}

export const sorted = (names: readonly string[]): string[] => [...names].sort();

/** SotW ACK of a response, keeping (or changing) the subscription. */
export function ack(response: SotwResponse, names: string[] = []): SotwRequest {
  return { type_url: response.type_url, version_info: response.version_info, response_nonce: response.nonce, resource_names: names };
}

export function nack(response: SotwResponse, names: string[], message: string, previousVersion = ''): SotwRequest {
  return {
    type_url: response.type_url,
    version_info: previousVersion,
    response_nonce: response.nonce,
    resource_names: names,
    error_detail: { code: grpc.status.INVALID_ARGUMENT, message },
  };
}

/** Log lines at warn (40) or above whose message contains `text`. */
export function warnings(logs: readonly LogLine[], text: string): LogLine[] {
  return logs.filter((l) => l.level >= 40 && l.msg.includes(text));
}

/** Delta ACK of a response (no subscription change). */
export function deltaAck(response: DeltaResponse): DeltaRequest {
  return { type_url: response.type_url, response_nonce: response.nonce };
}

export function deltaNack(response: DeltaResponse, message: string): DeltaRequest {
  return { type_url: response.type_url, response_nonce: response.nonce, error_detail: { code: grpc.status.INVALID_ARGUMENT, message } };
}
