import type { z } from 'zod';
import type { MilvusClientRequest, MilvusMethod } from '../../milvus/methods.js';
import type { ClusterDescription } from '../coordinator/cluster-description.js';
import { SEARCH_SCOPE_CHANGES } from '../coordinator/coordinator.js';
import type { CoordinatorReads } from './credentials.js';
import type { RestCall } from './rest-call.js';
import type { Reply } from './reply.js';
import type { WriterClient } from './writer-client.js';

/** What a REST handler works with: the two back ends and the request's own settings. */
export interface RestContext {
  /** The coordinator's reads, checked for the caller (credentials.ts). */
  coordinator: CoordinatorReads;
  writer: WriterClient;
  /** The cluster as the coordinator describes it (resource groups). */
  cluster: ClusterDescription;
  /** Deadline, cancellation (client gone), trace and database for every call the request makes. */
  call: RestCall;
  /** `Accept-Type-Allow-Int64: true`: int64 values as JSON numbers instead of strings. */
  allowInt64: boolean;
}

export interface Route<S extends z.ZodType = z.ZodType> {
  body: S;
  handle(body: z.infer<S>, ctx: RestContext): Promise<Reply>;
}

/** Declares a route whose handler receives the body as its schema parsed it. */
export const route = <S extends z.ZodType>(body: S, handle: (body: z.infer<S>, ctx: RestContext) => Promise<Reply>): Route =>
  ({ body, handle }) as Route;

/**
 * A call whose answer carries nothing: `{code: 0, data: {}}` once the writer succeeds (and,
 * for a change of what searches cover, once the coordinator's metadata has it).
 */
export const relay = <S extends z.ZodType, M extends MilvusMethod>(
  body: S,
  method: M,
  request: (b: z.infer<S>) => MilvusClientRequest<M>,
): Route =>
  route(body, async (b, ctx) => {
    await ctx.writer.call(method, request(b), ctx.call);
    if (SEARCH_SCOPE_CHANGES.has(method)) await ctx.coordinator.catchUp(ctx.call.deadline).catch(() => undefined);
    return { data: {} };
  });

/** A statistics answer (`stats` pairs) as REST's `{rowCount}`. */
export const rowCount = (res: { stats: { key: string; value: string }[] }): Reply => ({
  data: { rowCount: Number(res.stats.find((s) => s.key === 'row_count')?.value ?? 0) },
});
