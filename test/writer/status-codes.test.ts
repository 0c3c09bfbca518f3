import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../engine/index.js';
import type { VectorEngine } from '../../engine/engine.js';
import { openMetaStore } from '../../meta/open-store.js';
import type { MetaStore } from '../../meta/store.js';
import { encodeQueryVectors } from '../../milvus/placeholder.js';
import { milvusServiceImplementation } from '../../milvus/service.js';
import { MemoryProtection, RateQuotas, unlimitedRates } from '../../milvus/quotas.js';
import { errorStatus, rateLimited } from '../../milvus/status.js';
import { writerServiceDefinition } from '../../milvus/writer-service.js';
import { writerMilvusHandlers } from '../../nodes/writer/api/index.js';
import { Writer } from '../../nodes/writer/writer.js';
import { engineSearchSeconds } from '../../runtime/engine-metrics.js';
import { searchPartitions } from '../../runtime/scope-metrics.js';
import { bindGrpc, createGrpcServer, shutdownGrpc } from '../../runtime/grpc-server.js';
import { Admission, admissionLimits } from '../../runtime/admission.js';
import { ResourceMeter } from '../../runtime/node-resources.js';
import { connectSdk } from '../harness/mishards-process.js';
import { RawMilvus } from '../harness/raw-milvus.js';

/**
 * Each failure condition of a search, query or write maps to exactly one Milvus `code` and
 * legacy `error_code`, as Milvus 2.4/2.5 pair them (merr's codes, `oldCode` for the name).
 * The writer runs in this process, served over gRPC to the official SDK, so that a drop can
 * be made to land while a search is inside the engine.
 */
const DIM = 4;
/**
 * Small: a search of 16384 hits of 20 bytes (key, score, key) is within it, the same hits
 * with their vectors (36 bytes) are not, and neither is a query of 20000 keys and vectors.
 */
const MAX_RESULT_BYTES = 400_000;
const ROWS = 20_000;
/** The writer's memory as its memory protection reads it, of 1000 bytes (high water level 0.9). */
let memoryUsed = 0;

interface WireStatus {
  code: number;
  error_code: string;
  reason: string;
  retriable: boolean;
}

/**
 * The engine, with the next build held until released: the first search of a collection's
 * growing rows builds an exact index, so a search can be stopped inside the engine.
 */
class HeldEngine {
  private held: { entered: () => void; release: Promise<void> } | undefined;
  readonly engine: VectorEngine;

  constructor(real: VectorEngine) {
    this.engine = {
      build: async (...args) => {
        const held = this.held;
        this.held = undefined;
        if (held) {
          held.entered();
          await held.release;
        }
        return real.build(...args);
      },
      load: (...args) => real.load(...args),
      workInFlight: () => real.workInFlight(),
      close: () => real.close(),
    };
  }

  /** Holds the next build: `entered` resolves once it starts, `release()` lets it go on. */
  holdNext(): { entered: Promise<void>; release: () => void } {
    let release!: () => void;
    let entered!: () => void;
    const started = new Promise<void>((resolve) => (entered = resolve));
    this.held = { entered, release: new Promise<void>((resolve) => (release = resolve)) };
    return { entered: started, release };
  }
}

let dir: string;
let meta: MetaStore;
let real: VectorEngine;
let held: HeldEngine;
let writer: Writer;
let server: grpc.Server;
let client: MilvusClient;
let raw: RawMilvus;

const vec = (i: number) => [Math.cos(i), Math.sin(i), (i % 5) / 5, 1];
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i, v: vec(i) }));

