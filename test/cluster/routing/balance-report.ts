/**
 * Prints the ring's balance and movement figures quoted in docs/routing.md:
 *   npx tsx test/cluster/routing/balance-report.ts
 * Everything is deterministic except the timings.
 */
import { ConsistentHashRing, DEFAULT_VNODES } from '../../../cluster/routing/consistent-hash-ring.js';
import { balance, groupNames, moves, sequentialIds } from './measure.js';

const IDS = sequentialIds(10_000);
const SIZES = [3, 5, 8];
const PREFIXES = ['g', 'reader-', 'group-'];
const fixed = (x: number) => x.toFixed(3);

console.log(
  `Balance over ${IDS.length} sequential ids, groups g0..: max/mean and min/mean; worst |count/mean - 1| over 2..10 groups named ${PREFIXES.join('N, ')}N`,
);
for (const vnodes of [64, 128, 256, 512, 1024]) {
  const cells = SIZES.map((n) => {
    const b = balance(new ConsistentHashRing(groupNames(n), { vnodes }), IDS);
    return `${n}: ${fixed(b.maxOverMean)}/${fixed(b.minOverMean)}`;
  });
  let worst = 0;
  for (const prefix of PREFIXES) {
    for (let n = 2; n <= 10; n++) {
      const b = balance(new ConsistentHashRing(groupNames(n, prefix), { vnodes }), IDS);
      worst = Math.max(worst, b.maxOverMean - 1, 1 - b.minOverMean);
    }
  }
  console.log(`  vnodes ${String(vnodes).padStart(4)}  ${cells.join('  ')}  worst ±${fixed(worst)}`);
}

console.log(`Movement with ${DEFAULT_VNODES} vnodes: moved segments / (ids/N), min..max over which group joins or leaves`);
for (const n of SIZES) {
  const all = groupNames(n);
  const ratios = (build: (g: string) => [ConsistentHashRing, ConsistentHashRing]) =>
    all.map((g) => moves(...build(g), IDS).length / (IDS.length / n));
  const range = (xs: number[]) => `${fixed(Math.min(...xs))}..${fixed(Math.max(...xs))}`;
  const without = (g: string) => new ConsistentHashRing(all.filter((x) => x !== g));
  const join = ratios((g) => [without(g), new ConsistentHashRing(all)]);
  const leave = ratios((g) => [new ConsistentHashRing(all), without(g)]);
  console.log(`  N=${n}  join ${range(join)}  leave ${range(leave)}`);
}

const eight = groupNames(8);
let start = performance.now();
for (let i = 0; i < 100; i++) new ConsistentHashRing(eight);
const buildMs = (performance.now() - start) / 100;
const ring = new ConsistentHashRing(eight);
const lookups = sequentialIds(1_000_000);
for (const id of IDS) ring.owner(id); // warm up the JIT
start = performance.now();
for (const id of lookups) ring.owner(id);
const ownerNs = ((performance.now() - start) * 1e6) / 1_000_000;
console.log(`Cost with ${DEFAULT_VNODES} vnodes, 8 groups: build ${buildMs.toFixed(2)} ms, owner() ${ownerNs.toFixed(0)} ns`);
