/**
 * The bare grpc-js floor under the cluster's hops, measured in the same run as the cluster:
 * unary calls on loopback carrying raw bytes of the sizes of a real sub-request and partial
 * answer (no protobuf, no search, no tracing, no metrics), every party its own process as in
 * `mishards up`:
 *
 *   leaf:    client -> leaf
 *   relayed: client -> relay -> 3 leaves in parallel -> relay -> client
 *
 * The parties are bench/floor-party.ts, forked (with this process's --import tsx).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';

const identity = (b: Buffer) => b;
const definition: grpc.ServiceDefinition = {
  Echo: {
    path: '/floor.Floor/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};
const Client = grpc.makeGenericClientConstructor(definition, 'Floor');
export type FloorClient = grpc.Client & {
  Echo: (req: Buffer, options: grpc.CallOptions, cb: (e: grpc.ServiceError | null, res: Buffer) => void) => void;
};

const CALL_TIMEOUT_MS = 60_000;
/** Room for the 0.5 MB insert batches of the insert floor (grpc-js accepts 4 MB by default). */
const MAX_MESSAGE_BYTES = 64 << 20;

export const connect = (port: number) =>
  new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  }) as unknown as FloorClient;

export const call = (c: FloorClient, req: Buffer) =>
  new Promise<Buffer>((resolve, reject) =>
    c.Echo(req, { deadline: Date.now() + CALL_TIMEOUT_MS }, (e, res) => (e ? reject(e) : resolve(res))),
  );

/** A server on a free loopback port answering every call with `handler`; resolves with the port. */
export function serve(handler: (req: Buffer) => Promise<Buffer>): Promise<number> {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES });
  server.addService(definition, {
    Echo: (c: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      handler(c.request).then(
        (res) => cb(null, res),
        (e: Error) => cb(e),
      );
    },
  });
  return new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, port) => (e ? reject(e) : resolve(port))),
  );
}

/** A forked party of a floor benchmark. */
export interface FloorParty {
  name: string;
  pid: number;
  child: ChildProcess;
  port: number;
}

const PARTY = fileURLToPath(new URL('./floor-party.ts', import.meta.url));

/** Forks a floor party (bench/floor-party.ts) with `args`; resolves once it serves. */
export function startParty(name: string, args: string[]): Promise<FloorParty> {
  const child = fork(PARTY, args);
  return new Promise((resolve, reject) => {
    child.once('message', (port) => resolve({ name, child, pid: child.pid!, port: port as number }));
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was serving`)));
  });
}

export class GrpcFloor {
  private readonly leafClient: FloorClient;
  private readonly relayClient: FloorClient;
  private readonly request: Buffer;

  private constructor(
    readonly leaves: FloorParty[],
    readonly relay: FloorParty,
    requestBytes: number,
  ) {
    this.leafClient = connect(leaves[0]!.port);
    this.relayClient = connect(relay.port);
    this.request = Buffer.alloc(requestBytes);
  }

  /** `leaves` leaves answering `answerBytes`, and a relay fanning every call out to all of them. */
  static async start(opts: { leaves: number; requestBytes: number; answerBytes: number }): Promise<GrpcFloor> {
    const leaves = await Promise.all(
      Array.from({ length: opts.leaves }, (_, i) => startParty(`leaf${i + 1}`, ['leaf', String(opts.answerBytes)])),
    );
    const relay = await startParty('relay', ['relay', String(opts.answerBytes), ...leaves.map((l) => String(l.port))]).catch((e) => {
      for (const l of leaves) l.child.kill();
      throw e;
    });
    return new GrpcFloor(leaves, relay, opts.requestBytes);
  }

  /** One call straight to the first leaf. */
  async callLeaf(): Promise<void> {
    await call(this.leafClient, this.request);
  }

  /** One call to the relay, which calls every leaf. */
  async callRelay(): Promise<void> {
    await call(this.relayClient, this.request);
  }

  async stop(): Promise<void> {
    this.leafClient.close();
    this.relayClient.close();
    await Promise.all(
      [this.relay, ...this.leaves].map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
            p.child.once('exit', () => resolve());
            p.child.kill();
          }),
      ),
    );
  }
}
