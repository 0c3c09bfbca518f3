import { readFileSync } from 'node:fs';
import { Etcd3 } from 'etcd3';
import { CONTROL_PLANE_DEFAULTS } from '../control-plane/defaults.js';
import { describeError, nodesPrefix, normalizePrefix, parseNodeRegistration, type NodeRegistration } from '../cluster/registry/schema.js';
import { SnapshotBuilder } from '../control-plane/resources/build-snapshot.js';
import { parseRouteRule, routeKey, RouteNameSchema, routesPrefix } from '../control-plane/routes/schema.js';
import { encodeEnvoyJson } from '../envoy-schema/index.js';
import { readerGroups, StaticDiscovery, writerAddress } from '../cluster/discovery.js';
import { toMember } from '../cluster/etcd-discovery.js';
import { MetadataCache } from '../cluster/metadata-cache.js';
import { imbalance } from '../cluster/routing/assignment.js';
import { createRouter, DEFAULT_ROUTER } from '../cluster/routing/registry.js';
import { ServedAssignment } from '../cluster/served-assignment.js';
import { servedSegments, type CollectionView } from '../meta/collection-view.js';
import { createLogger } from '../runtime/logger.js';
import { MILVUS_COMMANDS, milvusCommand } from './ctl-milvus.js';
import { parseArgv, UsageError } from './options.js';
import { electionPrefix, WriterCandidateSchema } from '../cluster/writer-leader.js';
import { peering } from '../runtime/peering.js';
import { loadTls } from '../runtime/tls.js';

export const CTL_USAGE = `usage: mishards ctl <command> [options]

commands:
  nodes                        registered processes (role, name, group, addresses, version) and,
                               for writers, the leader with its fencing epoch or standby
  ring [--segments ID,ID,...]  reader groups with the served segments and rows the router places
                               on each, the imbalance (max/mean rows), and the owner group of
                               the given segment ids (reads the metadata from the writer)
  routes list                  operator route rules, each with its validity
  routes get NAME              one rule as stored
  routes validate FILE|-       check a rule against the schema and the current cluster
  routes put NAME FILE|-       validate, then write /mishards/routes/NAME
  routes delete NAME           remove a rule

  progress [NAME...] [--wait]  load and index-build progress of each collection (all when none
                               named), as progress bars; --wait redraws until both are done
  load NAME...|--all           load collections, then show their loading progress until the
                               readers hold every segment
  release NAME...|--all        release collections
  compact NAME...|--all        compact collections, showing each compaction's plans completing

options:
  --etcd HOST:PORT[,HOST:PORT]  etcd endpoints (or MISHARDS_ETCD; default 127.0.0.1:2379)
  --etcd-prefix P               key prefix (or MISHARDS_ETCD_PREFIX; default /mishards)
  --address HOST:PORT           the Milvus API of progress, load, release and compact: a
                                coordinator (or MISHARDS_ADDRESS; default 127.0.0.1:19530)
  --timeout S                   longest wait of load, compact and progress --wait (default 300)
  --json                        machine-readable output

security (environment only; docs/security.md): MISHARDS_TOKEN (user:password) signs the
Milvus API calls in; MISHARDS_TLS_CERT, MISHARDS_TLS_KEY and MISHARDS_TLS_CA are the TLS
files of every call; MISHARDS_CLUSTER_TOKEN is the internal API's secret (ring).
`;

interface Ctx {
  etcd: Etcd3;
  prefix: string;
  json: boolean;
  out: (line: string) => void;
}

