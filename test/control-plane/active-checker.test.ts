import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ActiveHealthChecker } from '../../control-plane/health/active-checker.js';
import { HealthService } from '../../proto/health.js';
import { memoryLogger } from '../cluster/discovery/helpers.js';

/** A grpc.health.v1 server whose answer the test sets. */
let status = 'SERVING';
let server: grpc.Server;
let address: string;

beforeAll(async () => {
  server = new grpc.Server();
  server.addService(HealthService.service, {
    Check: (_call: unknown, cb: grpc.sendUnaryData<{ status: string }>) => cb(null, { status }),
    Watch: () => {},
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  address = `127.0.0.1:${port}`;
});

afterAll(() => server.forceShutdown());

it('marks a target healthy on success, unhealthy after consecutive failures, and healthy again', async () => {
  const { log, records } = memoryLogger();
  const checker = new ActiveHealthChecker({ intervalMs: 20, timeoutMs: 500, unhealthyThreshold: 2, log });
  const verdicts: string[] = [];
  const next = (want: string) =>
    new Promise<void>((resolve) => {
      const on = () => {
        verdicts.push(checker.status(address));
        if (checker.status(address) !== want) return;
        checker.off('change', on);
        resolve();
      };
      checker.on('change', on);
    });
  try {
    const healthy = next('HEALTHY');
    checker.setTargets([address]);
    expect(checker.status(address)).toBe('UNKNOWN');
    await healthy;
    const unhealthy = next('UNHEALTHY');
    status = 'NOT_SERVING';
    await unhealthy;
    const back = next('HEALTHY');
    status = 'SERVING';
    await back;
    // Every verdict change is one event; one failure alone changed nothing.
    expect(verdicts).toEqual(['HEALTHY', 'UNHEALTHY', 'HEALTHY']);
    expect(records.filter((r) => r.msg === 'endpoint health changed').map((r) => `${r.from}>${r.to}`)).toEqual([
      'UNKNOWN>HEALTHY',
      'HEALTHY>UNHEALTHY',
      'UNHEALTHY>HEALTHY',
    ]);
    // A target no longer registered is forgotten.
    checker.setTargets([]);
    expect(checker.status(address)).toBe('UNKNOWN');
  } finally {
    checker.close();
  }
});
