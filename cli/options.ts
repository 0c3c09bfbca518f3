import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { join } from 'node:path';
import { CONTROL_PLANE_DEFAULTS } from '../control-plane/defaults.js';
import { DEFAULT_MAX_RESULT_BYTES } from '../milvus/request-limits.js';
import type { SegmentSize } from '../nodes/writer/compaction-plan.js';
import {
  DEFAULT_MEMORY_HIGH_WATER_LEVEL,
  MEMORY_LEVEL_FLAG,
  RATE_KIND_SPECS,
  RATE_KINDS,
  rateFlag,
  type RateQuotaConfig,
} from '../milvus/quotas.js';
import { DEFAULT_ADMISSION, type AdmissionLimits } from '../runtime/admission.js';
import { DEFAULT_METRICS_HOST } from '../runtime/serve.js';
import type { TlsPaths } from '../runtime/tls.js';

/**
 * The options every server subcommand shares (the CLI contract of the architecture), each
 * also settable as MISHARDS_<OPTION> (upper case, dashes as underscores). Flags win.
 */
export interface ServerOptions {
  host: string;
  port: number;
  httpPort: number | undefined;
  metricsPort: number;
  /** Where the metrics port listens: loopback unless given, whatever --host says. */
  metricsHost: string;
  dataDir: string;
  meta: string;
  storage: string;
  etcd: string[] | undefined;
  /** Key prefix of everything Mishards keeps in etcd. */
  etcdPrefix: string;
  /** TTL of the lease a process registers under: how long a crashed process stays listed. */
  leaseTtl: number;
  /**
   * Seconds a server keeps serving after SIGTERM, NOT_SERVING and out of etcd, before it closes
   * its ports: what proxies, Services and coordinators need to route around it (cli/main.ts).
   */
  drainDelay: number;
  /** The host registered in etcd when listening on a wildcard address (default: the host name). */
  advertiseHost: string | undefined;
  /** The name a process registers under; a default is derived when absent. */
  name: string | undefined;
  group: string;
  readers: number;
  /** up: writers in the election, the leader and its standbys (with --etcd). */
  writers: number;
  /** writer: the write-ahead log's directory; the writers of one cluster share it (docs/writer-ha.md). */
  walDir: string | undefined;
  writer: string | undefined;
  discovery: string | undefined;
  sealRows: number;
  sealAgeMs: number;
  /** writer: what compaction merges small segments up to. */
  segmentSize: SegmentSize;
  /** writer: automatic compaction every this often; 0 turns it off. */
  compactionIntervalMs: number;
  /** writer: a segment whose deleted share passes this is rewritten without the deleted rows. */
  compactionDeletedRatio: number;
  /** writer: how long a compaction's sources stay for readers still serving them. */
  compactionRetentionMs: number;
  threads: number | undefined;
  /** writer, reader: admission limits given on the command line (docs/limits.md); the rest default. */
  admission: Partial<AdmissionLimits>;
  logLevel: string;
  /** coordinator: the control plane's ADS address, to reach reader groups over xDS. */
  xds: string | undefined;
  /** control-plane: the address and port of the front listener (Envoy's, or the Nginx agent's). */
  frontHost: string;
  frontPort: number;
  /** up: a private Nginx in front, programmed by the control plane through the agent. */
  nginx: boolean;
  /** nginx-agent: how endpoint changes reach Nginx (auto: Lua where the module is installed). */
  nginxMode: 'auto' | 'reload' | 'lua';
  /** nginx-agent: the nginx executable (default: found in PATH or /usr/sbin). */
  nginxBin: string | undefined;
  /** nginx-agent: render into this file of an Nginx the operator runs, instead of a private one. */
  nginxInclude: string | undefined;
  /** nginx-agent: that Nginx's main configuration (nginx -c), when not its default. */
  nginxConf: string | undefined;
  /** control-plane: seconds between active health checks of registered processes. */
  healthInterval: number;
  /** control-plane: quiet time before a burst of etcd changes becomes a snapshot. */
  debounceMs: number;
  /** writer, coordinator: the estimated bytes a search or query answer may hold. */
  maxResultBytes: number;
  /** writer (DML, and DQL sent to it), coordinator (DQL): Milvus's quotaAndLimits rates. */
  rates: RateQuotaConfig;
  /** writer: the fraction of memory above which writes are refused. */
  memoryHighWaterLevel: number;
  /** writer, coordinator, up: requests need credentials and privileges (docs/security.md). */
  auth: boolean;
  /** writer, up: root's password at first start (MISHARDS_ROOT_PASSWORD). */
  rootPassword: string | undefined;
  /** Every role: certificate, key and (for mutual TLS) CA files of its listeners and calls. */
  tls: TlsPaths;
  /**
   * writer, reader, coordinator: the secret of the cluster's internal API, from
   * MISHARDS_CLUSTER_TOKEN or the file of --cluster-token-file (never a flag: `ps` shows flags).
   */
  clusterToken: string | undefined;
}

