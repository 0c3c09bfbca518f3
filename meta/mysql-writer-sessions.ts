import type mysql from 'mysql2/promise';

/**
 * The MySQL connections of writer leaders, by epoch, so that a new leader can end a deposed
 * one's (docs/writer-ha.md, "A leader paused in a metadata transaction"). A leader paused
 * (SIGSTOP, a VM freeze) inside a fenced transaction holds the lock on the epoch row, and
 * MySQL keeps it as long as the connection lives: the new leader's claim would wait for the
 * old one to resume. Each connection of a fenced pool records its id here as it opens; a
 * claim kills the connections of older epochs (their transactions roll back: nothing a deposed
 * leader had not committed is published) and forgets them. A server restart reuses connection
 * ids, so each row carries when the server it names started, and only rows of the running
 * server are killed. KILL of a connection of the same user needs no privilege.
 */
const SESSIONS = 'meta_writer_sessions';

/** Creates the table (before the pool opens: its first connection registers at once). */
export async function createWriterSessionsTable(conn: mysql.Connection): Promise<void> {
  await conn.query(
    `CREATE TABLE IF NOT EXISTS ${SESSIONS} (connection_id BIGINT UNSIGNED NOT NULL PRIMARY KEY, ` +
      'epoch BIGINT NOT NULL, server_started BIGINT NOT NULL)',
  );
}

/** When the server started, unix seconds (± 1 s: it is derived from its uptime). */
export async function serverStarted(conn: mysql.Connection | mysql.Pool): Promise<number> {
  const [[now]] = await conn.query<mysql.RowDataPacket[]>('SELECT UNIX_TIMESTAMP() AS now');
  const [[uptime]] = await conn.query<mysql.RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Uptime'");
  return Number(now!.now) - Number(uptime!.Value);
}

/** Every connection `pool` opens records its id under `epoch` before it runs anything else. */
export function registerWriterSessions(pool: mysql.Pool, epoch: number, started: number): void {
  // Commands queue on a connection in order: this one runs before the pool hands it out.
  pool.pool.on('connection', (conn) => {
    conn.query(`REPLACE INTO ${SESSIONS} (connection_id, epoch, server_started) VALUES (CONNECTION_ID(), ?, ?)`, [epoch, started], () => {
      // A failure leaves this connection unregistered: a pause inside one of its transactions
      // then delays the next takeover until it resumes, as with SQLite. Nothing else depends on it.
    });
  });
}

/** Kills the connections of writers of epochs before `epoch` on this server, and forgets them. */
export async function endOlderWriterSessions(pool: mysql.Pool, epoch: number): Promise<void> {
  const started = await serverStarted(pool);
  const [rows] = await pool.query<mysql.RowDataPacket[]>(
    `SELECT connection_id FROM ${SESSIONS} WHERE epoch < ? AND ABS(server_started - ?) <= 2`,
    [epoch, started],
  );
  for (const { connection_id: id } of rows) {
    await pool.query('KILL CONNECTION ?', [Number(id)]).catch((e: { errno?: number }) => {
      // ER_NO_SUCH_THREAD: it closed by itself.
      if (e.errno !== 1094) throw e;
    });
  }
  await pool.query(`DELETE FROM ${SESSIONS} WHERE epoch < ?`, [epoch]);
}
