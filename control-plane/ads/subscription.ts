import { WILDCARD_TYPES, type TypeUrl } from '../xds/snapshot.js';

/** The resource name that subscribes to every resource of a type. */
export const WILDCARD = '*';

/**
 * What one stream subscribes to for one type: a wildcard flag and explicit names.
 *
 * Legacy wildcard (xDS spec, "How the client specifies what resources to return"): for
 * Listener and Cluster, a client that has never named a resource of the type subscribes to
 * everything. In SotW that holds while every request has an empty `resource_names`; the
 * first non-empty list ends it for the rest of the stream. In delta an empty first request
 * (no names to subscribe or unsubscribe) subscribes to `*`, which then lasts until the client
 * unsubscribes from `*`. For every other type an empty list means no resources.
 */
export class Subscription {
  wildcard = false;
  readonly names = new Set<string>();
  private named = false;

  constructor(readonly typeUrl: TypeUrl) {}

  /** Whether a resource of this name is subscribed to (explicitly or by the wildcard). */
  covers(name: string): boolean {
    return this.wildcard || this.names.has(name);
  }

  /** SotW: `resource_names` replaces the subscription; returns the names it adds. */
  replace(resourceNames: readonly string[]): string[] {
    const before = new Set(this.names);
    this.names.clear();
    if (resourceNames.length === 0) {
      this.wildcard = !this.named && WILDCARD_TYPES.has(this.typeUrl);
    } else {
      this.named = true;
      this.wildcard = false;
      for (const name of resourceNames) {
        if (name === WILDCARD) this.wildcard = true;
        else this.names.add(name);
      }
    }
    return [...this.names].filter((name) => !before.has(name));
  }

  /**
   * Delta: applies `resource_names_subscribe` and `resource_names_unsubscribe`. Returns the
   * explicit names subscribed to (already subscribed ones included: the client may have lost
   * them) and the explicit names actually unsubscribed from (phantom ones are ignored).
   */
  update(subscribe: readonly string[], unsubscribe: readonly string[], first: boolean): { subscribed: string[]; unsubscribed: string[] } {
    if (first && subscribe.length === 0 && unsubscribe.length === 0 && WILDCARD_TYPES.has(this.typeUrl)) this.wildcard = true;
    const subscribed: string[] = [];
    const unsubscribed: string[] = [];
    for (const name of subscribe) {
      if (name === WILDCARD) this.wildcard = true;
      else {
        this.names.add(name);
        subscribed.push(name);
      }
    }
    for (const name of unsubscribe) {
      if (name === WILDCARD) this.wildcard = false;
      else if (this.names.delete(name)) unsubscribed.push(name);
    }
    return { subscribed, unsubscribed };
  }
}
