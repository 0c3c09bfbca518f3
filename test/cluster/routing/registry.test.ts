/** Routers by kind: the default, plugging in another one, and the errors. */
import { describe, expect, it } from 'vitest';
import { ConsistentHashRing } from '../../../cluster/routing/consistent-hash-ring.js';
import { createRouter, DEFAULT_ROUTER, registerRouter } from '../../../cluster/routing/registry.js';
import { RoutingError, type Router } from '../../../cluster/routing/router.js';
import { sequentialIds } from './measure.js';

/** A stand-in router: every segment goes to the first group by name. */
function firstGroupRouter(groups: readonly string[]): Router {
  const sorted = [...groups].sort();
  return {
    name: 'first-group',
    groups: sorted,
    owner: () => sorted[0],
    assign: (ids) => (sorted.length === 0 || ids.length === 0 ? new Map() : new Map([[sorted[0]!, [...ids]]])),
  };
}

describe('router registry', () => {
  it('builds the consistent hash ring by default', () => {
    expect(DEFAULT_ROUTER).toBe('consistent-hash');
    const router = createRouter(DEFAULT_ROUTER, ['b', 'a', 'c']);
    expect(router).toBeInstanceOf(ConsistentHashRing);
    expect(router.name).toBe('consistent-hash');
    const ids = sequentialIds(100);
    expect(router.assign(ids)).toEqual(new ConsistentHashRing(['a', 'b', 'c']).assign(ids));
  });

  it('passes group errors through', () => {
    expect(() => createRouter(DEFAULT_ROUTER, ['a', 'a'])).toThrow('group "a" is listed twice');
  });

  it('plugs in another router by name', () => {
    registerRouter('first-group', firstGroupRouter);
    const router = createRouter('first-group', ['y', 'x']);
    expect(router.name).toBe('first-group');
    expect(router.owner(5)).toBe('x');
    expect(router.assign([1, 2])).toEqual(new Map([['x', [1, 2]]]));
  });

  it('names the known kinds when asked for an unknown one', () => {
    expect(() => createRouter('rendezvous', ['a'])).toThrow(RoutingError);
    expect(() => createRouter('rendezvous', ['a'])).toThrow(/unknown router kind "rendezvous"; known kinds: consistent-hash/);
  });

  it('never replaces a kind, and refuses an empty one', () => {
    expect(() => registerRouter(DEFAULT_ROUTER, firstGroupRouter)).toThrow('router kind "consistent-hash" is already registered');
    expect(() => registerRouter('', firstGroupRouter)).toThrow('a router kind must not be empty');
    expect(createRouter(DEFAULT_ROUTER, ['a'])).toBeInstanceOf(ConsistentHashRing);
  });
});
