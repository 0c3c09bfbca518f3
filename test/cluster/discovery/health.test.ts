import * as grpc from '@grpc/grpc-js';
import { expect, it } from 'vitest';
import { MetricsServer } from '../../../runtime/metrics-server.js';
import { serveNode } from '../../../runtime/serve.js';
import { MetadataFeedService } from '../../../proto/data-node.js';
import { checkHealth, healthClient } from './helpers.js';

/** grpc.health.v1.Health as serveNode serves it for every process. */
it('answers SERVING while up, NOT_SERVING to watchers when shutting down', async () => {
  const node = await serveNode({
    host: '127.0.0.1',
    port: 0,
    metricsPort: 0,
    metrics: new MetricsServer('health-test'),
    services: [[MetadataFeedService.service, {}]],
    closers: [],
  });
  const client = healthClient(node.grpc);
  try {
    expect(await checkHealth(node.grpc)).toBe('SERVING');
    expect(await checkHealth(node.grpc, 'mishards.data.MetadataFeed')).toBe('SERVING');
    await expect(checkHealth(node.grpc, 'no.such.Service')).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    expect((await fetch(`http://${node.metrics}/healthz`)).status).toBe(200);

    const seen: string[] = [];
    const unknown: string[] = [];
    const watch = client.Watch({ service: '' });
    const unknownWatch = client.Watch({ service: 'no.such.Service' });
    unknownWatch.on('data', (m: { status: string }) => unknown.push(m.status));
    const ended = new Promise<void>((resolve, reject) => {
      watch.on('data', (m: { status: string }) => seen.push(m.status));
      watch.on('end', resolve);
      watch.on('error', reject);
    });
    const unknownEnded = new Promise<void>((resolve) => unknownWatch.on('end', resolve));
    await new Promise<void>((resolve) => {
      const first = () => (seen.length && unknown.length ? resolve() : undefined);
      watch.on('data', first);
      unknownWatch.on('data', first);
    });
    expect(seen).toEqual(['SERVING']);
    expect(unknown).toEqual(['SERVICE_UNKNOWN']);

    await node.stop();
    await ended;
    await unknownEnded;
    expect(seen).toEqual(['SERVING', 'NOT_SERVING']);
    expect(unknown).toEqual(['SERVICE_UNKNOWN']);
  } finally {
    client.close();
  }
});

it('drains: NOT_SERVING to health checks and /healthz while calls still succeed and /livez stays up', async () => {
  const node = await serveNode({
    host: '127.0.0.1',
    port: 0,
    metricsPort: 0,
    metrics: new MetricsServer('health-test'),
    services: [[MetadataFeedService.service, {}]],
    closers: [],
  });
  try {
    node.drain();
    expect(await checkHealth(node.grpc)).toBe('NOT_SERVING');
    expect((await fetch(`http://${node.metrics}/healthz`)).status).toBe(503);
    expect((await fetch(`http://${node.metrics}/livez`)).status).toBe(200);
  } finally {
    await node.stop();
  }
});
