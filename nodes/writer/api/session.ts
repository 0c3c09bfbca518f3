import { Code, MilvusError } from '../../../milvus/status.js';
import { MILVUS_COMPAT_VERSION } from '../../../milvus/system-info.js';
import { DEFAULT_DB, type Handlers } from './context.js';

/** Session and databases: who the server is, whether it is healthy, the one database. */
export function sessionHandlers(): Handlers<'Connect' | 'GetVersion' | 'CheckHealth' | 'ListDatabases' | 'DescribeDatabase'> {
  return {
    async Connect() {
      return {
        server_info: {
          build_tags: MILVUS_COMPAT_VERSION,
          build_time: '',
          git_commit: '',
          go_version: 'node',
          deploy_mode: 'mishards',
          reserved: {},
        },
        identifier: String(Date.now()),
      };
    },
    async GetVersion() {
      return { version: MILVUS_COMPAT_VERSION };
    },
    async CheckHealth() {
      return { isHealthy: true, reasons: [], quota_states: [] };
    },

    async ListDatabases() {
      return { db_names: [DEFAULT_DB.name], db_ids: [DEFAULT_DB.id], created_timestamp: ['0'] };
    },
    async DescribeDatabase(req) {
      const name = req.db_name || DEFAULT_DB.name;
      if (name !== DEFAULT_DB.name) throw new MilvusError(Code.DatabaseNotFound, `database not found[database=${name}]`);
      return { db_name: name, dbID: DEFAULT_DB.id, created_timestamp: '0', properties: [] };
    },
  };
}
