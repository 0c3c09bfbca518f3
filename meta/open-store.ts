import { openMysqlStore, type MysqlTarget } from './mysql-store.js';
import { openSqliteStore } from './sqlite-store.js';
import type { WriterFencing } from './fenced-driver.js';
import type { MetaStore } from './store.js';

/**
 * Opens the metadata store named by a `--meta` value, ready to use (tables created):
 * `sqlite:PATH` (the file and its directory are created if missing) or
 * `mysql://USER:PASS@HOST:PORT/DB` (the database is created if missing; user and password
 * may be percent-encoded; the port defaults to 3306). A writer leader passes its fencing:
 * every write of the store is then fenced by its epoch (meta/fenced-driver.ts).
 */
export async function openMetaStore(spec: string, fencing?: WriterFencing): Promise<MetaStore> {
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    if (!path) throw new Error(`--meta ${spec}: missing the file path after sqlite:`);
    return openSqliteStore(path, fencing);
  }
  if (spec.startsWith('mysql://')) return openMysqlStore(parseMysqlUrl(spec), fencing);
  throw new Error(`--meta ${JSON.stringify(redact(spec))}: expected sqlite:PATH or mysql://USER:PASS@HOST:PORT/DB`);
}

function parseMysqlUrl(spec: string): MysqlTarget {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new Error(`--meta ${redact(spec)}: not a valid URL; expected mysql://USER:PASS@HOST:PORT/DB`);
  }
  const database = decodeURIComponent(url.pathname.slice(1));
  if (!url.hostname || !url.username || !database || database.includes('/') || url.search || url.hash) {
    throw new Error(`--meta ${redact(spec)}: expected mysql://USER:PASS@HOST:PORT/DB`);
  }
  return {
    // URL keeps the brackets of an IPv6 literal; the driver wants the bare address.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database,
  };
}

/** The spec without its password, for error messages that may end up in logs. */
function redact(spec: string): string {
  return spec.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@]*@/i, '$1***@');
}
