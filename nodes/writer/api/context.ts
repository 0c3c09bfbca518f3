import type * as grpc from '@grpc/grpc-js';
import type { MilvusHandlers, MilvusMethod } from '../../../milvus/methods.js';
import { collectionNotFound, databaseNotFound, invalidParameter } from '../../../milvus/status.js';
import type { RequestLimits } from '../../../milvus/request-limits.js';
import type { MemoryProtection, RateQuotas } from '../../../milvus/quotas.js';
import type { Admission } from '../../../runtime/admission.js';
import { callSignal } from '../../../runtime/call-signal.js';
import type { ResourceMeter } from '../../../runtime/node-resources.js';
import type { RequestCost } from '../../../search/cost.js';
import type { CollectionState } from '../collection-state.js';
import type { DatabaseState } from '../database-state.js';
import type { EngineSearchSeconds } from '../../../runtime/engine-metrics.js';
import type { SearchPartitions } from '../../../runtime/scope-metrics.js';
import type { Writer } from '../writer.js';

/** The writer as a process: where it serves and what it runs on (GetMetrics, resource groups). */
export interface WriterProcess {
  /** The gRPC address it serves (known once bound). */
  address(): string;
  meter: ResourceMeter;
  /** What a search or query may ask for. */
  limits: RequestLimits;
  /** The DML rates, and the DQL rates of searches and queries sent to the writer itself. */
  quotas: RateQuotas;
  /** Refuses writes while the writer's memory is above its high water level. */
  memory: MemoryProtection;
  /** Where Search and HybridSearch record their engine time. */
  engineSearchSeconds: EngineSearchSeconds;
  /** Where searches and queries record the partitions they read. */
  searchPartitions: SearchPartitions;
  /** Admits searches and queries by cost (shared with the node's internal API). */
  admission: Admission;
  /** The user a call authenticated as; undefined when authentication is off. */
  callerOf(call: object): string | undefined;
}

/** Handlers of one area of the Milvus API: one for each of its methods, typed per method. */
export type Handlers<M extends MilvusMethod> = Required<Pick<MilvusHandlers, M>>;

/** What every area's handlers work over: the Writer, its process, and the database and collection lookups. */
export class WriterApi {
  constructor(
    readonly writer: Writer,
    readonly self: WriterProcess,
  ) {}

  /**
   * Runs a search's or query's work under the node's admission; `work` gets the signal that
   * stops it when the call is cancelled or its deadline passes.
   */
  async admitted<T>(
    call: grpc.ServerUnaryCall<unknown, unknown>,
    cost: RequestCost,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const { signal, done } = callSignal(call);
    try {
      return await this.self.admission.run(cost, signal, () => work(signal));
    } finally {
      done();
    }
  }

  /** The database a request works in (its db_name, settled where it entered: milvus/request-database.ts). */
  database(name: string): DatabaseState {
    const db = this.writer.databases.get(name);
    if (!db) throw databaseNotFound(name);
    return db;
  }

  /**
   * The collection a request names in its database, by name or alias: an empty name is
   * invalid, an unknown database or collection not found.
   */
  collection(db: string, name: string): CollectionState {
    if (!name) throw invalidParameter('collection name should not be empty');
    const c = this.database(db).resolve(name);
    if (!c) throw collectionNotFound(name);
    return c;
  }

  /** A collection by its id (a decimal string, as requests carry it), in whichever database. */
  collectionById(id: string): CollectionState {
    const c = this.writer.collections.get(Number(id));
    if (!c) throw collectionNotFound(id);
    return c;
  }

  /**
   * The answer of a search of `c` (what `run` found or failed with), unless `c` is dropped
   * before it is ready: then, whatever the engine made of segments released under it, the
   * answer is the one a search started after the drop gets, that the collection does not exist.
   */
  async whileExists<T>(c: CollectionState, run: () => Promise<T>): Promise<T> {
    const [outcome] = await Promise.allSettled([run()]);
    if (c.dropped) throw collectionNotFound(c.record.name);
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  }
}
