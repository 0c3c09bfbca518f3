import * as grpc from '@grpc/grpc-js';
import { expect, it } from 'vitest';
import { MetaFencedError } from '../../meta/errors.js';
import type { MilvusHandlers } from '../../milvus/methods.js';
import { milvusServiceImplementation } from '../../milvus/service.js';
import { NOT_APPLIED_KEY, UnavailableError } from '../../runtime/unavailable.js';

/**
 * Refusals that come from a node's role rather than the request (a standby writer, a deposed
 * leader) are gRPC UNAVAILABLE, which the coordinator and the SDK retry, never a Milvus status.
 */
function answer(handlers: MilvusHandlers): Promise<{ err: grpc.ServiceError | null; reply: unknown }> {
  const impl = milvusServiceImplementation(handlers);
  const call = { request: { collection_name: 'books' }, metadata: new grpc.Metadata() };
  return new Promise((resolve) =>
    (impl.HasCollection as (c: unknown, cb: grpc.sendUnaryData<unknown>) => void)(call, (err, reply) =>
      resolve({ err: err as grpc.ServiceError | null, reply }),
    ),
  );
}

it("a deposed leader's fenced metadata write: UNAVAILABLE with an unknown outcome (no not-applied trailer)", async () => {
  const { err, reply } = await answer({
    HasCollection: async () => {
      throw new MetaFencedError("metadata fenced: writer epoch 20 is in force, this writer's is 10");
    },
  } as MilvusHandlers);
  expect(reply).toBeFalsy();
  expect(err).toMatchObject({ code: grpc.status.UNAVAILABLE, details: expect.stringContaining('writer fenced: metadata fenced') });
  expect(err!.metadata!.get(NOT_APPLIED_KEY)).toEqual([]);
});

it('a standby refusal: UNAVAILABLE with the not-applied trailer', async () => {
  const { err } = await answer({
    HasCollection: async () => {
      throw new UnavailableError('writer is not serving writes', true);
    },
  } as MilvusHandlers);
  expect(err).toMatchObject({ code: grpc.status.UNAVAILABLE });
  expect(err!.metadata!.get(NOT_APPLIED_KEY)).toEqual(['1']);
});
