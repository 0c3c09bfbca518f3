/**
 * Routers by kind, so the coordinator and readers pick one from configuration and other
 * routers can be plugged in by name. The default kind is the bounded-load ring; the plain
 * consistent hash ring, which ignores row counts, is registered too.
 */
import { BoundedLoadRing } from './bounded-load-ring.js';
import { ConsistentHashRing } from './consistent-hash-ring.js';
import { RoutingError, type Router, type RouterFactory } from './router.js';

export const DEFAULT_ROUTER = BoundedLoadRing.kind;

const factories = new Map<string, RouterFactory>([
  [DEFAULT_ROUTER, (groups) => new BoundedLoadRing(groups)],
  [ConsistentHashRing.kind, (groups) => new ConsistentHashRing(groups)],
]);

/** Plugs in another router under `kind`; kinds are never replaced, so a typo cannot shadow the default. */
export function registerRouter(kind: string, factory: RouterFactory): void {
  if (kind === '') throw new RoutingError('a router kind must not be empty');
  if (factories.has(kind)) throw new RoutingError(`router kind "${kind}" is already registered`);
  factories.set(kind, factory);
}

/** A router of a registered kind over `groups`. */
export function createRouter(kind: string, groups: readonly string[]): Router {
  const factory = factories.get(kind);
  if (!factory) {
    throw new RoutingError(`unknown router kind "${kind}"; known kinds: ${[...factories.keys()].join(', ')}`);
  }
  return factory(groups);
}
