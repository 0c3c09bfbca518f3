import { EventEmitter } from 'node:events';
import type { Etcd3 } from 'etcd3';
import type { Logger } from 'pino';
import { z } from 'zod';
import { PrefixWatcher } from './registry/prefix-watcher.js';
import { HostPortSchema, NodeNameSchema, normalizePrefix } from './registry/schema.js';

/**
 * The writer election's keys (docs/writer-ha.md): every writer started with --ha puts
 * `<prefix>/writer/election/<lease id>` under its lease, created in a transaction; the key
 * created first (lowest create revision) is the leader's, and that create revision is its
 * term's fencing epoch, which only grows from term to term.
 */
export const WriterCandidateSchema = z.object({
  name: NodeNameSchema,
  /** gRPC `HOST:PORT`: the Milvus API, the data-node API and the metadata feed. */
  address: HostPortSchema,
});
export type WriterCandidate = z.infer<typeof WriterCandidateSchema>;

export interface WriterLeader extends WriterCandidate {
  key: string;
  epoch: number;
}

export function electionPrefix(prefix: string): string {
  return `${normalizePrefix(prefix)}/writer/election/`;
}

/**
 * The current writer leader, from a watch of the election keys: what coordinators, readers
 * and the control plane follow. Emits 'change' (leader | undefined) when it changes; while
 * etcd is unreachable the last leader known stays (see PrefixWatcher).
 */
export class WriterLeaderWatch extends EventEmitter {
  private leader: WriterLeader | undefined;

  private constructor(private readonly watcher: PrefixWatcher<WriterCandidate>) {
    super();
    this.setMaxListeners(0);
    watcher.on('change', () => {
      const oldest = watcher.oldest();
      const next = oldest && { ...oldest.value, key: oldest.key, epoch: Number(oldest.createRevision) };
      if (next?.key === this.leader?.key) return;
      this.leader = next;
      this.emit('change', next);
    });
  }

  /** Resolves once the election keys have been read (retrying while etcd is unreachable). */
  static async open(o: { etcd: Etcd3; prefix: string; log: Logger }): Promise<WriterLeaderWatch> {
    const watcher = new PrefixWatcher<WriterCandidate>({
      etcd: o.etcd,
      prefix: electionPrefix(o.prefix),
      parse: (_key, text) => WriterCandidateSchema.parse(JSON.parse(text)),
      log: o.log,
    });
    const watch = new WriterLeaderWatch(watcher);
    await watcher.start();
    return watch;
  }

  /** Whether the watch is live (see PrefixWatcher.connected). */
  get connected(): boolean {
    return this.watcher.connected;
  }

  current(): WriterLeader | undefined {
    return this.leader;
  }

  /** The highest etcd mod revision among the election keys held (snapshot versions). */
  revision(): bigint {
    return this.watcher.maxModRevision();
  }

  /** The leader, waiting for one to be elected. */
  async next(): Promise<WriterLeader> {
    while (!this.leader) await new Promise((resolve) => this.once('change', resolve));
    return this.leader;
  }

  close(): void {
    this.watcher.close();
  }
}
