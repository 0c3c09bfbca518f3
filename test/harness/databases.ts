import { randomBytes } from 'node:crypto';
import type { MariadbInfo } from './mariadb.js';

/**
 * A `mysql://` URL on the shared MariaDB for a database no one has used yet, so that test
 * files (and tests within them) never see each other's tables. `openMetaStore` creates the
 * database on first use, as it does in production.
 */
export function freshDatabaseUrl(server: MariadbInfo, label: string): string {
  const name = `t_${label.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  return `mysql://${server.user}:${server.password}@${server.host}:${server.port}/${name}`;
}
