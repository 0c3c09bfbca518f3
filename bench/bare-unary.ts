/**
 * Bare grpc-js unary calls for the floors the benchmarks compare against: raw bytes both ways
 * (no protobuf, no tracing, no metrics), each server in its own process so its CPU time can be
 * read from /proc.
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
export type BareClient = grpc.Client & {
  Echo: (req: Buffer, options: grpc.CallOptions, cb: (e: grpc.ServiceError | null, res: Buffer) => void) => void;
};

/** Room for the 0.5 MB insert batches (grpc-js defaults to 4 MB received). */
const MAX_MESSAGE_BYTES = 64 << 20;

export const connectBare = (port: number) =>
  new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  }) as unknown as BareClient;

export const callBare = (c: BareClient, req: Buffer) =>
  new Promise<Buffer>((resolve, reject) => c.Echo(req, { deadline: Date.now() + 60_000 }, (e, res) => (e ? reject(e) : resolve(res))));

/** Serves the bare method on a free loopback port; resolves with the port. */
export function serveBare(handler: (req: Buffer) => Promise<Buffer>): Promise<number> {
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

/** A server process of a floor benchmark. */
export interface Party {
  name: string;
  child: ChildProcess;
  port: number;
}

/** Forks `script` (a module URL) with `args`; it reports its port with process.send once serving. */
export function startParty(name: string, script: string, args: string[]): Promise<Party> {
  const child = fork(fileURLToPath(script), args);
  return new Promise((resolve, reject) => {
    child.once('message', (port) => resolve({ name, child, port: port as number }));
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}
