// Loading 'vitest' itself makes the augmentation below apply to files that only import
// 'vitest/node' (the global setup).
import type {} from 'vitest';
import type { EtcdInfo } from './etcd.js';
import type { MariadbInfo } from './mariadb.js';

// What global-setup.ts provides, so that `inject('mariadb')` and `inject('etcd')` are typed.
declare module 'vitest' {
  export interface ProvidedContext {
    mariadb: MariadbInfo;
    etcd: EtcdInfo;
  }
}
