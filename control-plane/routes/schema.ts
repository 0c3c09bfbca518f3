import { RE2 } from 're2-wasm';
import { z } from 'zod';
import { normalizePrefix } from '../../cluster/registry/schema.js';
import { COLLECTION_HEADER } from '../../cluster/front-contract.js';

/**
 * The etcd keys contract for operator route rules: `<prefix>/routes/<name>` holds one
 * RouteRule as JSON. Operators write them (`mishards ctl routes put`), the control plane
 * turns them into Envoy routes placed before the built-in ones. Everything that can be
 * checked without knowing the cluster is checked here; what depends on the current
 * clusters (does the named cluster exist?) is checked when a snapshot is built.
 */

export { COLLECTION_HEADER };

const MILVUS_SERVICE = 'milvus.proto.milvus.MilvusService';

/** Route configurations a rule can go into: Envoy's front listener and the API listeners. */
export const ListenerNameSchema = z
  .string()
  .regex(
    /^mishards-(front|coordinator|writer|reader-[A-Za-z0-9._-]+)$/,
    'must be mishards-front, mishards-coordinator, mishards-writer or mishards-reader-<group>',
  );

export const ClusterNameSchema = z
  .string()
  .regex(
    /^mishards-(coordinator|coordinator-http|writer|reader-[A-Za-z0-9._-]+)$/,
    'must be a Mishards cluster: mishards-coordinator, mishards-coordinator-http, mishards-writer or mishards-reader-<group>',
  );

/** Envoy's strict HTTP header name rule, lower case as HTTP/2 requires. */
const HeaderNameSchema = z.string().regex(/^[a-z0-9!#$%&'*+.^_`|~-]+$/, 'must be a lower-case HTTP header name');

/** RE2, the regex dialect of Envoy and gRPC: what compiles here compiles there. */
const Re2Schema = z
  .string()
  .min(1)
  .superRefine((source, ctx) => {
    try {
      new RE2(source, 'u');
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `not a valid RE2 regex: ${(e as Error).message}` });
    }
  });

const HeaderMatchSchema = z
  .object({
    name: HeaderNameSchema,
    exact: z.string().optional(),
    prefix: z.string().min(1).optional(),
    regex: Re2Schema.optional(),
    present: z.literal(true).optional(),
    invert: z.boolean().optional(),
  })
  .strict()
  .refine((h) => [h.exact, h.prefix, h.regex, h.present].filter((x) => x !== undefined).length === 1, {
    message: 'needs exactly one of exact, prefix, regex, present',
  });

/** `Search` or `milvus.proto.milvus.MilvusService/Search` or any `package.Service/Method`. */
const GrpcMethodSchema = z.string().regex(/^([A-Za-z_][\w.]*\/)?[A-Za-z_]\w*$/, 'must be Method or package.Service/Method');

const MatchSchema = z
  .object({
    grpcMethod: GrpcMethodSchema.optional(),
    restPath: z
      .string()
      .regex(/^\/\S*$/, 'must be an absolute path')
      .optional(),
    pathPrefix: z
      .string()
      .regex(/^\/\S*$/, 'must start with /')
      .optional(),
    headers: z.array(HeaderMatchSchema).max(16).optional(),
    collection: z.string().min(1).max(255).optional(),
  })
  .strict()
  .refine((m) => [m.grpcMethod, m.restPath, m.pathPrefix].filter((x) => x !== undefined).length <= 1, {
    message: 'at most one of grpcMethod, restPath, pathPrefix',
  });

/** A Duration as Envoy writes it: `250ms`, `1.5s`, `2m`. */
const DurationSchema = z.string().regex(/^\d+(\.\d+)?(ms|s|m)$/, 'must be a duration like 250ms, 1.5s or 2m');

/** Retry conditions Envoy and gRPC share for gRPC, plus Envoy's HTTP ones. */
const RETRY_ON = [
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
  '5xx',
  'gateway-error',
  'reset',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
] as const;

