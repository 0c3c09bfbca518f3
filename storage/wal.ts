import { mkdir, open, readdir, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDir } from './durable-files.js';
import { frameHeader, readFrames } from './framing.js';
import { AckGate, currentFence, FencedError } from './wal-fence.js';
import { walFileName, walFilesInOrder } from './wal-files.js';

/**
 * The write-ahead log of the writable node. Every mutation is appended and the file is
 * fdatasync'ed before the caller's promise resolves. Concurrent appends are batched into
 * one write + one sync (group commit), so throughput grows with concurrency while every
 * acknowledgement still means "on disk".
 *
 * Files are `wal-<firstLsn>.log`, rotated past `rotateBytes`. `checkpoint.json` holds the
 * highest LSN whose effects are durable elsewhere (segment and delete files); files that
 * only hold older records are removed.
 *
 * Opened with an epoch, the log is shared by the writers of a cluster and fenced (see
 * storage/wal-fence.ts): files are `wal-e<epoch>-<firstLsn>.log`, the files of older epochs
 * count only up to the lengths the fence in force sealed, and every acknowledgement passes the
 * AckGate after the fsync.
 */

export interface WalRecord {
  lsn: number;
  payload: Buffer;
}

export interface WalOptions {
  /** The fencing epoch of the writer that opens a shared log (see storage/wal-fence.ts). */
  epoch?: number;
  /** Hears the seconds of every group commit's write and fdatasync. */
  onSync?: (seconds: number) => void;
}

interface Pending {
  lsn: number;
  /** The framed record, in order: written with one writev, never copied together. */
  chunks: Uint8Array[];
  resolve: () => void;
  reject: (e: Error) => void;
}

export class WriteAheadLog {
  private handle: FileHandle | undefined;
  private fileSize = 0;
  private files: { firstLsn: number; name: string }[] = [];
  private nextLsn = 1;
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private failed: Error | undefined;
  private checkpointLsn = 0;
  /** The current file's name. */
  private fileName = '';

  private constructor(
    private readonly dir: string,
    private readonly rotateBytes: number,
    private readonly epoch: number,
    private readonly gate: AckGate | undefined,
    private readonly onSync: (seconds: number) => void,
  ) {}

  /**
   * Opens the log, returning it with the records after the last checkpoint, in order. With an
   * `epoch`, the log must have been sealed for that epoch (sealOlderLogs) and no newer one.
   * `onSync` hears the seconds of every group commit's write and fdatasync (the time an
   * acknowledgement waits for the disk, before the fence check).
   */
  static async open(dir: string, rotateBytes = 64 << 20, options: WalOptions = {}): Promise<{ wal: WriteAheadLog; records: WalRecord[] }> {
    await mkdir(dir, { recursive: true });
    const fenced = options.epoch !== undefined;
    const epoch = options.epoch ?? 0;
    const fence = fenced ? await currentFence(dir) : undefined;
    if (fenced && (fence?.epoch !== epoch || fence.sealing)) {
      throw new FencedError(fence?.epoch ?? 0, 'no', `write-ahead log ${dir} is not sealed for epoch ${epoch}`);
    }
    const gate = fenced ? new AckGate(dir, epoch) : undefined;
    const wal = new WriteAheadLog(dir, rotateBytes, epoch, gate, options.onSync ?? (() => {}));
    wal.checkpointLsn = await wal.readCheckpoint();
    const records: WalRecord[] = [];
    let maxLsn = wal.checkpointLsn;
    for (const file of walFilesInOrder(await readdir(dir))) {
      const path = join(dir, file.name);
      const whole = await readFile(path);
      // Another epoch's file counts up to the length the fence sealed; anything its leader
      // appended after that was never acknowledged.
      const own = !fence || file.epoch === epoch;
      const buf = own ? whole : whole.subarray(0, fence.sealed[file.name] ?? 0);
      const scan = readFrames(buf);
      for (const p of scan.payloads) {
        const lsn = p.readDoubleLE(0);
        maxLsn = Math.max(maxLsn, lsn);
        if (lsn > wal.checkpointLsn) records.push({ lsn, payload: p.subarray(8) });
      }
      wal.files.push({ firstLsn: file.firstLsn, name: file.name });
      // A torn tail of our own file is the remains of an append that was never acknowledged:
      // cut it off so that later appends are not hidden behind it. Another epoch's file is
      // left alone: its leader may still be appending (and be refused).
      if (own && scan.validLength < buf.length) {
        const h = await open(path, 'r+');
        await h.truncate(scan.validLength);
        await h.sync();
        await h.close();
      }
    }
    wal.nextLsn = maxLsn + 1;
    await wal.startFile(wal.nextLsn);
    return { wal, records };
  }

