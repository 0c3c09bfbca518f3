/**
 * Worker thread of bench:xds: opens the ADS streams and reports, for the k-th EDS response
 * of every stream, when each stream received it. Runs off the control plane's thread so that
 * 500 clients' decoding and ACKing does not queue behind (or in front of) the server's work.
 *
 * To the main thread: {type: 'eds', k, versions, times} once every stream has received its
 * k-th EDS response (times in wall-clock ms, by stream), {type: 'error', message} when a
 * stream ends on its own, {type: 'closed'} after a {type: 'close'} request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EDS, openChannels, subscribe, type StreamKind } from './xds-raw-ads.js';

export interface FleetOptions {
  address: string;
  kind: StreamKind;
  streams: number;
  channels: number;
  /** The cluster whose endpoints (EDS) every stream subscribes to. */
  cluster: string;
}

export type WorkerMessage =
  | { type: 'eds'; k: number; versions: string[]; times: number[] }
  | { type: 'error'; message: string }
  | { type: 'closed' };

const port = parentPort!;
const o = workerData as FleetOptions;
const post = (message: WorkerMessage) => port.postMessage(message);

const eds = Array.from({ length: o.streams }, () => ({ times: [] as number[], versions: [] as string[] }));
/** How many streams have received at least k EDS responses, by k. */
const reached: number[] = [];
let closing = false;

function onEds(stream: number, version: string, receivedAt: number): void {
  const s = eds[stream]!;
  s.times.push(receivedAt);
  s.versions.push(version);
  const k = s.times.length;
  reached[k] = (reached[k] ?? 0) + 1;
  if (reached[k] === o.streams) {
    post({ type: 'eds', k, versions: [...new Set(eds.map((e) => e.versions[k - 1]!))], times: eds.map((e) => e.times[k - 1]!) });
  }
}

const clients = openChannels(o.address, o.channels);
const calls = eds.map((_, i) =>
  subscribe(clients[i % o.channels]!, o.kind, `bench-${o.kind}-${i}`, o.cluster, (header, receivedAt) => {
    if (header.typeUrl === EDS) onEds(i, header.version, receivedAt);
  }),
);
for (const [i, call] of calls.entries()) {
  call.on('status', (status: { code: number; details: string }) => {
    if (!closing) post({ type: 'error', message: `${o.kind} stream ${i} ended: ${status.code} ${status.details}` });
  });
}

port.on('message', (message: { type: 'close' }) => {
  if (message.type !== 'close') return;
  closing = true;
  for (const call of calls) call.cancel();
  for (const client of clients) client.close();
  post({ type: 'closed' });
  // Nothing is left on this thread's event loop: it ends by itself.
  port.close();
});
