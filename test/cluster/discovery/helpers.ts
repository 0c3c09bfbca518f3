import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Etcd3 } from 'etcd3';
import pino, { type Logger } from 'pino';
import { afterAll, inject } from 'vitest';
import type { Discovery, Member } from '../../../cluster/discovery.js';
import { HealthService } from '../../../proto/health.js';

/**
 * A client of the harness's shared etcd and a key prefix no other test file uses; the keys
 * under it are deleted and the client closed after the file's other afterAll hooks.
 */
export function etcdForFile(name: string): { etcd: Etcd3; prefix: string } {
  const prefix = `/test-${name}-${randomBytes(4).toString('hex')}`;
  const etcd = new Etcd3({ hosts: inject('etcd').endpoint });
  afterAll(async () => {
    await etcd.delete().prefix(prefix);
    etcd.close();
  });
  return { etcd, prefix };
}

/** A logger that keeps its records, to assert what was reported. */
export function memoryLogger(): { log: Logger; records: Record<string, any>[] } {
  const records: Record<string, any>[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void records.push(JSON.parse(line)) });
  return { log, records };
}

/**
 * Resolves with the members once `accept` holds for them, checking now and on every 'change'
 * (the discovery's own event, no polling); rejects after `timeoutMs`.
 */
export function membersWhen(discovery: Discovery, what: string, accept: (m: Member[]) => boolean, timeoutMs = 20_000): Promise<Member[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!accept(discovery.members())) return;
      clearTimeout(timer);
      discovery.off('change', check);
      resolve(discovery.members());
    };
    const timer = setTimeout(() => {
      discovery.off('change', check);
      reject(new Error(`timed out waiting until ${what}; members: ${JSON.stringify(discovery.members())}`));
    }, timeoutMs);
    discovery.on('change', check);
    check();
  });
}

export function healthClient(address: string): grpc.Client & Record<string, any> {
  return new HealthService(address, grpc.credentials.createInsecure()) as any;
}

/** grpc.health.v1.Health/Check: the status name, or the gRPC error. */
export function checkHealth(address: string, service = ''): Promise<string> {
  const client = healthClient(address);
  return new Promise<string>((resolve, reject) => {
    client.Check({ service }, { deadline: Date.now() + 5000 }, (err: grpc.ServiceError | null, res: { status: string }) =>
      err ? reject(err) : resolve(res.status),
    );
  }).finally(() => client.close());
}