const SPEC = {
  host: { type: 'string' },
  port: { type: 'string' },
  'http-port': { type: 'string' },
  'metrics-port': { type: 'string' },
  'metrics-host': { type: 'string' },
  'data-dir': { type: 'string' },
  'wal-dir': { type: 'string' },
  writers: { type: 'string' },
  meta: { type: 'string' },
  storage: { type: 'string' },
  etcd: { type: 'string' },
  'etcd-prefix': { type: 'string' },
  'lease-ttl': { type: 'string' },
  'drain-delay': { type: 'string' },
  'advertise-host': { type: 'string' },
  name: { type: 'string' },
  mysql: { type: 'string' },
  group: { type: 'string' },
  readers: { type: 'string' },
  writer: { type: 'string' },
  discovery: { type: 'string' },
  'seal-rows': { type: 'string' },
  'seal-age': { type: 'string' },
  'segment-size': { type: 'string' },
  'compaction-interval': { type: 'string' },
  'compaction-deleted-ratio': { type: 'string' },
  'compaction-retention': { type: 'string' },
  threads: { type: 'string' },
  'heavy-searches': { type: 'string' },
  'search-memory': { type: 'string' },
  'admission-wait': { type: 'string' },
  'log-level': { type: 'string' },
  'front-host': { type: 'string' },
  'front-port': { type: 'string' },
  nginx: { type: 'boolean' },
  'nginx-mode': { type: 'string' },
  'nginx-bin': { type: 'string' },
  'nginx-include': { type: 'string' },
  'nginx-conf': { type: 'string' },
  xds: { type: 'string' },
  'health-interval': { type: 'string' },
  debounce: { type: 'string' },
  'max-result-bytes': { type: 'string' },
  [MEMORY_LEVEL_FLAG]: { type: 'string' },
  auth: { type: 'boolean' },
  'root-password': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-ca': { type: 'string' },
  'cluster-token-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `--quota-<kind>-rate` and `--quota-<kind>-rate-collection` of every rate kind. */
const QUOTA_RATE_SPEC = Object.fromEntries(
  RATE_KINDS.flatMap((kind) => [rateFlag(kind, 'cluster'), rateFlag(kind, 'collection')]).map((flag) => [
    flag,
    { type: 'string' } as const,
  ]),
);

export class UsageError extends Error {}

/** node:util's parseArgs, its errors (an unknown option, a missing value) as UsageErrors. */
export function parseArgv<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function int(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * What a node with 2 cores and 8 GiB searches well: an HNSW search costs about the logarithm
 * of a segment's rows, so four 65,536-row segments (the seal size) cost nearly four times one
 * segment of 262,144; larger still, the compaction's index build (one core, tens of seconds at
 * 128 dimensions) and the memory it holds while old and new coexist grow with it.
 */
export const DEFAULT_SEGMENT_SIZE: SegmentSize = { unit: 'rows', value: 262_144 };

/** `--segment-size`: a row count (`262144`) or MiB of segment data (`512MiB`). */
function segmentSize(raw: string | undefined): SegmentSize {
  if (raw === undefined || raw === '') return DEFAULT_SEGMENT_SIZE;
  const m = /^([1-9][0-9]*)\s*(MiB)?$/i.exec(raw.trim());
  if (!m) throw new UsageError(`--segment-size must be a row count or a size in MiB (e.g. 262144 or 512MiB), got ${JSON.stringify(raw)}`);
  return m[2] ? { unit: 'MiB', value: Number(m[1]) } : { unit: 'rows', value: Number(m[1]) };
}

function ratio(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw new UsageError(`--${name} must be a number in [0, 1), got ${JSON.stringify(raw)}`);
  return n;
}

/** A positive number, or undefined (unlimited) when absent. */
function positive(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return n;
}

/** A positive integer, or undefined (the default applies) when absent. */
function count(name: string, raw: string | undefined): number | undefined {
  const n = positive(name, raw);
  if (n !== undefined && !Number.isInteger(n)) throw new UsageError(`--${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

/** `defaultPort`: the gRPC port when --port is absent (Milvus's, but the control plane's own). */
export function parseServerOptions(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  defaultPort = 19530,
): ServerOptions & { help: boolean } {
  const parsed = parseArgv({ args: argv, options: { ...SPEC, ...QUOTA_RATE_SPEC }, allowPositionals: false, strict: true });
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const get = (name: string): string | undefined => {
    const flag = v[name];
    if (typeof flag === 'string') return flag;
    return env[`MISHARDS_${name.toUpperCase().replace(/-/g, '_')}`];
  };
  const dataDir = get('data-dir') ?? join(process.cwd(), '.data');
  const mysql = get('mysql');
  const etcd = get('etcd');
  const httpPort = get('http-port');
  const threads = get('threads');
  const searchMemoryMb = count('search-memory', get('search-memory'));
  const admission: Partial<AdmissionLimits> = {
    heavySlots: count('heavy-searches', get('heavy-searches')),
    heavyBytes: searchMemoryMb === undefined ? undefined : searchMemoryMb * 2 ** 20,
    maxWaitMs: count('admission-wait', get('admission-wait')),
  };
  const leaseTtl = int('lease-ttl', get('lease-ttl'), 10);
  if (leaseTtl < 1) throw new UsageError('--lease-ttl must be at least 1 second');
  const rates = Object.fromEntries(
    RATE_KINDS.map((kind) => {
      const [cluster, collection] = [rateFlag(kind, 'cluster'), rateFlag(kind, 'collection')];
      return [kind, { cluster: positive(cluster, get(cluster)), collection: positive(collection, get(collection)) }];
    }),
  ) as unknown as RateQuotaConfig;
  const nginxMode = get('nginx-mode') ?? 'auto';
  if (nginxMode !== 'auto' && nginxMode !== 'reload' && nginxMode !== 'lua')
    throw new UsageError(`--nginx-mode must be auto, reload or lua, got ${JSON.stringify(nginxMode)}`);
  const tls = { cert: get('tls-cert'), key: get('tls-key'), ca: get('tls-ca') };
  if ((tls.cert === undefined) !== (tls.key === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  const memoryHighWaterLevel = positive(MEMORY_LEVEL_FLAG, get(MEMORY_LEVEL_FLAG)) ?? DEFAULT_MEMORY_HIGH_WATER_LEVEL;
  if (memoryHighWaterLevel > 1) throw new UsageError(`--${MEMORY_LEVEL_FLAG} must be in (0, 1]`);
  return {
    help: Boolean(v.help),
    host: get('host') ?? '127.0.0.1',
    port: int('port', get('port'), defaultPort),
    httpPort: httpPort === undefined ? undefined : int('http-port', httpPort, 0),
    metricsPort: int('metrics-port', get('metrics-port'), 9091),
    metricsHost: get('metrics-host') ?? DEFAULT_METRICS_HOST,
    dataDir,
    meta: get('meta') ?? mysql ?? `sqlite:${join(dataDir, 'meta.sqlite')}`,
    storage: get('storage') ?? join(dataDir, 'storage'),
    etcd: etcd
      ? etcd
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined,
    etcdPrefix: get('etcd-prefix') ?? '/mishards',
    leaseTtl,
    drainDelay: int('drain-delay', get('drain-delay'), 0),
    advertiseHost: get('advertise-host'),
    name: get('name'),
    group: get('group') ?? '0',
    readers: int('readers', get('readers'), 3),
    writers: int('writers', get('writers'), 1),
    walDir: get('wal-dir'),
    writer: get('writer'),
    discovery: get('discovery'),
    sealRows: int('seal-rows', get('seal-rows'), 65536),
    sealAgeMs: int('seal-age', get('seal-age'), 600) * 1000,
    segmentSize: segmentSize(get('segment-size')),
    compactionIntervalMs: int('compaction-interval', get('compaction-interval'), 60) * 1000,
    compactionDeletedRatio: ratio('compaction-deleted-ratio', get('compaction-deleted-ratio'), 0.2),
    compactionRetentionMs: int('compaction-retention', get('compaction-retention'), 60) * 1000,
    threads: threads === undefined ? undefined : int('threads', threads, 0),
    admission,
    logLevel: get('log-level') ?? 'info',
    xds: get('xds'),
    frontHost: get('front-host') ?? CONTROL_PLANE_DEFAULTS.front.address,
    frontPort: int('front-port', get('front-port'), CONTROL_PLANE_DEFAULTS.front.port),
    nginx: v.nginx === true || /^(1|true)$/i.test(env.MISHARDS_NGINX ?? ''),
    nginxMode,
    nginxBin: get('nginx-bin'),
    nginxInclude: get('nginx-include'),
    nginxConf: get('nginx-conf'),
    healthInterval: int('health-interval', get('health-interval'), CONTROL_PLANE_DEFAULTS.health.intervalMs / 1000),
    debounceMs: int('debounce', get('debounce'), CONTROL_PLANE_DEFAULTS.debounceMs),
    maxResultBytes: int('max-result-bytes', get('max-result-bytes'), DEFAULT_MAX_RESULT_BYTES),
    rates,
    memoryHighWaterLevel,
    auth: v.auth === true || flagFromEnv(env.MISHARDS_AUTH),
    rootPassword: get('root-password'),
    tls,
    clusterToken: clusterToken(get('cluster-token-file'), env.MISHARDS_CLUSTER_TOKEN),
  };
}

/** The cluster token: a file's content (trimmed) or the environment's; empty means none. */
function clusterToken(file: string | undefined, fromEnv: string | undefined): string | undefined {
  let token = fromEnv;
  if (file) {
    try {
      token = readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new UsageError(`--cluster-token-file ${file}: ${(e as Error).message}`);
    }
  }
  return token || undefined;
}

/** The TLS options as flags, for a process that passes them on (`up` to its children). */
export function tlsArgs(o: ServerOptions): string[] {
  return (['cert', 'key', 'ca'] as const).flatMap((f) => (o.tls[f] ? [`--tls-${f}`, o.tls[f]!] : []));
}

/** A boolean option's environment variable: set to 1 or true. */
const flagFromEnv = (raw: string | undefined) => raw === '1' || raw?.toLowerCase() === 'true';

/** The quota options as flags, for a process that passes them on (`up` to its children). */
export function quotaArgs(o: ServerOptions): string[] {
  const args = [`--${MEMORY_LEVEL_FLAG}`, String(o.memoryHighWaterLevel)];
  for (const kind of RATE_KINDS) {
    for (const scope of ['cluster', 'collection'] as const) {
      const value = o.rates[kind][scope];
      if (value !== undefined) args.push(`--${rateFlag(kind, scope)}`, String(value));
    }
  }
  return args;
}

const QUOTA_USAGE = RATE_KINDS.map((kind) => {
  const s = RATE_KIND_SPECS[kind];
  return `  --${rateFlag(kind, 'cluster')} N, --${rateFlag(kind, 'collection')} N
                     ${kind} rate in ${s.unit} (counting ${s.counts}), in all and per
                     collection (${s.key}.max, .collection.max; default unlimited)\n`;
}).join('');

export const USAGE = `usage: mishards <command> [options]

commands:
  up             the whole cluster on one machine (embedded defaults)
  writer         the writable node (Milvus API, write-ahead log, sealing, indexing)
  reader         a read-only node serving sealed segments (--group G)
  coordinator    the front door that splits searches by segment
  control-plane  the xDS control plane: serves Envoy and gRPC clients over ADS from etcd
                 (--etcd required; --port defaults to 18000)
  nginx-agent    programs Nginx from the control plane over xDS (--xds required), a private
                 Nginx or, with --nginx-include, one you run (docs/nginx.md)
  ctl            operator tool: nodes, ring, route rules, progress, bulk load, release, compact (mishards ctl --help)

options (also MISHARDS_<OPTION> environment variables):
  --port N           gRPC port (default 19530; 0 picks a free port)
  --http-port N      REST port, where served (nginx-agent: Nginx's REST port; default the
                     front port + 1)
  --metrics-port N   Prometheus metrics and health (default 9091; 0 picks a free port)
  --metrics-host H   where the metrics port, health and status pages listen (default
                     127.0.0.1 whatever --host is; elsewhere, with --auth, the writer's and
                     the coordinator's want a user's credentials)
  --data-dir DIR     where embedded defaults live (default ./.data; nginx-agent: its Nginx's
                     prefix)
  --meta SPEC        sqlite:PATH or mysql://USER:PASS@HOST:PORT/DB
  --storage DIR      shared segment storage (default DATA_DIR/storage)
  --etcd HOST:PORT[,HOST:PORT]
                     register in etcd and take the membership from it (unless --discovery);
                     a writer campaigns in the writer election (docs/writer-ha.md), and
                     coordinators and readers follow its leader
  --wal-dir DIR      the write-ahead log (writer; default DATA_DIR/wal): writers standing by
                     for one another share it, with --meta and --storage
  --etcd-prefix P    key prefix in etcd (default /mishards)
  --lease-ttl S      registration lease TTL in seconds (default 10)
  --advertise-host H the host registered in etcd when --host is a wildcard (0.0.0.0, ::;
                     default the host name): what others dial, e.g. a pod's IP
  --drain-delay S    on SIGTERM, answer health checks NOT_SERVING and leave etcd, then keep
                     serving S seconds before closing the ports (default 0; docs/limits.md)
  --name NAME        registration name (default ROLE[-GROUP]-HOST-PORT); the nginx-agent's
                     xDS node id (default nginx-HOST-PID)
  --group G          reader group (reader)
  --readers N        number of readers (up; default 3)
  --writers N        writers, the leader and N-1 standbys (up, with --etcd; default 1)
  --writer HOST:PORT the writable node (coordinator; reader, to preload its group's segments);
                     with --discovery or --etcd, defaults to the writer listed there
  --xds HOST:PORT    the control plane's ADS address: search sub-requests reach reader groups
                     through xDS (coordinator); what the nginx-agent is programmed from
  --discovery FILE   cluster members as YAML/JSON, reloaded on change (coordinator, reader)
  --seal-rows N      seal a growing segment at N rows (writer; default 65536)
  --seal-age S       seal a growing segment after S seconds (writer; default 600)
  --segment-size N|NMiB
                     compaction merges small segments up to N rows or N MiB (writer;
                     default 262144 rows)
  --compaction-interval S
                     automatic compaction every S seconds, 0 for none (writer; default 60)
  --compaction-deleted-ratio R
                     rewrite a segment once more than R of its rows are deleted (writer;
                     default 0.2)
  --compaction-retention S
                     keep compacted segments at most S seconds for readers still serving
                     them; they go sooner once coordinators report no reader holds them
                     (writer; default 60)
  --threads N        vector engine worker threads (default: cores)
  --heavy-searches N expensive searches and queries a data node runs at once; more wait for
                     a slot (writer, reader; default: the engine's threads)
  --search-memory MB estimated result memory expensive requests may hold at once on a data
                     node; a request above it alone is refused (writer, reader; default ${DEFAULT_ADMISSION.heavyBytes / 2 ** 20})
  --admission-wait MS
                     longest an expensive request waits for a slot before it is refused as
                     rate-limited (writer, reader; default ${DEFAULT_ADMISSION.maxWaitMs})
  --auth             requests need a user's credentials (gRPC authorization metadata, REST
                     Authorization: Bearer user:password) and its privileges, and the internal
                     API the cluster token (writer, reader, coordinator, up; off by default;
                     docs/security.md)
  --root-password P  the root user's password, set at first start when root does not exist
                     yet; required then with --auth (writer, up; prefer the
                     MISHARDS_ROOT_PASSWORD environment variable: flags show in ps)
  --tls-cert FILE, --tls-key FILE
                     serve every gRPC and HTTP listener (Milvus API, REST, internal API,
                     metrics, ADS) over TLS with this certificate, and present it when calling
                     other processes (every role; docs/security.md)
  --tls-ca FILE      with --tls-cert/--tls-key: mutual TLS, every listener requires a client
                     certificate this CA signed, and calls to other processes trust it
  --cluster-token-file FILE
                     the secret the cluster's internal API wants (or MISHARDS_CLUSTER_TOKEN;
                     required with --auth, the same on every process; up makes one)
  --log-level L      pino level (default info)
  --front-host H     address of the front listener, Envoy's or Nginx's (control-plane;
                     default 0.0.0.0)
  --front-port N     port of the front listener (control-plane; default 19530)
  --nginx            up: with --etcd, also the control plane and the Nginx agent with a
                     private Nginx in front: gRPC on --port, REST on --http-port (default
                     --port + 1); the coordinator moves to a free port
  --nginx-mode M     nginx-agent: lua (endpoint changes through the Lua balancer, no reload),
                     reload, or auto (lua where libnginx-mod-http-lua is installed; default)
  --nginx-bin PATH   nginx-agent: the nginx executable (default: from PATH or /usr/sbin)
  --nginx-include F  nginx-agent: write the http-level configuration to F, included by an
                     Nginx you run, and reload that one (default: a private Nginx)
  --nginx-conf F     nginx-agent: with --nginx-include, that Nginx's main configuration
  --tls-cert F, --tls-key F
                     nginx-agent: gRPC and REST on the front port over TLS (ALPN); the agent
                     takes no --tls-ca, and up --nginx no TLS (docs/nginx.md, "TLS")
  --health-interval S
                     seconds between health checks of registered processes (control-plane;
                     default 5)
  --debounce MS      quiet time before etcd changes become a snapshot (control-plane; default 20)
  --max-result-bytes N
                     refuse a search or query whose answer is estimated above N bytes
                     (writer, coordinator; default 104857600, Milvus's maxOutputSize; see
                     docs/limits.md)

quotas and rate limits (writer: writes, and searches sent to it; coordinator: searches and
queries; see docs/limits.md):
${QUOTA_USAGE}  --quota-memory-high-water-level F
                     refuse writes while the writer's memory is above F of the machine's
                     (writer; default 0.95, Milvus's dataNodeMemoryHighWaterLevel)
`;
