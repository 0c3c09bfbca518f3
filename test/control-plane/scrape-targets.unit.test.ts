import { expect, it } from 'vitest';
import type { NodeRegistration } from '../../cluster/registry/schema.js';
import { scrapeTargets } from '../../control-plane/scrape-targets.js';

const registration = (role: NodeRegistration['role'], name: string, metrics: string, group?: string): NodeRegistration => ({
  role,
  name,
  addresses: { grpc: '127.0.0.1:1', metrics },
  ...(group ? { group } : {}),
  version: '0.1.0',
  startedAt: '2025-01-01T00:00:00.000Z',
});

it('lists each registered process at its metrics address, named, readers with their group', () => {
  expect(
    scrapeTargets([
      registration('writer', 'writer-a', 'h1:9093'),
      registration('reader', 'reader-g1-b', 'h2:9094', 'g1'),
      registration('coordinator', 'coordinator-c', 'h3:9091'),
    ]),
  ).toEqual([
    { targets: ['h3:9091'], labels: { node: 'coordinator-c' } },
    { targets: ['h2:9094'], labels: { node: 'reader-g1-b', reader_group: 'g1' } },
    { targets: ['h1:9093'], labels: { node: 'writer-a' } },
  ]);
  expect(scrapeTargets([])).toEqual([]);
});
