import { findExecutable, SBIN_DIRS } from '../../runtime/executables.js';

/** The one command that provides every binary the harness runs (Debian packages). */
export const INSTALL_COMMAND =
  'apt-get update && apt-get install -y etcd-server mariadb-server prometheus chromium nginx libnginx-mod-http-lua';

/** Absolute path of an executable, or an error that says how to install it. */
export function findBinary(name: string): string {
  const path = findExecutable(name);
  if (!path) throw new Error(`${name} is not installed (looked in PATH and ${SBIN_DIRS.join(', ')}). Install it with: ${INSTALL_COMMAND}`);
  return path;
}
