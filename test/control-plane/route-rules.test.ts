import { describe, expect, it } from 'vitest';
import { compileRule } from '../../control-plane/routes/compile.js';
import { describeError } from '../../cluster/registry/schema.js';
import { parseRouteRule, routeKey } from '../../control-plane/routes/schema.js';

const PREFIX = '/mishards';
const key = (name: string) => routeKey(PREFIX, name);
const parse = (name: string, value: unknown) =>
  parseRouteRule(PREFIX, key(name), typeof value === 'string' ? value : JSON.stringify(value));
const rejection = (name: string, value: unknown): string => {
  try {
    parse(name, value);
  } catch (e) {
    // What the watcher logs next to the key.
    return describeError(e);
  }
  throw new Error(`${JSON.stringify(value)} was accepted`);
};

const canary = {
  listener: 'mishards-coordinator',
  match: { grpcMethod: 'Search', headers: [{ name: 'x-tenant', regex: 'team-(a|b)' }], collection: 'books' },
  action: {
    weightedClusters: [
      { cluster: 'mishards-coordinator', weight: 90 },
      { cluster: 'mishards-reader-g1', weight: 10 },
    ],
    timeout: '250ms',
    retry: { on: ['unavailable', 'cancelled'], numRetries: 2, perTryTimeout: '1.5s', backoff: { base: '25ms', max: '1s' } },
    hashPolicy: [{ header: 'x-user' }, { collection: true, terminal: true }],
  },
};

describe('operator route rules', () => {
  it('parses a full rule, with defaults, and compiles it to an Envoy route', () => {
    const { name, rule } = parse('canary', canary);
    expect(name).toBe('canary');
    expect(rule.priority).toBe(1000);
    expect(compileRule({ name, rule })).toEqual({
      name: 'rule/canary',
      match: {
        path: '/milvus.proto.milvus.MilvusService/Search',
        headers: [
          { name: 'x-tenant', string_match: { safe_regex: { regex: 'team-(a|b)' } } },
          { name: 'x-mishards-collection', string_match: { exact: 'books' } },
        ],
      },
      route: {
        weighted_clusters: {
          clusters: [
            { name: 'mishards-coordinator', weight: 90 },
            { name: 'mishards-reader-g1', weight: 10 },
          ],
        },
        timeout: '0.25s',
        retry_policy: {
          retry_on: 'unavailable,cancelled',
          num_retries: 2,
          per_try_timeout: '1.5s',
          retry_back_off: { base_interval: '0.025s', max_interval: '1s' },
        },
        hash_policy: [{ header: { header_name: 'x-user' } }, { header: { header_name: 'x-mishards-collection' }, terminal: true }],
      },
    });
  });

  it('matches every path when no path is given, and REST paths and prefixes as written', () => {
    const all = parse('all', { listener: 'mishards-front', action: { cluster: 'mishards-writer' } });
    expect(compileRule(all).match).toEqual({ prefix: '/' });
    const rest = parse('rest', {
      listener: 'mishards-front',
      match: { restPath: '/v2/vectordb/entities/search' },
      action: { cluster: 'mishards-coordinator-http' },
    });
    expect(compileRule(rest).match).toEqual({ path: '/v2/vectordb/entities/search' });
    const other = parse('other', {
      listener: 'mishards-front',
      match: { grpcMethod: 'grpc.health.v1.Health/Check' },
      action: { cluster: 'mishards-writer' },
    });
    expect(compileRule(other).match).toEqual({ path: '/grpc.health.v1.Health/Check' });
  });

  it.each([
    ['invalid JSON', '{"listener": ', /not JSON/],
    [
      'weights not summing to 100',
      {
        listener: 'mishards-front',
        action: {
          weightedClusters: [
            { cluster: 'mishards-writer', weight: 50 },
            { cluster: 'mishards-coordinator', weight: 20 },
          ],
        },
      },
      /weights must sum to 100/,
    ],
    [
      'a regex that does not compile',
      { listener: 'mishards-front', match: { headers: [{ name: 'x-a', regex: '(unclosed' }] }, action: { cluster: 'mishards-writer' } },
      /not a valid RE2 regex/,
    ],
    [
      'a regex JavaScript takes but RE2 does not (lookahead)',
      { listener: 'mishards-front', match: { headers: [{ name: 'x-a', regex: 'a(?=b)' }] }, action: { cluster: 'mishards-writer' } },
      /not a valid RE2 regex/,
    ],
    [
      'a cluster that is no Mishards cluster',
      { listener: 'mishards-front', action: { cluster: 'payments' } },
      /must be a Mishards cluster/,
    ],
    ['an unknown listener', { listener: 'front', action: { cluster: 'mishards-writer' } }, /listener: must be mishards-front/],
    ['an unknown field', { listener: 'mishards-front', action: { cluster: 'mishards-writer' }, weight: 3 }, /Unrecognized key/],
    [
      'both cluster and weightedClusters',
      {
        listener: 'mishards-front',
        action: {
          cluster: 'mishards-writer',
          weightedClusters: [
            { cluster: 'mishards-writer', weight: 50 },
            { cluster: 'mishards-coordinator', weight: 50 },
          ],
        },
      },
      /exactly one of cluster, weightedClusters/,
    ],
    [
      'two path matches',
      { listener: 'mishards-front', match: { grpcMethod: 'Search', restPath: '/v2/x' }, action: { cluster: 'mishards-writer' } },
      /at most one of grpcMethod, restPath, pathPrefix/,
    ],
    [
      'a header match without a condition',
      { listener: 'mishards-front', match: { headers: [{ name: 'x-a' }] }, action: { cluster: 'mishards-writer' } },
      /exactly one of exact, prefix, regex, present/,
    ],
    [
      'an upper-case header name',
      { listener: 'mishards-front', match: { headers: [{ name: 'X-A', present: true }] }, action: { cluster: 'mishards-writer' } },
      /lower-case HTTP header name/,
    ],
    ['a bad duration', { listener: 'mishards-front', action: { cluster: 'mishards-writer', timeout: '5 seconds' } }, /duration like/],
    [
      'an unknown retry condition',
      { listener: 'mishards-front', action: { cluster: 'mishards-writer', retry: { on: ['sometimes'], numRetries: 1 } } },
      /retry/,
    ],
  ])('rejects %s with the reason', (_what, value, reason) => {
    expect(rejection('r1', value)).toMatch(reason);
  });

  it('rejects a key whose name is not one key segment', () => {
    expect(() => parseRouteRule(PREFIX, `${PREFIX}/routes/a/b`, JSON.stringify(canary))).toThrow(/A-Z a-z 0-9/);
  });
});