  /** The LSN of the newest record appended; just after opening, of the newest the log or its checkpoint holds. */
  get lastLsn(): number {
    return this.nextLsn - 1;
  }

  private async readCheckpoint(): Promise<number> {
    try {
      return Number(JSON.parse(await readFile(join(this.dir, 'checkpoint.json'), 'utf8')).lsn) || 0;
    } catch {
      return 0;
    }
  }

  /** Starts (or reopens) the file whose first record will have LSN `firstLsn`. */
  private async startFile(firstLsn: number): Promise<void> {
    const name = walFileName(this.epoch, firstLsn);
    await this.handle?.close();
    this.fileName = name;
    this.handle = await open(join(this.dir, name), 'a');
    this.fileSize = (await this.handle.stat()).size;
    if (!this.files.some((f) => f.name === name)) this.files.push({ firstLsn, name });
    await syncDir(this.dir);
  }

  /**
   * Appends a record, assigning it the next LSN synchronously (so LSN order is call order),
   * and resolves once it is durable. The payload may be given as chunks (written in order,
   * not copied): they must stay unchanged until the promise settles.
   */
  append(payload: Uint8Array | Uint8Array[]): { lsn: number; durable: Promise<void> } {
    if (this.failed) return { lsn: -1, durable: Promise.reject(this.failed) };
    const lsn = this.nextLsn++;
    const stamp = Buffer.allocUnsafe(8);
    stamp.writeDoubleLE(lsn, 0);
    const body = [stamp, ...(Array.isArray(payload) ? payload : [payload])];
    const durable = new Promise<void>((resolve, reject) => {
      this.queue.push({ lsn, chunks: [frameHeader(body), ...body], resolve, reject });
    });
    this.kick();
    return { lsn, durable };
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = undefined;
      if (this.queue.length) this.kick();
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue;
      this.queue = [];
      try {
        if (this.failed) throw this.failed;
        const chunks = batch.flatMap((p) => p.chunks);
        const length = chunks.reduce((n, c) => n + c.length, 0);
        const started = performance.now();
        const { bytesWritten } = await this.handle!.writev(chunks);
        if (bytesWritten !== length) throw new Error(`short write: ${bytesWritten} of ${length} bytes`);
        await this.handle!.datasync();
        this.onSync((performance.now() - started) / 1000);
        this.fileSize += length;
        await this.gate?.check(this.fileName, this.fileSize);
        for (const p of batch) p.resolve();
        if (this.fileSize >= this.rotateBytes) await this.startFile(batch[batch.length - 1]!.lsn + 1);
      } catch (e) {
        // After a failed write the file tail is unknown: refuse further appends rather than
        // acknowledge records that might sit behind garbage. A fenced log refuses for good.
        this.failed =
          this.failed ?? (e instanceof FencedError ? e : new Error(`write-ahead log ${this.dir} failed: ${(e as Error).message}`));
        for (const p of batch) p.reject(this.failed);
      }
    }
  }

  /** Waits for every append issued so far to be durable. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  /**
   * Records that every record with an LSN up to `lsn` is durable elsewhere and removes the
   * files that hold only such records.
   */
  checkpoint(lsn: number): Promise<void> {
    // Serialised: concurrent calls would share the temporary file.
    const run = this.checkpointChain.then(() => this.writeCheckpoint(lsn));
    this.checkpointChain = run.catch(() => undefined);
    return run;
  }
  private checkpointChain: Promise<void> = Promise.resolve();

  private async writeCheckpoint(lsn: number): Promise<void> {
    if (lsn <= this.checkpointLsn) return;
    // A deposed leader must not move the shared checkpoint nor remove files.
    await this.gate?.assertCurrent();
    const tmp = join(this.dir, 'checkpoint.json.tmp');
    const h = await open(tmp, 'w');
    await h.writeFile(JSON.stringify({ lsn }));
    await h.sync();
    await h.close();
    await rename(tmp, join(this.dir, 'checkpoint.json'));
    await syncDir(this.dir);
    this.checkpointLsn = lsn;
    // File i holds LSNs [first_i, first_{i+1}); it can go when the next file starts at or
    // before lsn + 1. The current file always stays. (Files are in write order already: an
    // older epoch's counted records all precede the next epoch's first LSN.)
    const sorted = this.files;
    for (let i = 0; i + 1 < sorted.length; i++) {
      if (sorted[i + 1]!.firstLsn <= lsn + 1) {
        await rm(join(this.dir, sorted[i]!.name), { force: true });
        this.files = this.files.filter((f) => f.name !== sorted[i]!.name);
      }
    }
  }

  async close(): Promise<void> {
    await this.drain();
    await this.handle?.close();
    this.handle = undefined;
  }
}
