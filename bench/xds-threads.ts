/** Worker threads running TypeScript, for bench:xds. */
import { Worker } from 'node:worker_threads';

/**
 * Node 20 does not apply `--import` loader hooks (tsx) to worker threads, so the worker is a
 * one-line script that loads its TypeScript entry through tsx's API.
 */
export function tsWorker(entry: URL, workerData: unknown): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(boot, { eval: true, workerData });
}
