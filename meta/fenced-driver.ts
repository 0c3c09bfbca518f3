import { MetaFencedError } from './errors.js';
import { SqlMetaStore, type SqlDriver, type SqlRunner, type SqlValue } from './sql-store.js';
import type { MetaStore } from './store.js';

/** How a writer leader opens the metadata store (docs/writer-ha.md). */
export interface WriterFencing {
  /** Its term's fencing epoch. */
  epoch: number;
  /**
   * The newest epoch whose fence its write-ahead log directory held before its own: the claim
   * fails if the metadata was claimed by a newer epoch than that, whose log is then elsewhere
   * (writers that do not share --wal-dir would lose what the last leader left unsealed).
   */
  walEpoch: number;
  /** Called when a write finds a newer epoch in force: the writer must step down. */
  onFenced?: () => void;
}

/**
 * A driver whose every write runs in a transaction that first checks the writer fencing epoch
 * in force (table meta_writer_epoch) is this writer's: a deposed leader's publication (segment
 * rows, compaction swaps, drops, DDL) fails with MetaFencedError and changes nothing. The
 * check locks the row (SQLite: BEGIN IMMEDIATE takes the database's write lock; MySQL: FOR
 * UPDATE), so a takeover's claim and a publication are ordered: the publication committed
 * first, and the new leader reads it, or it sees the new epoch. Reads are not fenced.
 */
export class FencedDriver implements SqlDriver {
  readonly dialect: SqlDriver['dialect'];

  readonly epoch: number;

  constructor(
    private readonly inner: SqlDriver,
    private readonly fencing: WriterFencing,
  ) {
    this.dialect = inner.dialect;
    this.epoch = fencing.epoch;
  }

  /**
   * Makes this writer's epoch the one in force; fails if a newer one already is, or if the
   * one in force is not in this writer's log (see WriterFencing.walEpoch).
   */
  async claim(): Promise<void> {
    await this.inner.endOlderWriterSessions?.(this.epoch);
    return this.inner.transaction(async (tx) => {
      const current = await epochInForce(tx, this.dialect);
      if (current !== undefined && current > this.epoch) throw fenced(this.epoch, current);
      if (current !== undefined && current > this.fencing.walEpoch) {
        throw new MetaFencedError(
          `the metadata was last claimed by writer epoch ${current}, whose write-ahead log is not this writer's ` +
            `(its newest fence is of epoch ${this.fencing.walEpoch}): the writers of a cluster must share --wal-dir`,
        );
      }
      if (current === undefined) await tx.run('INSERT INTO meta_writer_epoch (id, epoch) VALUES (1, ?)', [this.epoch]);
      else await tx.run('UPDATE meta_writer_epoch SET epoch = ? WHERE id = 1', [this.epoch]);
    });
  }

  all<T>(sql: string, params?: SqlValue[]): Promise<T[]> {
    return this.inner.all<T>(sql, params);
  }

  run(sql: string, params?: SqlValue[]): Promise<number> {
    return this.transaction((tx) => tx.run(sql, params));
  }

  allocate(counter: string, count: number): Promise<number> {
    return this.transaction((tx) => tx.allocate(counter, count));
  }

  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return this.inner.transaction(async (tx) => {
      await this.assertInForce(tx);
      return fn(tx);
    });
  }

  // init() changes the schema through the plain store, before the claim (storeOver); a change
  // through a fenced store is a write like any other.
  schemaChange(change: (db: SqlRunner) => Promise<void>): Promise<void> {
    return this.inner.schemaChange(async (db) => {
      await this.assertInForce(db);
      await change(db);
    });
  }

  private async assertInForce(tx: SqlRunner): Promise<void> {
    const current = await epochInForce(tx, this.dialect);
    if (current === this.epoch) return;
    this.fencing.onFenced?.();
    throw fenced(this.epoch, current ?? 0);
  }

  violation(err: unknown): 'unique' | 'foreign-key' | undefined {
    return this.inner.violation(err);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

async function epochInForce(tx: SqlRunner, dialect: SqlDriver['dialect']): Promise<number | undefined> {
  const lock = dialect === 'mysql' ? ' FOR UPDATE' : '';
  const [row] = await tx.all<{ epoch: number | string }>(`SELECT epoch FROM meta_writer_epoch WHERE id = 1${lock}`);
  return row === undefined ? undefined : Number(row.epoch);
}

const fenced = (own: number, current: number) =>
  new MetaFencedError(`metadata fenced: writer epoch ${current} is in force, this writer's is ${own}`);

/**
 * The store over `driver` (its tables created), fenced when `fencing` is given: the epoch is
 * claimed first, so everything the store reads after it includes every publication of the
 * writers before.
 */
export async function storeOver(driver: SqlDriver, fencing: WriterFencing | undefined): Promise<MetaStore> {
  const plain = new SqlMetaStore(driver);
  await plain.init();
  if (fencing === undefined) return plain;
  const fencedDriver = new FencedDriver(driver, fencing);
  await fencedDriver.claim();
  return new SqlMetaStore(fencedDriver);
}
