/**
 * Stand-ins for the registered readers' gRPC addresses: one server in a worker thread,
 * answering grpc.health.v1 Check with NOT_SERVING on as many loopback ports as there are
 * readers.
 *
 * Why not addresses where nothing listens: the control plane's health checker keeps a gRPC
 * channel per address, and grpc-js keeps reconnecting a refused channel (pick_first stays in
 * TRANSIENT_FAILURE and retries with backoff from 1 s), which for 1,000 addresses kept the
 * control plane's idle event loop about 10% busy during the measurements (0.1% with these
 * stand-ins): a benchmark artefact, since real readers answer. Here each address answers one probe, NOT_SERVING: a first failure is below
 * the unhealthy threshold (2), so every endpoint stays UNKNOWN, and with the health interval
 * set to an hour there is no second probe: no health change, hence no snapshot of its own,
 * during the run. Ports are picked by the kernel, so they cannot clash with other processes.
 */
import { tsWorker } from './xds-threads.js';

export interface HealthStandIns {
  ports: number[];
  stop(): Promise<void>;
}

export function startHealthStandIns(count: number): Promise<HealthStandIns> {
  const worker = tsWorker(new URL('./xds-health-worker.ts', import.meta.url), { count });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const stop = async () => {
    worker.postMessage({ type: 'close' });
    await exited;
  };
  return new Promise<HealthStandIns>((resolve, reject) => {
    let bound = false;
    worker.on('error', (e) => {
      // Once bound, a failure could only show as health changes, which the per-write checks catch.
      if (bound) console.error(`health stand-ins failed: ${e.message}`);
      else reject(e);
    });
    worker.once('exit', (code) => reject(new Error(`health stand-in worker exited (code ${code}) before binding its ports`)));
    worker.once('message', (m: { type: 'ports'; ports: number[] }) => {
      bound = true;
      resolve({ ports: m.ports, stop });
    });
  });
}
