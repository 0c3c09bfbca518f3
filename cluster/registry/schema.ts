import { z } from 'zod';

/**
 * The etcd keys contract for node registrations, shared by the side that writes them
 * (registerNode) and every side that reads them (EtcdDiscovery, the control plane):
 * `<prefix>/nodes/<role>/<name>` holds a NodeRegistration as JSON, under a lease.
 */

export const ROLES = ['writer', 'reader', 'coordinator'] as const;
export type Role = (typeof ROLES)[number];

/** `HOST:PORT` (no scheme): what gRPC clients dial. */
export const HostPortSchema = z.string().regex(/^[^\s:/]+:\d+$/, 'must be HOST:PORT');

/** A node name is one key segment: no slashes, nothing a shell or a URL would mangle. */
export const NodeNameSchema = z.string().regex(/^[A-Za-z0-9._@-]{1,128}$/, 'must be 1-128 of A-Z a-z 0-9 . _ @ -');

/**
 * Unknown fields are accepted and dropped, so that a newer process may register more than
 * this version reads without being ignored by it.
 */
export const NodeRegistrationSchema = z
  .object({
    role: z.enum(ROLES),
    name: NodeNameSchema,
    group: z.string().min(1).optional(),
    addresses: z.object({
      grpc: HostPortSchema,
      http: HostPortSchema.optional(),
      metrics: HostPortSchema,
    }),
    version: z.string().min(1),
    startedAt: z.iso.datetime(),
  })
  .refine((r) => r.role !== 'reader' || r.group, { message: 'a reader needs a group', path: ['group'] });

export type NodeRegistration = z.infer<typeof NodeRegistrationSchema>;

/** `/mishards`, `mishards/` and `/mishards/` all mean the key prefix `/mishards`. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** The prefix every registration lives under, with its trailing slash. */
export function nodesPrefix(prefix: string): string {
  return `${normalizePrefix(prefix)}/nodes/`;
}

export function nodeKey(prefix: string, role: Role, name: string): string {
  return `${nodesPrefix(prefix)}${role}/${name}`;
}

/** A reason fit for a log line: every issue with the path it concerns. */
export function describeError(e: unknown): string {
  if (e instanceof z.ZodError) return e.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
  return (e as Error).message;
}

/**
 * Parses the value found at `key` (a full key under nodesPrefix). Throws with the reason when
 * the value is not JSON, fails the schema, or names another role or name than its key: a
 * value copied under the wrong key would otherwise shadow a different node.
 */
export function parseNodeRegistration(prefix: string, key: string, text: string): NodeRegistration {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON: ${(e as Error).message}`);
  }
  const value = NodeRegistrationSchema.parse(json);
  const expected = nodeKey(prefix, value.role, value.name);
  if (key !== expected) throw new Error(`the value's role and name belong under ${expected}`);
  return value;
}
