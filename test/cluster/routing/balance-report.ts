/**
 * Prints the balance and movement figures quoted in docs/routing.md:
 *   npx tsx test/cluster/routing/balance-report.ts
 * Everything is deterministic except the timings.
 */
import { BoundedLoadRing } from '../../../cluster/routing/bounded-load-ring.js';
import { ConsistentHashRing, DEFAULT_VNODES } from '../../../cluster/routing/consistent-hash-ring.js';
import type { RouterFactory } from '../../../cluster/routing/router.js';
import { balance, equalSegments, groupNames, moves, sequentialIds } from './measure.js';
import { anchoredTo, BALANCE_BOUND, joinAndLeave, maxOverMean, MOVEMENT_BOUND, placed, sealChurn, type Prior } from './properties.js';
import { randomInstances, seeded } from './random-segments.js';

const IDS = sequentialIds(10_000);
const SEGMENTS = equalSegments(IDS);
const SIZES = [3, 5, 8];
const PREFIXES = ['g', 'reader-', 'group-'];
const fixed = (x: number) => x.toFixed(3);

console.log(
  `The plain ring. Balance over ${IDS.length} sequential ids, groups g0..: max/mean and min/mean; worst |count/mean - 1| over 2..10 groups named ${PREFIXES.join('N, ')}N`,
);
for (const vnodes of [64, 128, 256, 512, 1024]) {
  const cells = SIZES.map((n) => {
    const b = balance(new ConsistentHashRing(groupNames(n), { vnodes }).assign(SEGMENTS));
    return `${n}: ${fixed(b.maxOverMean)}/${fixed(b.minOverMean)}`;
  });
  let worst = 0;
  for (const prefix of PREFIXES) {
    for (let n = 2; n <= 10; n++) {
      const b = balance(new ConsistentHashRing(groupNames(n, prefix), { vnodes }).assign(SEGMENTS));
      worst = Math.max(worst, b.maxOverMean - 1, 1 - b.minOverMean);
    }
  }
  console.log(`  vnodes ${String(vnodes).padStart(4)}  ${cells.join('  ')}  worst ±${fixed(worst)}`);
}

console.log(`Movement with ${DEFAULT_VNODES} vnodes: moved segments / (ids/N), min..max over which group joins or leaves`);
for (const n of SIZES) {
  const all = groupNames(n);
  const ring = (groups: string[]) => new ConsistentHashRing(groups).assign(SEGMENTS);
  const ratios = (build: (g: string) => [ReturnType<typeof ring>, ReturnType<typeof ring>]) =>
    all.map((g) => moves(...build(g), SEGMENTS).length / (IDS.length / n));
  const range = (xs: number[]) => `${fixed(Math.min(...xs))}..${fixed(Math.max(...xs))}`;
  const without = (g: string) => ring(all.filter((x) => x !== g));
  const join = ratios((g) => [without(g), ring(all)]);
  const leave = ratios((g) => [ring(all), without(g)]);
  console.log(`  N=${n}  join ${range(join)}  leave ${range(leave)}`);
}

/** The default router, the same without anchors (stateless, as consistent hashing with bounded loads is), the plain ring. */
const ROUTERS: [string, RouterFactory][] = [
  ['bounded-load', (g) => new BoundedLoadRing(g)],
  [
    'no anchors  ',
    (g) => {
      const router = new BoundedLoadRing(g);
      return {
        name: 'no anchors',
        groups: router.groups,
        assign: (segments) => router.assign(segments.map(({ id, rows }) => ({ id, rows }))),
      };
    },
  ],
  ['plain ring  ', (g) => new ConsistentHashRing(g)],
];
const BANDS: [number, number][] = [
  [3, 4],
  [4, 6],
  [6, 12],
  [12, 24],
  [24, 48],
  [48, 64],
  [64, 128],
];
/** Growing a placement one seal at a time costs a placement per segment: measured up to this band. */
const GROWN_UP_TO = 24;
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
console.log(
  `Rows over random instances (1..16 groups; uniform, skewed and few-large sizes; 100 of each per band), by segments per group on average; ` +
    `prior placement from scratch (cold) and grown one seal at a time (grown, up to ${GROWN_UP_TO} per group):\n` +
    `  balance: largest max/mean, instances over ${BALANCE_BOUND}; movement: moved rows x N for one random join and one random leave, anchored on the prior, ` +
    `median / p90 / max, cases over ${MOVEMENT_BOUND}; seal: rows of other segments moved when one segment is added, x N, mean / max`,
);
for (const band of BANDS) {
  const instances = randomInstances(7, 100, band);
  for (const [name, make] of ROUTERS) {
    // A stateless router places the same whatever came before.
    const priors: Prior[] = name.startsWith('bounded-load') && band[1] <= GROWN_UP_TO ? ['cold', 'grown'] : ['cold'];
    for (const prior of priors) {
      const ratios = instances.map((i) => maxOverMean(make, i, prior));
      const random = seeded(3);
      const moved = instances
        .flatMap((i) => {
          const m = joinAndLeave(make, i, random, prior);
          return m ? [m.join, m.leave] : [];
        })
        .sort((a, b) => a - b);
      const seal = instances.map((i) => {
        const added = {
          id: Math.max(...i.segments.map((s) => s.id)) + 1,
          rows: i.segments[Math.floor(random() * i.segments.length)]!.rows,
        };
        return sealChurn(make, i.groups, placed(make, i.groups, i.segments, prior), i.segments, added).churn;
      });
      console.log(
        `  ${String(band[0]).padStart(2)}-${String(band[1]).padEnd(3)} ${name} ${(name.startsWith('bounded-load') ? prior : 'any').padEnd(5)}  balance ${fixed(Math.max(...ratios))} over ${ratios.filter((r) => r > BALANCE_BOUND).length}/${ratios.length}` +
          `  movement ${quantile(moved, 0.5).toFixed(2)} / ${quantile(moved, 0.9).toFixed(2)} / ${moved.at(-1)!.toFixed(2)} over ${moved.filter((m) => m > MOVEMENT_BOUND).length}/${moved.length}` +
          `  seal ${(seal.reduce((a, b) => a + b, 0) / seal.length).toFixed(2)} / ${Math.max(...seal).toFixed(2)}`,
      );
    }
  }
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
const sixteen = new BoundedLoadRing(groupNames(16));
const segments = randomInstances(5, 1, [470, 470])[0]!.segments.map((s, i) => ({ id: i + 1, rows: s.rows }));
const timed = (run: () => unknown) => {
  for (let i = 0; i < 3; i++) run(); // warm up
  const t = performance.now();
  for (let i = 0; i < 10; i++) run();
  return ((performance.now() - t) / 10).toFixed(1);
};
const recorded = anchoredTo(segments, sixteen.assign(segments));
const cold = timed(() => sixteen.assign(segments));
const again = timed(() => sixteen.assign(recorded));
const join = timed(() => new BoundedLoadRing(groupNames(17)).assign(recorded));
console.log(
  `Cost with ${DEFAULT_VNODES} vnodes: ring of 8 groups built in ${buildMs.toFixed(2)} ms, ring owner() ${ownerNs.toFixed(0)} ns; ` +
    `bounded-load assign() of ${segments.length} segments on 16 groups: ${cold} ms from scratch, ${again} ms anchored on its own result, ${join} ms for a 17th group joining`,
);