const RetrySchema = z
  .object({
    on: z.array(z.enum(RETRY_ON)).min(1),
    numRetries: z.number().int().min(0).max(10),
    perTryTimeout: DurationSchema.optional(),
    backoff: z.object({ base: DurationSchema, max: DurationSchema.optional() }).strict().optional(),
  })
  .strict();

const WeightedClusterSchema = z.object({ cluster: ClusterNameSchema, weight: z.number().int().min(0).max(100) }).strict();

const HashPolicySchema = z
  .object({ header: HeaderNameSchema.optional(), collection: z.literal(true).optional(), terminal: z.boolean().optional() })
  .strict()
  .refine((h) => (h.header === undefined) !== (h.collection === undefined), { message: 'needs exactly one of header, collection' });

const ActionSchema = z
  .object({
    cluster: ClusterNameSchema.optional(),
    weightedClusters: z.array(WeightedClusterSchema).min(2).max(16).optional(),
    timeout: DurationSchema.optional(),
    retry: RetrySchema.optional(),
    hashPolicy: z.array(HashPolicySchema).min(1).max(4).optional(),
  })
  .strict()
  .refine((a) => (a.cluster === undefined) !== (a.weightedClusters === undefined), {
    message: 'needs exactly one of cluster, weightedClusters',
  })
  .refine((a) => !a.weightedClusters || a.weightedClusters.reduce((s, w) => s + w.weight, 0) === 100, {
    message: 'weightedClusters weights must sum to 100',
    path: ['weightedClusters'],
  })
  .refine((a) => !a.weightedClusters || new Set(a.weightedClusters.map((w) => w.cluster)).size === a.weightedClusters.length, {
    message: 'weightedClusters names a cluster twice',
    path: ['weightedClusters'],
  });

export const RouteRuleSchema = z
  .object({
    /** The route configuration the rule goes into. */
    listener: ListenerNameSchema,
    /** Rules of one listener are tried by ascending priority, then by name. */
    priority: z.number().int().min(0).max(1_000_000).default(1000),
    match: MatchSchema.default({}),
    action: ActionSchema,
    description: z.string().max(500).optional(),
  })
  .strict();

export type RouteRule = z.infer<typeof RouteRuleSchema>;
export type HeaderMatch = z.infer<typeof HeaderMatchSchema>;

export interface NamedRouteRule {
  name: string;
  rule: RouteRule;
}

/** A rule's name is one key segment, like a node name. */
export const RouteNameSchema = z.string().regex(/^[A-Za-z0-9._@-]{1,128}$/, 'must be 1-128 of A-Z a-z 0-9 . _ @ -');

export function routesPrefix(prefix: string): string {
  return `${normalizePrefix(prefix)}/routes/`;
}

export function routeKey(prefix: string, name: string): string {
  return `${routesPrefix(prefix)}${name}`;
}

/** The full gRPC path a method match stands for: a bare method is the Milvus service's. */
export function grpcPath(method: string): string {
  return method.includes('/') ? `/${method}` : `/${MILVUS_SERVICE}/${method}`;
}

/** The rule's name from its key; throws when the key's last segment is no valid name. */
export function routeNameOf(prefix: string, key: string): string {
  const name = key.slice(routesPrefix(prefix).length);
  RouteNameSchema.parse(name);
  return name;
}

/** Parses the value at `key`; throws with the reason when it is not a valid rule. */
export function parseRouteRule(prefix: string, key: string, text: string): NamedRouteRule {
  const name = routeNameOf(prefix, key);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON: ${(e as Error).message}`);
  }
  return { name, rule: RouteRuleSchema.parse(json) };
}

/** Every cluster a rule sends traffic to. */
export function ruleClusters(rule: RouteRule): string[] {
  return rule.action.cluster ? [rule.action.cluster] : rule.action.weightedClusters!.map((w) => w.cluster);
}
