import * as grpc from '@grpc/grpc-js';
import { afterAll, expect, it } from 'vitest';
import { leaderTarget } from '../../cluster/leader-resolver.js';
import { electionPrefix, WriterLeaderWatch } from '../../cluster/writer-leader.js';
import { healthClient, HealthService, type HealthClient } from '../../proto/health.js';
import { HealthState, SERVED_BY_HEADER } from '../../runtime/health.js';
import { freePort } from '../../runtime/free-port.js';
import { waitUntil } from '../harness/wait.js';
import { etcdForFile, memoryLogger } from './discovery/helpers.js';

/**
 * A gRPC client made with a leader target follows the writer election's leader (election keys
 * written by hand in the harness's etcd), and a leader it cannot reach does not spin it.
 */
const { etcd, prefix } = etcdForFile('leader-resolver');
const servers: grpc.Server[] = [];
afterAll(() => {
  for (const s of servers) s.forceShutdown();
});

/** A process that answers health checks naming itself. */
async function healthServer(): Promise<string> {
  const server = new grpc.Server();
  let address = '';
  server.addService(HealthService.service, new HealthState([], () => address).implementation());
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  servers.push(server);
  address = `127.0.0.1:${port}`;
  return address;
}

/** Campaigns by hand: the key created first leads. */
async function candidate(name: string, address: string): Promise<string> {
  const key = `${electionPrefix(prefix)}${name}`;
  await etcd.put(key).value(JSON.stringify({ name, address }));
  return key;
}

/** Which process answered a health check, or the gRPC error code. */
function servedBy(client: HealthClient, deadlineMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    let who = '';
    const call = client.Check({ service: '' }, { deadline: Date.now() + deadlineMs }, (err) =>
      resolve(err ? `error ${grpc.status[err.code]}` : who),
    );
    call.on('metadata', (md) => (who = String(md.get(SERVED_BY_HEADER)[0] ?? '')));
  });
}

it('moves to the new leader when the old key goes, and fails fast without spinning while the leader is unreachable', async () => {
  const [a, b] = [await healthServer(), await healthServer()];
  const keyA = await candidate('a', a);
  const keyB = await candidate('b', b);
  const watch = await WriterLeaderWatch.open({ etcd, prefix, log: memoryLogger().log });
  const client = healthClient(leaderTarget(watch), grpc.credentials.createInsecure());
  try {
    expect(await servedBy(client)).toBe(a);
    await etcd.delete().key(keyA);
    await waitUntil('calls reach the new leader', async () => (await servedBy(client)) === b, 10_000);
    // A leader that is not listening (and the old one gone): calls fail UNAVAILABLE, and the
    // event loop still turns (a resolver answering every re-resolution at once would starve it).
    await candidate('a2', `127.0.0.1:${await freePort()}`);
    servers[1]!.forceShutdown();
    await etcd.delete().key(keyB);
    await waitUntil('calls fail for the unreachable leader', async () => (await servedBy(client, 300)) === 'error UNAVAILABLE', 10_000);
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  } finally {
    client.close();
    watch.close();
  }
});

/** A process that accepts calls and never answers them, as a paused (SIGSTOP) leader does. */
async function pausedServer(): Promise<string> {
  const server = new grpc.Server();
  server.addService(HealthService.service, { Check: () => undefined, Watch: () => undefined });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  servers.push(server);
  return `127.0.0.1:${port}`;
}

it('sends a call made just after the leader changes to the new leader, not down the connection to the old one', async () => {
  await etcd.delete().prefix(electionPrefix(prefix));
  const [paused, next] = [await pausedServer(), await healthServer()];
  const keyPaused = await candidate('p', paused);
  await candidate('q', next);
  const watch = await WriterLeaderWatch.open({ etcd, prefix, log: memoryLogger().log });
  const client = healthClient(leaderTarget(watch), grpc.credentials.createInsecure());
  try {
    // Connected to the paused leader: its calls hang.
    expect(await servedBy(client, 300)).toBe('error DEADLINE_EXCEEDED');
    const sent = new Promise<string>((resolve) => watch.once('change', () => resolve(servedBy(client))));
    await etcd.delete().key(keyPaused);
    expect(await sent).toBe(next);
  } finally {
    client.close();
    watch.close();
  }
});