async function createCollection(name: string, load: boolean, n: number): Promise<void> {
  await client.createCollection({
    collection_name: name,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: DIM },
    ],
  });
  await client.createIndex({ collection_name: name, field_name: 'v', index_type: 'FLAT', metric_type: 'L2' });
  if (load) await client.loadCollectionSync({ collection_name: name });
  if (n > 0) expect((await client.insert({ collection_name: name, data: rows(n) })).status.error_code).toBe('Success');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mishards-codes-'));
  meta = await openMetaStore(`sqlite:${join(dir, 'meta.sqlite')}`);
  real = createEngine({ threads: 1 });
  held = new HeldEngine(real);
  writer = new Writer({
    dataDir: join(dir, 'writer'),
    storageDir: join(dir, 'storage'),
    meta,
    engine: held.engine,
    log: pino({ level: 'silent' }),
    sealRows: 1_000_000,
    sealAgeMs: 3_600_000,
    compaction: { target: { unit: 'rows', value: 1_000_000 }, deletedRatio: 0.2, intervalMs: 0, retentionMs: 3_600_000 },
  });
  await writer.open();
  server = createGrpcServer();
  const handlers = writerMilvusHandlers(writer, {
    address: () => 'in-process',
    meter: new ResourceMeter(dir),
    engineSearchSeconds: engineSearchSeconds(new Registry()),
    searchPartitions: searchPartitions(new Registry()),
    limits: { maxResultBytes: MAX_RESULT_BYTES },
    quotas: new RateQuotas(unlimitedRates()),
    memory: new MemoryProtection(0.9, () => ({ usedBytes: memoryUsed, totalBytes: 1000 })),
    callerOf: () => undefined,
    admission: new Admission(admissionLimits(1)),
  });
  server.addService(writerServiceDefinition(), milvusServiceImplementation(handlers));
  const address = await bindGrpc(server, '127.0.0.1', 0);
  client = await connectSdk(address);
  raw = new RawMilvus(address);
  await createCollection('present', true, ROWS);
  await createCollection('unloaded', false, 0);
  await createCollection('doomed', true, 10);
});

