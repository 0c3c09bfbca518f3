import * as grpc from '@grpc/grpc-js';

type Status = 'SERVING' | 'NOT_SERVING';

/**
 * The response header of Check naming the process that answered: behind a load balancer or an
 * xDS-balanced channel, a health check tells which process it reached. Only Check carries it,
 * so no other call pays for it.
 */
export const SERVED_BY_HEADER = 'mishards-served-by';

/**
 * grpc.health.v1.Health for one process. Every service the process serves shares the
 * process's status ("" names the process itself): a node is either taking traffic or
 * shutting down. Unknown service names get NOT_FOUND from Check and SERVICE_UNKNOWN from
 * Watch, as the protocol specifies.
 */
export class HealthState {
  private status: Status = 'SERVING';
  private readonly known: Set<string>;
  /** Open Watch streams, each with whether it watches a known service. */
  private readonly watchers = new Map<grpc.ServerWritableStream<{ service: string }, { status: string }>, boolean>();

  /** `servedBy`: the process's gRPC address, once bound. */
  constructor(
    serviceNames: string[],
    private readonly servedBy: () => string = () => '',
  ) {
    this.known = new Set(['', ...serviceNames]);
  }

  get serving(): boolean {
    return this.status === 'SERVING';
  }

  /**
   * Answers NOT_SERVING from now on and tells every Watch, then ends the Watch streams so a
   * graceful gRPC shutdown does not wait on them.
   */
  shutDown(): void {
    this.status = 'NOT_SERVING';
    for (const [call, known] of this.watchers) {
      if (known) call.write({ status: this.status });
      call.end();
    }
    this.watchers.clear();
  }

  implementation(): grpc.UntypedServiceImplementation {
    return {
      Check: (call: grpc.ServerUnaryCall<{ service: string }, unknown>, callback: grpc.sendUnaryData<{ status: string }>) => {
        if (!this.known.has(call.request.service)) {
          callback({ code: grpc.status.NOT_FOUND, details: `unknown service ${JSON.stringify(call.request.service)}` });
          return;
        }
        const metadata = new grpc.Metadata();
        metadata.set(SERVED_BY_HEADER, this.servedBy());
        call.sendMetadata(metadata);
        callback(null, { status: this.status });
      },
      Watch: (call: grpc.ServerWritableStream<{ service: string }, { status: string }>) => {
        const known = this.known.has(call.request.service);
        // For an unknown service the spec keeps the stream open (it may appear later).
        call.write({ status: known ? this.status : 'SERVICE_UNKNOWN' });
        if (!this.serving) {
          call.end();
          return;
        }
        this.watchers.set(call, known);
        call.on('cancelled', () => this.watchers.delete(call));
      },
    };
  }
}

/** The fully qualified name of a service (`pkg.Service`) from its methods' paths. */
export function serviceName(definition: grpc.ServiceDefinition): string {
  const first = Object.values(definition)[0];
  if (!first) throw new Error('a gRPC service without methods');
  return first.path.split('/')[1]!;
}
