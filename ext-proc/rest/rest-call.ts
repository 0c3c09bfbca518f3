import type { CallContext } from '../coordinator/fanout.js';

/** What every call a REST request makes carries: its deadline, cancellation and trace, and its database. */
export interface RestCall extends CallContext {
  /**
   * The database the request works in: the body's `dbName`, else the `DB-Name` header, else
   * `default`, as Milvus's REST handler settles it. Calls to the writer carry it as the client's
   * `dbname` metadata; requests to the coordinator name it as their `db_name`.
   */
  database: string;
}
