import { MILVUS_COMPAT_VERSION } from '../../../milvus/system-info.js';
import type { Handlers } from './context.js';

/** Session: who the server is, whether it is healthy. */
export function sessionHandlers(): Handlers<'Connect' | 'GetVersion' | 'CheckHealth'> {
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
  };
}
