/**
 * Authentication and authorization of Milvus requests, as Milvus's proxy does them (its
 * authentication and privilege interceptors), over the RBAC state a process holds in memory:
 * the writer's own, or a coordinator's copy from the writer's metadata feed. No SQL runs per
 * request, and a password is verified with scrypt once per process and password.
 */
import * as grpc from '@grpc/grpc-js';
import type { SecurityRecords } from '../meta/store.js';
import { requestDatabase } from '../milvus/request-database.js';
import { VerifiedPasswords } from './passwords.js';
import { Policy, ROOT_USER } from './policy.js';
import { requiredPrivilege } from './privileges.js';

/**
 * A refusal Milvus answers with a gRPC status rather than inside the response: the SDK does
 * not retry these (UNAUTHENTICATED, PERMISSION_DENIED).
 */
export class AccessError extends Error {
  constructor(
    readonly grpcCode: grpc.status.UNAUTHENTICATED | grpc.status.PERMISSION_DENIED,
    message: string,
  ) {
    super(message);
    this.name = 'AccessError';
  }
}

export const MISSING_AUTHORIZATION = 'missing authorization in header';
export const INVALID_TOKEN = 'invalid token format';
export const WRONG_PASSWORD = 'auth check failure, please check username and password are correct';
export const WRONG_API_KEY = 'auth check failure, please check api key is correct';

const unauthenticated = (message: string) => new AccessError(grpc.status.UNAUTHENTICATED, message);

/** Strict base64 (Go's StdEncoding), as Milvus decodes the authorization header. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * An HTTP request's credentials, as Milvus's HTTP server reads them: HTTP Basic, or
 * `Authorization: Bearer user:password`; '' when the request carries neither.
 */
export function httpToken(authorization: string | undefined): string {
  if (!authorization) return '';
  const basic = /^Basic (.+)$/i.exec(authorization);
  if (basic) return Buffer.from(basic[1]!, 'base64').toString('utf8');
  return authorization.replace(/^Bearer /, '');
}

export class Access {
  private readonly passwords = new VerifiedPasswords();
  private compiled: Policy | undefined;
  /** Who each call authenticated as, for the handlers that need it (OperatePrivilege's grantor). */
  private readonly callers = new WeakMap<object, string>();

  /**
   * `records` gives the current RBAC state (read on every request: a change applies to the
   * next one); `resolveAlias` the collection an alias of a database names, so that a grant on
   * a collection covers the requests naming it through an alias.
   */
  constructor(
    private readonly records: () => SecurityRecords,
    private readonly resolveAlias: (database: string, name: string) => string | undefined = () => undefined,
  ) {}

  private policy(): Policy {
    const records = this.records();
    if (this.compiled?.records !== records) this.compiled = new Policy(records);
    return this.compiled;
  }

  /** The user a `user:password` pair (or an API key) stands for; throws UNAUTHENTICATED otherwise. */
  async authenticate(token: string): Promise<string> {
    const colon = token.indexOf(':');
    // Mishards issues no API keys: a token without a colon is one, and never valid.
    if (colon < 0) throw unauthenticated(WRONG_API_KEY);
    const user = token.slice(0, colon);
    const hash = this.policy().users.get(user)?.passwordHash;
    if (hash === undefined || !(await this.passwords.verify(user, token.slice(colon + 1), hash))) throw unauthenticated(WRONG_PASSWORD);
    return user;
  }

  /** Whether an HTTP Authorization header signs a user in (the admin surfaces' guard). */
  signsIn(authorization: string | undefined): Promise<boolean> {
    return this.authenticate(httpToken(authorization)).then(
      () => true,
      () => false,
    );
  }

  /** The user of a gRPC call: its `authorization` metadata, base64 of `user:password` (or of an API key). */
  authenticateMetadata(metadata: grpc.Metadata): Promise<string> {
    const [value] = metadata.get('authorization');
    if (value === undefined) return Promise.reject(unauthenticated(MISSING_AUTHORIZATION));
    const encoded = String(value);
    if (!BASE64.test(encoded)) return Promise.reject(unauthenticated(INVALID_TOKEN));
    return this.authenticate(Buffer.from(encoded, 'base64').toString('utf8'));
  }

  /**
   * Refuses `user` a request of `method` in `database` it holds no privilege for, with Milvus's
   * PERMISSION_DENIED; what a request needs comes from the protocol (security/privileges.ts).
   * Grants count in the database they name, or in all with `*`, as Milvus's policies do.
   */
  authorize(user: string, method: string, request: Record<string, unknown>, database: string): void {
    if (user === ROOT_USER) return;
    const required = requiredPrivilege(method);
    if (!required) return;
    const policy = this.policy();
    const roles = policy.rolesOf(user);
    const objects = required.objects(request);
    // A user reads and changes its own user object (isCurUserObject), and its own roles' grants.
    if (required.objectType === 'User' && 'one' in objects && objects.one === user) return;
    if (method === 'SelectGrant' && roles.includes(roleOf(request))) return;
    const permits = (name: string) => {
      const alias = required.objectType === 'Collection' ? this.resolveAlias(database, name) : undefined;
      return [name, ...(alias ? [alias] : [])].some((n) => policy.permits(roles, required.objectType, n, database, required.privilege));
    };
    const permitted = 'one' in objects ? permits(objects.one) : objects.all.length > 0 && objects.all.every(permits);
    if (!permitted)
      throw new AccessError(
        grpc.status.PERMISSION_DENIED,
        `${required.privilege}: permission deny to ${user} in the \`${database}\` database`,
      );
  }

  /**
   * Authenticates and authorizes one gRPC call of a MilvusService method, in the database the
   * request works in (milvus/request-database.ts); remembers the caller.
   */
  async check(method: string, call: { metadata: grpc.Metadata; request: unknown }): Promise<void> {
    const user = await this.authenticateMetadata(call.metadata);
    const request = call.request as Record<string, unknown>;
    this.authorize(user, method, request, requestDatabase(method, request, call.metadata));
    this.callers.set(call, user);
  }

  /** The user a checked call authenticated as. */
  callerOf(call: object): string | undefined {
    return this.callers.get(call);
  }

  /** The RBAC state as of now, compiled. */
  current(): Policy {
    return this.policy();
  }
}

const roleOf = (request: Record<string, unknown>) =>
  String(((request.entity as { role?: { name?: unknown } } | null)?.role?.name as string | undefined) ?? '');
