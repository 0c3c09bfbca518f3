import type { TestProject } from 'vitest/node';
import { startEtcd } from './etcd.js';
import { startMariadb, type MariadbInfo, type MariadbInstance } from './mariadb.js';
import { buildForTests } from './test-build.js';

/**
 * Starts one private MariaDB and one private etcd for the whole test run, both at once,
 * and hands their connection info to every test file (`inject('mariadb')`,
 * `inject('etcd')`; types in context.d.ts). Test files isolate themselves inside the shared
 * servers: a database of their own (createTestDatabase in databases.ts), a key prefix of their own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The build of the sources the servers run (test-build.ts) compiles while the servers start.
  const buildDir = project.config.env?.MISHARDS_BUILD_DIR;
  const build = buildDir ? buildForTests(buildDir) : undefined;
  const started = await Promise.allSettled([startMariadb(), startEtcd()]);
  const stopAll = async () => {
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
  };
  const [mariadb, etcd] = started;
  if (mariadb.status === 'rejected' || etcd.status === 'rejected') {
    await stopAll();
    const reasons = started.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
    throw new Error(`test harness could not start its servers:\n${reasons.join('\n')}`);
  }
  project.provide('mariadb', mariadbInfo(mariadb.value));
  project.provide('etcd', { endpoint: etcd.value.endpoint });
  const removeBuild = await build?.catch(async (e) => {
    await stopAll();
    throw new Error(`test harness could not build the sources: ${e}`);
  });
  return async () => {
    await stopAll();
    await removeBuild?.();
  };
}

// Provided values cross to the test workers as data: leave out stop().
function mariadbInfo({ host, port, user, password, database, url }: MariadbInstance): MariadbInfo {
  return { host, port, user, password, database, url };
}
