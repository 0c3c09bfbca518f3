/**
 * `npm run bench:relay-floor`: what the coordinator's extra hop costs with nothing else in it.
 * Bare grpc-js unary calls on loopback, raw bytes (no protobuf, no search, no tracing, no
 * metrics), every party its own process as in `mishards up`:
 *
 *   direct:  client -> leaf
 *   relayed: client -> relay -> 3 leaves in parallel -> relay -> client
 *
 * Requests carry 600 bytes (an nq = 1, 128-d query), answers 5,600 bytes (ten hits with their
 * vectors). The difference between the two p50s is the floor under the coordinator's added
 * latency on this machine (figures in docs/coordinator.md, "Benchmarks").
 */
import { callBare as call, connectBare as connect, type Party, serveBare as serve, startParty } from './bare-unary.js';
import { serverCpuUs } from './node-measure.js';

const REQUEST_BYTES = 600;
const ANSWER_BYTES = 5600;
const LEAVES = 3;
const WARM_UP = 1000;
const CALLS = 4000;
const ROUNDS = 3;

const start = (name: string, args: string[]) => startParty(name, import.meta.url, args);
const startLeaf = (name: string) => startParty(name, new URL('./bare-leaf.ts', import.meta.url).href, [String(ANSWER_BYTES)]);

async function measure(label: string, port: number, parties: Party[]): Promise<void> {
  const c = connect(port);
  const req = Buffer.alloc(REQUEST_BYTES);
  for (let i = 0; i < WARM_UP; i++) await call(c, req);
  const cpu0 = parties.map((p) => serverCpuUs([p.child.pid!]));
  const own0 = process.cpuUsage();
  const latencies = new Float64Array(CALLS);
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    await call(c, req);
    latencies[i] = performance.now() - t;
  }
  const elapsed = performance.now() - t0;
  const own = process.cpuUsage(own0);
  latencies.sort();
  const q = (p: number) => latencies[Math.min(CALLS - 1, Math.ceil(p * CALLS) - 1)]!.toFixed(3);
  const cpu = parties.map((p, i) => `${p.name} ${((serverCpuUs([p.child.pid!]) - cpu0[i]!) / CALLS).toFixed(0)}`).join(', ');
  console.log(
    `${label}  p50 ${q(0.5)} ms  p99 ${q(0.99)} ms  ${((CALLS / elapsed) * 1000).toFixed(0)} QPS  CPU us/call: client ${((own.user + own.system) / CALLS).toFixed(0)}, ${cpu}`,
  );
  c.close();
}

const [role, ...ports] = process.argv.slice(2);
if (role === 'relay') {
  const leaves = ports.map((p) => connect(Number(p)));
  const answer = Buffer.alloc(ANSWER_BYTES);
  process.send!(
    await serve(async (req) => {
      await Promise.all(leaves.map((l) => call(l, req)));
      return answer;
    }),
  );
} else {
  const leaves = await Promise.all(Array.from({ length: LEAVES }, (_, i) => startLeaf(`leaf${i + 1}`)));
  const relay = await start('relay', ['relay', ...leaves.map((l) => String(l.port))]);
  try {
    for (let r = 0; r < ROUNDS; r++) {
      await measure('direct  (client -> leaf)                ', leaves[0]!.port, [leaves[0]!]);
      await measure(`relayed (client -> relay -> ${LEAVES} leaves)`, relay.port, [relay, ...leaves]);
    }
  } finally {
    for (const p of [relay, ...leaves]) p.child.kill();
  }
}
