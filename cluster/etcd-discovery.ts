import { EventEmitter } from 'node:events';
import type { Etcd3 } from 'etcd3';
import type { Logger } from 'pino';
import { PrefixWatcher } from './registry/prefix-watcher.js';
import { nodesPrefix, parseNodeRegistration, type NodeRegistration } from './registry/schema.js';
import type { Discovery, Member } from './discovery.js';

export interface EtcdDiscoveryOptions {
  etcd: Etcd3;
  /** Key prefix, e.g. `/mishards`; members are read from `<prefix>/nodes/`. */
  prefix: string;
  log: Logger;
}

/**
 * Membership from the registrations in etcd (`<prefix>/nodes/<role>/<name>`, see
 * cluster/registry). Every value is schema-checked: a bad one is logged with its key
 * and reason, emitted as 'invalid' (key, reason), and ignored. While etcd is unreachable the
 * last good membership stays; the watcher resynchronises when etcd is back. Does not close
 * the etcd client, which its owner may share.
 */
export class EtcdDiscovery extends EventEmitter implements Discovery {
  private list: Member[] = [];

  private constructor(private readonly watcher: PrefixWatcher<NodeRegistration>) {
    super();
    watcher.on('change', () => {
      this.list = [...watcher.entries().values()].map(toMember);
      this.emit('change');
    });
    watcher.on('invalid', (key: string, reason: string) => this.emit('invalid', key, reason));
  }

  /** Resolves once the registrations have been read (retrying while etcd is unreachable). */
  static async open(o: EtcdDiscoveryOptions): Promise<EtcdDiscovery> {
    const watcher = new PrefixWatcher<NodeRegistration>({
      etcd: o.etcd,
      prefix: nodesPrefix(o.prefix),
      parse: (key, text) => parseNodeRegistration(o.prefix, key, text),
      log: o.log,
    });
    const d = new EtcdDiscovery(watcher);
    await watcher.start();
    return d;
  }

  members(): Member[] {
    return this.list;
  }

  /** Whether the registrations are being watched (etcd reachable). */
  get connected(): boolean {
    return this.watcher.connected;
  }

  close(): void {
    this.watcher.close();
  }
}

/** A registration as discovery lists it. */
export function toMember(r: NodeRegistration): Member {
  return { role: r.role, name: r.name, address: r.addresses.grpc, startedAt: r.startedAt, ...(r.group ? { group: r.group } : {}) };
}
