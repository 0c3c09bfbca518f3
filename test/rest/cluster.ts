import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { onFreePorts, startMishards } from '../harness/mishards-process.js';

export const DIM = 8;

export function vec(i: number): number[] {
  return Array.from({ length: DIM }, (_, j) => Math.sin(i * 0.37 + j * 1.1) + (j === i % DIM ? 1 : 0));
}

export interface RestCluster {
  /** The REST address (HOST:PORT) from the ready line: the coordinator's, or Nginx's in front. */
  http: string;
  /** The gRPC address from the ready line: the coordinator's, or Nginx's in front. */
  grpc: string;
  /** The `mishards up` process (its children are the cluster's nodes). */
  pid: number;
  /** The coordinator's metrics address. */
  metrics: string;
  stop(): Promise<number | null>;
}

/**
 * `mishards up` with three readers and REST on a free port, in a directory of its own; with
 * `nginx`, a private Nginx in front (`up --nginx`, membership from the harness's etcd); `args`
 * and `env` add options (authentication, TLS).
 */
export async function startRestCluster(o: { nginx?: boolean; args?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<RestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'mishards-rest-'));
  const nginx = o.nginx
    ? ['--nginx', '--etcd', inject('etcd').endpoint, '--etcd-prefix', `/test-rest-${randomBytes(4).toString('hex')}`]
    : [];
  const cluster = await startMishards(
    ['up', '--readers', '3', ...onFreePorts(dir), '--http-port', '0', '--seal-rows', '100', ...nginx, ...(o.args ?? [])],
    o.env,
  );
  return {
    http: cluster.addresses.http!,
    grpc: cluster.addresses.grpc!,
    pid: cluster.child.pid!,
    metrics: cluster.addresses.metrics!,
    async stop() {
      const code = await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}
