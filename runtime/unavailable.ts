import * as grpc from '@grpc/grpc-js';

/** Trailer of a refusal that says the request was not applied: a caller may send it again. */
export const NOT_APPLIED_KEY = 'mishards-not-applied';
/** Trailer naming the writer leader the refusing node knows of, when it knows one. */
export const LEADER_KEY = 'mishards-writer-leader';

/**
 * A request refused because this node may not serve it now (a standby writer, a writer whose
 * term ended or that a newer leader fenced), answered as gRPC UNAVAILABLE rather than as a
 * Milvus status: clients and the coordinator retry UNAVAILABLE. `notApplied` says whether
 * the request certainly had no effect (then the coordinator resends it to the leader) or its
 * outcome is unknown.
 */
export class UnavailableError extends Error {
  constructor(
    message: string,
    readonly notApplied: boolean,
    readonly leader?: string,
  ) {
    super(message);
    this.name = 'UnavailableError';
  }

  /** The error as a gRPC status with its trailers. */
  toStatus(): Partial<grpc.StatusObject> {
    const metadata = new grpc.Metadata();
    if (this.notApplied) metadata.set(NOT_APPLIED_KEY, '1');
    if (this.leader) metadata.set(LEADER_KEY, this.leader);
    return { code: grpc.status.UNAVAILABLE, details: this.message, metadata };
  }
}

/** Whether a gRPC error is a refusal of a request that was certainly not applied. */
export function notApplied(err: grpc.ServiceError | null | undefined): boolean {
  return err?.code === grpc.status.UNAVAILABLE && err.metadata?.get(NOT_APPLIED_KEY)[0] === '1';
}