afterAll(async () => {
  await client?.closeConnection();
  raw?.close();
  if (server) await shutdownGrpc(server);
  await writer?.close();
  await real?.close();
  await meta?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A search through the SDK; its output fields are the key alone unless `extra` names others (the SDK's default is `*`). */
const search = (collection: string, extra: object = {}) =>
  client
    .search({ collection_name: collection, data: [vec(1)], limit: 3, output_fields: ['id'], ...extra } as any)
    .then((r) => r.status as WireStatus);
const query = (collection: string, extra: object = {}) =>
  client
    .query({ collection_name: collection, filter: 'id >= 0', output_fields: ['id'], limit: 3, ...extra } as any)
    .then((r) => r.status as WireStatus);

/** A search of `doomed` held inside the engine while the collection is dropped. */
async function searchDroppedMidway(): Promise<WireStatus> {
  const hold = held.holdNext();
  const answer = search('doomed');
  await hold.entered;
  expect((await client.dropCollection({ collection_name: 'doomed' })).error_code).toBe('Success');
  hold.release();
  return answer;
}

/** `run` while the writer's memory reads `used` bytes. */
async function withMemoryUsed<T>(used: number, run: () => Promise<T>): Promise<T> {
  memoryUsed = used;
  try {
    return await run();
  } finally {
    memoryUsed = 0;
  }
}

type Row = [condition: string, run: () => Promise<WireStatus>, code: number, errorCode: string, reason: RegExp];

const MISSING = /^collection not found\[collection=missing\]$/;
const TABLE: Row[] = [
  // The SDK describes the collection before a search or an insert: those two are sent raw.
  [
    'collection missing: search',
    () =>
      raw
        .call('Search', {
          collection_name: 'missing',
          nq: 1,
          placeholder_group: encodeQueryVectors([vec(1)]),
          search_params: [{ key: 'topk', value: '3' }],
        })
        .then((r) => r.status),
    100,
    'CollectionNotExists',
    MISSING,
  ],
  ['collection missing: query', () => query('missing'), 100, 'CollectionNotExists', MISSING],
  [
    'collection missing: insert',
    () =>
      raw
        .call('Insert', {
          collection_name: 'missing',
          num_rows: 1,
          fields_data: [{ type: 'Int64', field_name: 'id', scalars: { long_data: { data: [1] } } }],
        })
        .then((r) => r.status),
    100,
    'CollectionNotExists',
    MISSING,
  ],
  ['collection not loaded: search', () => search('unloaded'), 101, 'UnexpectedError', /^collection not loaded\[collection=unloaded\]$/],
  ['collection not loaded: query', () => query('unloaded'), 101, 'UnexpectedError', /^collection not loaded\[collection=unloaded\]$/],
  ['dropped while searching', searchDroppedMidway, 100, 'CollectionNotExists', /^collection not found\[collection=doomed\]$/],
  [
    'nq over 16384',
    () => search('present', { data: Array.from({ length: 16385 }, (_, i) => vec(i)) }),
    1100,
    'IllegalArgument',
    /^nq \[16385\] is invalid, nq \(number of search vector per search request\) should be in range \[1, 16384\], but got 16385$/,
  ],
  [
    'topk over 16384',
    () => search('present', { limit: 16385 }),
    1100,
    'IllegalArgument',
    /^topk \[16385\] is invalid, it should be in range \[1, 16384\], but got 16385$/,
  ],
  [
    'offset + topk over 16384',
    () => search('present', { limit: 10000, offset: 10000 }),
    1100,
    'IllegalArgument',
    /^offset\+topk \[20000\] is invalid/,
  ],
  [
    'query offset + limit over 16384',
    () => query('present', { limit: 10000, offset: 10000 }),
    1100,
    'IllegalArgument',
    /^invalid max query result window, \(offset\+limit\) should be in range \[1, 16384\], but got 20000$/,
  ],
  [
    'search result over the size limit',
    () => search('present', { limit: 16384, output_fields: ['v'] }),
    1100,
    'IllegalArgument',
    /^search results exceed the maxOutputSize Limit 400000: nq 1 x topk 16384 x 36 bytes per hit/,
  ],
  [
    'query result over the size limit',
    () => query('present', { limit: undefined, output_fields: ['id', 'v'] }),
    1100,
    'IllegalArgument',
    /^query results exceed the maxOutputSize Limit 400000: at least 20000 matching rows x 24 bytes per row/,
  ],
  [
    'memory above the high water level: insert',
    () => withMemoryUsed(950, () => client.insert({ collection_name: 'present', data: rows(1) }).then((r) => r.status as WireStatus)),
    9,
    'ForceDeny',
    /^writes are refused while the writer uses 950 bytes of memory, above dataNodeMemoryHighWaterLevel 0.9 of 1000 bytes: quota exceeded\[reason=memory quota exceeded, please allocate more resources\]$/,
  ],
  [
    'memory above the high water level: delete',
    () => withMemoryUsed(950, () => client.delete({ collection_name: 'present', filter: 'id in [0]' }).then((r) => r.status as WireStatus)),
    9,
    'ForceDeny',
    /quota exceeded\[reason=memory quota exceeded/,
  ],
  [
    'rate limited (the status other limits give)',
    async () => errorStatus(rateLimited('request is rejected by the search queue')),
    8,
    'RateLimit',
    /please retry later: rate exceeded$/,
  ],
];

describe('failure statuses: one code and one error_code per condition', () => {
  const seen = new Map<number, Set<string>>();

  it.each(TABLE)('%s', async (_condition, run, code, errorCode, reason) => {
    const status = await run();
    expect({ code: status.code, error_code: status.error_code }).toEqual({ code, error_code: errorCode });
    expect(status.reason).toMatch(reason);
    seen.set(code, (seen.get(code) ?? new Set()).add(status.error_code));
  });

  it('answers within the limits', async () => {
    expect((await search('present', { limit: 16384 })).error_code).toBe('Success');
    expect((await query('present', { limit: 16384, offset: 0 })).error_code).toBe('Success');
  });

  it('memory protection: writes pass again once memory is back below the high water level', async () => {
    const insert = () => client.insert({ collection_name: 'present', data: rows(1) }).then((r) => r.status as WireStatus);
    expect((await withMemoryUsed(901, insert)).code).toBe(9);
    expect((await withMemoryUsed(900, insert)).error_code).toBe('Success');
    // Reads are never refused by it.
    expect((await withMemoryUsed(1000, () => search('present'))).error_code).toBe('Success');
  });

  // Last: the writer stops taking work.
  it('shutting down: a write after the writer closed', async () => {
    await writer.close();
    const status = (await client.insert({ collection_name: 'present', data: rows(1) })).status as WireStatus;
    expect(status).toMatchObject({ code: 1, error_code: 'NotReadyServe', retriable: true, reason: 'service not ready[writer]: Stopping' });
    seen.set(1, (seen.get(1) ?? new Set()).add(status.error_code));
    for (const [code, names] of seen) expect([...names], `the names code ${code} came with`).toHaveLength(1);
  });
});
