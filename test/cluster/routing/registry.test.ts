/** Routers by kind: the default, plugging in another one, and the errors. */
import { describe, expect, it } from 'vitest';
import { OwnerTable } from '../../../cluster/routing/assignment.js';
import { BoundedLoadRing } from '../../../cluster/routing/bounded-load-ring.js';
import { ConsistentHashRing } from '../../../cluster/routing/consistent-hash-ring.js';
import { createRouter, DEFAULT_ROUTER, registerRouter } from '../../../cluster/routing/registry.js';
import { RoutingError, type Router } from '../../../cluster/routing/router.js';
import { equalSegments, sequentialIds } from './measure.js';

/** A stand-in router: every segment goes to the first group by name. */
function firstGroupRouter(groups: readonly string[]): Router {
  const sorted = [...groups].sort();
  return {
    name: 'first-group',
    groups: sorted,
    assign: (segments) => new OwnerTable(sorted, new Map(sorted.length ? segments.map((s) => [s.id, 0]) : []), segments),
  };
}

describe('router registry', () => {
  it('builds the bounded-load ring by default', () => {
    expect(DEFAULT_ROUTER).toBe('bounded-load');
    const router = createRouter(DEFAULT_ROUTER, ['b', 'a', 'c']);
    expect(router).toBeInstanceOf(BoundedLoadRing);
    expect(router.name).toBe('bounded-load');
    const segments = equalSegments(sequentialIds(100), 10);
    const ids = sequentialIds(100);
    expect(ids.map((id) => router.assign(segments).owner(id))).toEqual(
      ids.map((id) => new BoundedLoadRing(['a', 'b', 'c']).assign(segments).owner(id)),
    );
  });

  it('has the plain consistent hash ring as "consistent-hash"', () => {
    expect(createRouter('consistent-hash', ['a'])).toBeInstanceOf(ConsistentHashRing);
  });

  it('passes group errors through', () => {
    expect(() => createRouter(DEFAULT_ROUTER, ['a', 'a'])).toThrow('group "a" is listed twice');
  });

  it('plugs in another router by name', () => {
    registerRouter('first-group', firstGroupRouter);
    const router = createRouter('first-group', ['y', 'x']);
    expect(router.name).toBe('first-group');
    const assignment = router.assign(equalSegments([1, 2]));
    expect(assignment.owner(5)).toBeUndefined();
    expect(assignment.partition([1, 2])).toEqual(new Map([['x', [1, 2]]]));
  });

  it('names the known kinds when asked for an unknown one', () => {
    expect(() => createRouter('rendezvous', ['a'])).toThrow(RoutingError);
    expect(() => createRouter('rendezvous', ['a'])).toThrow(/unknown router kind "rendezvous"; known kinds: bounded-load, consistent-hash/);
  });

  it('never replaces a kind, and refuses an empty one', () => {
    expect(() => registerRouter(DEFAULT_ROUTER, firstGroupRouter)).toThrow('router kind "bounded-load" is already registered');
    expect(() => registerRouter('', firstGroupRouter)).toThrow('a router kind must not be empty');
    expect(createRouter(DEFAULT_ROUTER, ['a'])).toBeInstanceOf(BoundedLoadRing);
  });
});
