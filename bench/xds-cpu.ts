/** How much other processes hold up bench:xds's control-plane thread (Linux only). */
import { readFileSync } from 'node:fs';

const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;

/**
 * Cumulative ms the main thread (the control plane's: its task id is the process id) has
 * spent runnable but waiting for a CPU, from the kernel's schedstat (on-CPU ns, run-queue
 * wait ns, time slices); undefined where that file does not exist. On a shared 2-core
 * machine this is what turns a 60 ms propagation into a 500 ms one now and then.
 */
export function runQueueWaitMs(): number | undefined {
  try {
    const fields = readFileSync(SCHEDSTAT, 'utf8').trim().split(/\s+/);
    return Number(fields[1]) / 1e6;
  } catch {
    return undefined;
  }
}
