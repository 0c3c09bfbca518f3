import { EventEmitter } from 'node:events';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Logger } from 'pino';

/** How long a resolved (or failed) host name is trusted before it is looked up again. */
const TTL_MS = 30_000;

interface Entry {
  ip: string | undefined;
  at: number;
  pending: boolean;
}

/**
 * Envoy and gRPC take only IP addresses in EDS, while a registration may name its host
 * (processes listening on a wildcard address register their host name). Resolves host names
 * in the background and answers from its cache; emits 'change' when an answer becomes known
 * or changes, so that the snapshot is built again.
 */
export class HostResolver extends EventEmitter {
  private readonly cache = new Map<string, Entry>();

  constructor(private readonly log: Logger) {
    super();
  }

  resolve(hostPort: string): { ip: string; port: number } | undefined {
    const i = hostPort.lastIndexOf(':');
    const host = hostPort.slice(0, i).replace(/^\[(.*)\]$/, '$1');
    const port = Number(hostPort.slice(i + 1));
    if (isIP(host)) return { ip: host, port };
    const entry = this.cache.get(host);
    if (!entry || (!entry.pending && Date.now() - entry.at > TTL_MS)) this.lookup(host, entry);
    return entry?.ip ? { ip: entry.ip, port } : undefined;
  }

  private lookup(host: string, previous: Entry | undefined): void {
    const entry: Entry = { ip: previous?.ip, at: previous?.at ?? 0, pending: true };
    this.cache.set(host, entry);
    lookup(host).then(
      ({ address }) => this.settle(host, entry, address),
      (e) => {
        this.log.warn({ host, err: (e as Error).message }, 'registered host name does not resolve');
        this.settle(host, entry, undefined);
      },
    );
  }

  private settle(host: string, entry: Entry, ip: string | undefined): void {
    const changed = entry.ip !== ip;
    Object.assign(entry, { ip, at: Date.now(), pending: false });
    if (changed) this.emit('change', host);
  }
}
