import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { writeFileDurably } from './durable-files.js';
import { walFilesInOrder } from './wal-files.js';

/**
 * Fencing of a write-ahead log shared by the writers of one cluster (docs/writer-ha.md).
 *
 * Each leader term has an epoch (the create revision of its election key). A new leader
 * writes its fence file `fence-<epoch>.json` before anything else, first as "sealing", then
 * reads every older log file and records the byte length it read: `sealed[file]`. It replays
 * exactly those bytes, and so does every later leader: what a deposed leader appends beyond
 * them is never read. A fence file is written only by its own epoch's leader (temp file,
 * fsync, rename, fsync of the directory), so concurrent leaders never overwrite each other's;
 * the newest epoch present is the one in force.
 *
 * A leader acknowledges a record only after its fsync and a fresh read of the fences
 * (AckGate): while its own fence is the newest; else only if the newest fence is complete
 * and sealed its file at or past the record's end (the record is durable and the newer leader
 * replayed it). Otherwise it refuses: definitively ("not applied") when the newest fence
 * sealed the file before the record, with an unknown outcome when that fence is still being
 * written after a bounded wait.
 */
export interface Fence {
  epoch: number;
  /** Written before the older logs are read: their lengths are not known yet. */
  sealing: boolean;
  /** Log file name -> the bytes of it that count; files of older epochs not listed count 0. */
  sealed: Record<string, number>;
}

const FENCE_FILE = /^fence-(\d+)\.json$/;
const fenceName = (epoch: number) => `fence-${String(epoch).padStart(16, '0')}.json`;

/** A write refused because a newer leader fenced this one. */
export class FencedError extends Error {
  constructor(
    readonly newerEpoch: number,
    /** 'no': the write will never be applied; 'unknown': a newer leader may replay it. */
    readonly applied: 'no' | 'unknown',
    message: string,
  ) {
    super(message);
    this.name = 'FencedError';
  }
}

/** The epochs of the fence files present, newest first (none in a directory not created yet). */
async function fenceEpochs(dir: string): Promise<number[]> {
  const epochs: number[] = [];
  const names = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  for (const name of names) {
    const m = FENCE_FILE.exec(name);
    if (m) epochs.push(Number(m[1]));
  }
  return epochs.sort((a, b) => b - a);
}

async function readFence(dir: string, epoch: number): Promise<Fence | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, fenceName(epoch)), 'utf8')) as Fence;
  } catch (e) {
    // Pruned by a newer leader between the listing and the read.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The fence in force (the newest epoch's), or undefined before the first fenced leader. */
export async function currentFence(dir: string): Promise<Fence | undefined> {
  for (const epoch of await fenceEpochs(dir)) {
    const fence = await readFence(dir, epoch);
    if (fence) return fence;
  }
  return undefined;
}

const stale = (epoch: number, newer: number) =>
  new FencedError(newer, 'no', `write-ahead log fenced: epoch ${newer} is newer than this writer's ${epoch}`);

/**
 * Takes the log over for `epoch`: fences older leaders, then records how much of each older
 * file counts. Throws FencedError if a newer epoch's fence or file appears meanwhile.
 */
export async function sealOlderLogs(dir: string, epoch: number): Promise<Fence> {
  await mkdir(dir, { recursive: true });
  const before = await fenceEpochs(dir);
  if (before[0] !== undefined && before[0] >= epoch) throw stale(epoch, before[0]);
  await writeFileDurably(join(dir, fenceName(epoch)), JSON.stringify({ epoch, sealing: true, sealed: {} } satisfies Fence));
  // The newest complete fence settled the files of the epochs before its own; the files of its
  // epoch and later are read now, after our fence is durable: whatever their leaders append
  // from here on is refused by their own gate.
  let settled: Fence | undefined;
  for (const e of before) {
    const f = await readFence(dir, e);
    if (f && !f.sealing) {
      settled = f;
      break;
    }
  }
  const sealed: Record<string, number> = { ...settled?.sealed };
  for (const file of walFilesInOrder(await readdir(dir))) {
    if (file.epoch >= epoch) throw stale(epoch, file.epoch);
    if (settled && file.epoch < settled.epoch) sealed[file.name] ??= 0;
    else sealed[file.name] = (await readFile(join(dir, file.name))).length;
  }
  const fence: Fence = { epoch, sealing: false, sealed };
  await writeFileDurably(join(dir, fenceName(epoch)), JSON.stringify(fence));
  const after = await fenceEpochs(dir);
  if (after[0]! > epoch) throw stale(epoch, after[0]!);
  // Older fences are settled by ours (which carries their lengths forward).
  for (const e of after) if (e < epoch) await rm(join(dir, fenceName(e)), { force: true });
  return fence;
}

/** How long a deposed leader waits for a newer fence being written before refusing with an unknown outcome. */
const SEALING_WAIT_MS = 2000;
const SEALING_POLL_MS = 10;

/** The check a fenced log makes after each fsync, before acknowledging (see the module comment). */
export class AckGate {
  constructor(
    private readonly dir: string,
    readonly epoch: number,
    private readonly sealingWaitMs = SEALING_WAIT_MS,
  ) {}

  /** Resolves if the bytes of `file` up to `end` may be acknowledged; throws FencedError if not. */
  async check(file: string, end: number): Promise<void> {
    const deadline = performance.now() + this.sealingWaitMs;
    for (;;) {
      const [newest] = await fenceEpochs(this.dir);
      if (newest === this.epoch) return;
      const fence = newest === undefined ? undefined : await readFence(this.dir, newest);
      if (!fence || fence.epoch < this.epoch) {
        // Our own fence is gone: the log directory is not the one we sealed.
        throw new FencedError(fence?.epoch ?? 0, 'unknown', `write-ahead log ${this.dir}: the fence of epoch ${this.epoch} is missing`);
      }
      if (!fence.sealing) {
        if ((fence.sealed[file] ?? -1) >= end) return;
        throw new FencedError(fence.epoch, 'no', `write-ahead log fenced by epoch ${fence.epoch}: the write was not applied`);
      }
      if (performance.now() >= deadline) {
        throw new FencedError(fence.epoch, 'unknown', `write-ahead log being taken over by epoch ${fence.epoch}: the outcome is unknown`);
      }
      await delay(SEALING_POLL_MS);
    }
  }

  /** Throws FencedError unless this epoch's fence is still the newest (before a checkpoint). */
  async assertCurrent(): Promise<void> {
    const [newest] = await fenceEpochs(this.dir);
    if (newest !== this.epoch) throw stale(this.epoch, newest ?? 0);
  }
}