/** Runs one ctl command; returns the exit code (1: the cluster or the input is not valid). */
export async function ctl(argv: string[], out?: (line: string) => void): Promise<number> {
  // Progress is redrawn in place only when writing to a terminal ourselves.
  const tty = !out && process.stdout.isTTY;
  out ??= (l) => process.stdout.write(`${l}\n`);
  const parsed = parseArgv({
    args: argv,
    options: {
      etcd: { type: 'string' },
      'etcd-prefix': { type: 'string' },
      json: { type: 'boolean' },
      segments: { type: 'string' },
      address: { type: 'string' },
      all: { type: 'boolean' },
      wait: { type: 'boolean' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  const {
    values: v,
    positionals: [command, ...args],
  } = parsed;
  if (v.help || !command) {
    out(CTL_USAGE);
    return v.help ? 0 : 2;
  }
  if (MILVUS_COMMANDS.has(command)) {
    const timeout = Number(v.timeout ?? 300);
    if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--timeout must be a positive number of seconds, got ${v.timeout}`);
    return milvusCommand(
      {
        address: v.address ?? process.env.MISHARDS_ADDRESS ?? '127.0.0.1:19530',
        json: Boolean(v.json),
        timeoutMs: timeout * 1000,
        out,
        tty: tty ? process.stdout : undefined,
      },
      command,
      args,
      { all: Boolean(v.all), wait: Boolean(v.wait) },
    );
  }
  const hosts = (v.etcd ?? process.env.MISHARDS_ETCD ?? '127.0.0.1:2379')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const etcd = new Etcd3({ hosts, dialTimeout: 3000 });
  const ctx: Ctx = {
    etcd,
    prefix: normalizePrefix(v['etcd-prefix'] ?? process.env.MISHARDS_ETCD_PREFIX ?? '/mishards'),
    json: Boolean(v.json),
    out,
  };
  try {
    if (command === 'nodes') return await nodes(ctx);
    if (command === 'ring') return await ring(ctx, v.segments);
    if (command === 'routes') return await routes(ctx, args);
    throw new UsageError(`unknown ctl command "${command}"\n\n${CTL_USAGE}`);
  } finally {
    etcd.close();
  }
}

type RegisteredNode = { key: string; registration: NodeRegistration };

async function readNodes(ctx: Ctx): Promise<RegisteredNode[]> {
  const kvs = await ctx.etcd.getAll().prefix(nodesPrefix(ctx.prefix)).strings();
  const list: RegisteredNode[] = [];
  for (const [key, text] of Object.entries(kvs)) {
    try {
      list.push({ key, registration: parseNodeRegistration(ctx.prefix, key, text) });
    } catch (e) {
      process.stderr.write(`invalid registration at ${key}: ${describeError(e)}\n`);
    }
  }
  return list;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

/** The writer election's leader (docs/writer-ha.md): the key created first, its create revision the epoch. */
async function readLeader(ctx: Ctx): Promise<{ address: string; epoch: number } | undefined> {
  const res = await ctx.etcd.getAll().prefix(electionPrefix(ctx.prefix)).exec();
  const [first] = [...res.kvs].sort((a, b) => Number(BigInt(a.create_revision) - BigInt(b.create_revision)));
  if (!first) return undefined;
  const parsed = WriterCandidateSchema.safeParse(JSON.parse(first.value.toString()));
  return parsed.success ? { address: parsed.data.address, epoch: Number(first.create_revision) } : undefined;
}

/** A writer's part in the election: `leader`, `standby`, or undefined for other roles. */
function electionRole(r: NodeRegistration, leader: { address: string } | undefined): 'leader' | 'standby' | undefined {
  if (r.role !== 'writer') return undefined;
  return r.addresses.grpc === leader?.address ? 'leader' : 'standby';
}

async function nodes(ctx: Ctx): Promise<number> {
  const list = (await readNodes(ctx)).map((n) => n.registration);
  const leader = await readLeader(ctx);
  if (ctx.json) {
    const withElection = list.map((r) => {
      const election = electionRole(r, leader);
      return election ? { ...r, election, ...(election === 'leader' ? { epoch: leader!.epoch } : {}) } : r;
    });
    ctx.out(JSON.stringify(withElection, null, 2));
    return 0;
  }
  const header = ['ROLE', 'NAME', 'GROUP', 'GRPC', 'HTTP', 'METRICS', 'VERSION', 'STARTED', 'ELECTION'];
  const rows = list.map((r) => {
    const election = electionRole(r, leader);
    return [
      r.role,
      r.name,
      r.group ?? '-',
      r.addresses.grpc,
      r.addresses.http ?? '-',
      r.addresses.metrics,
      r.version,
      r.startedAt,
      election === 'leader' ? `leader epoch=${leader!.epoch}` : (election ?? '-'),
    ];
  });
  for (const line of table([header, ...rows])) ctx.out(line);
  return 0;
}

/** How long `ring` waits for the writer's metadata snapshot. */
const METADATA_WAIT_MS = 5000;

/**
 * Every collection view as the writer's metadata feed has it now (the feed coordinators and
 * readers place from), or undefined after writing why not.
 */
async function readMetadata(ctx: Ctx, writer: string): Promise<CollectionView[] | undefined> {
  const tls = loadTls({ cert: process.env.MISHARDS_TLS_CERT, key: process.env.MISHARDS_TLS_KEY, ca: process.env.MISHARDS_TLS_CA });
  const cache = new MetadataCache(writer, createLogger('ctl', 'silent'), peering(tls, process.env.MISHARDS_CLUSTER_TOKEN || undefined));
  let timer: NodeJS.Timeout | undefined;
  try {
    cache.start();
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), METADATA_WAIT_MS);
    });
    if (await Promise.race([cache.ready().then(() => true), timeout])) return cache.all();
    ctx.out(`the writer at ${writer} sent no metadata snapshot within ${METADATA_WAIT_MS / 1000} s`);
    return undefined;
  } finally {
    clearTimeout(timer);
    cache.close();
  }
}

async function ring(ctx: Ctx, segments: string | undefined): Promise<number> {
  const ids = segments ? segments.split(',').map((s) => Number(s.trim())) : [];
  if (ids.some((id) => !Number.isSafeInteger(id) || id < 0))
    throw new UsageError(`--segments must be non-negative integers, got ${segments}`);
  const members = (await readNodes(ctx)).map((n) => toMember(n.registration));
  if (!members.some((m) => m.role === 'writer')) {
    ctx.out('no writer is registered: the served segments and their rows are unknown');
    return 1;
  }
  const leader = await readLeader(ctx);
  const views = await readMetadata(ctx, leader?.address ?? (await writerAddress(new StaticDiscovery(members))));
  if (!views) return 1;
  const router = createRouter(DEFAULT_ROUTER, readerGroups(members));
  const assignment = new ServedAssignment().of(router, views);
  const total = [...assignment.rows.values()].reduce((a, b) => a + b, 0);
  const groupRows = router.groups.map((g) => ({
    group: g,
    readers: members.filter((m) => m.role === 'reader' && m.group === g).map((m) => m.name),
    segments: assignment.segmentCounts.get(g)!,
    rows: assignment.rows.get(g)!,
  }));
  const ratio = imbalance(assignment) ?? null;
  // The recorded group of each served segment: where the coordinators last recorded it.
  const recorded = new Map(views.flatMap(servedSegments).map((s) => [s.id, s.placedGroup ?? null] as const));
  const unrecorded = [...recorded].filter(([id, group]) => assignment.owner(id) !== (group ?? undefined)).length;
  const owners = ids.map((id) => ({ segment: id, group: assignment.owner(id) ?? null, recorded: recorded.get(id) ?? null }));
  if (ctx.json) {
    ctx.out(JSON.stringify({ router: router.name, rows: total, imbalance: ratio, unrecorded, groups: groupRows, owners }, null, 2));
    return 0;
  }
  const segmentCount = groupRows.reduce((n, g) => n + g.segments, 0);
  ctx.out(
    `${router.name} placement: ${segmentCount} served segments, ${total} rows on ${router.groups.length} reader groups; ` +
      `imbalance (max/mean rows) ${ratio === null ? '-' : ratio.toFixed(3)}` +
      (unrecorded ? `; ${unrecorded} not on their recorded group yet` : ''),
  );
  for (const line of table([
    ['GROUP', 'SEGMENTS', 'ROWS', 'SHARE', 'READERS'],
    ...groupRows.map((g) => [
      g.group,
      String(g.segments),
      String(g.rows),
      total ? `${((g.rows / total) * 100).toFixed(1)}%` : '-',
      g.readers.join(','),
    ]),
  ]))
    ctx.out(line);
  const unplaced = router.groups.length ? '(not served)' : '(no reader groups)';
  if (owners.length)
    for (const line of table([
      ['SEGMENT', 'OWNER', 'RECORDED'],
      ...owners.map((o) => [String(o.segment), o.group ?? unplaced, o.recorded ?? '-']),
    ]))
      ctx.out(line);
  return 0;
}

function readInput(file: string | undefined): string {
  if (!file) throw new UsageError('a FILE (or - for stdin) is required');
  return readFileSync(file === '-' ? 0 : file, 'utf8');
}

/**
 * What the control plane would say about each rule (by name): the schema first, then, for the
 * rules that pass it, one snapshot build over the cluster as registered now, as the control
 * plane runs it. Rules without a problem are absent from the answer.
 */
function problems(ctx: Ctx, registered: RegisteredNode[], texts: Map<string, string>): Map<string, string> {
  const found = new Map<string, string>();
  const rules = [];
  for (const [name, text] of texts) {
    const key = routeKey(ctx.prefix, name);
    try {
      rules.push({ key, rule: parseRouteRule(ctx.prefix, key, text) });
    } catch (e) {
      found.set(name, `${key}: ${describeError(e)}`);
    }
  }
  const built = new SnapshotBuilder(encodeEnvoyJson).build({
    nodes: registered.map((n) => ({
      ...n,
      resolve: (hp: string) => ({ ip: '127.0.0.1', port: Number(hp.slice(hp.lastIndexOf(':') + 1)) }),
    })),
    routes: rules,
    health: () => 'UNKNOWN',
    revision: 0n,
    front: CONTROL_PLANE_DEFAULTS.front,
  });
  for (const r of built.rejected) {
    const name = r.key.slice(routesPrefix(ctx.prefix).length);
    if (texts.has(name)) found.set(name, `${r.key}: ${r.reason}`);
  }
  return found;
}

/** The problem of one rule, if any. */
async function check(ctx: Ctx, name: string, text: string): Promise<string | undefined> {
  return problems(ctx, await readNodes(ctx), new Map([[name, text]])).get(name);
}

async function routes(ctx: Ctx, [sub, ...args]: string[]): Promise<number> {
  if (sub === 'list') {
    const [kvs, registered] = await Promise.all([ctx.etcd.getAll().prefix(routesPrefix(ctx.prefix)).strings(), readNodes(ctx)]);
    const texts = new Map(Object.entries(kvs).map(([key, text]) => [key.slice(routesPrefix(ctx.prefix).length), text]));
    const found = problems(ctx, registered, texts);
    const rows = [...texts.keys()].map((name) => {
      const problem = found.get(name);
      return { name, key: routeKey(ctx.prefix, name), valid: !problem, ...(problem ? { problem } : {}) };
    });
    if (ctx.json) ctx.out(JSON.stringify(rows, null, 2));
    else for (const line of table([['NAME', 'STATUS'], ...rows.map((r) => [r.name, r.problem ?? 'ok'])])) ctx.out(line);
    return rows.every((r) => r.valid) ? 0 : 1;
  }
  const name = args[0];
  if (sub === 'validate') {
    const problem = await check(ctx, 'candidate', readInput(args[0]));
    ctx.out(problem ?? 'valid');
    return problem ? 1 : 0;
  }
  if (!name || !RouteNameSchema.safeParse(name).success)
    throw new UsageError(`routes ${sub ?? ''} needs a NAME (1-128 of A-Z a-z 0-9 . _ @ -)`);
  const key = routeKey(ctx.prefix, name);
  if (sub === 'get') {
    const text = await ctx.etcd.get(key).string();
    if (text === null) {
      ctx.out(`no route rule at ${key}`);
      return 1;
    }
    ctx.out(text);
    return 0;
  }
  if (sub === 'put') {
    const text = readInput(args[1]);
    const problem = await check(ctx, name, text);
    if (problem) {
      ctx.out(`not written: ${problem}`);
      return 1;
    }
    await ctx.etcd.put(key).value(JSON.stringify(JSON.parse(text)));
    ctx.out(`written ${key}`);
    return 0;
  }
  if (sub === 'delete') {
    const deleted = await ctx.etcd.delete().key(key).exec();
    ctx.out(Number(deleted.deleted) ? `deleted ${key}` : `no route rule at ${key}`);
    return Number(deleted.deleted) ? 0 : 1;
  }
  throw new UsageError(`unknown routes command "${sub ?? ''}"\n\n${CTL_USAGE}`);
}
