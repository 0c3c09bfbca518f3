import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The one command that provides every binary the harness runs (Debian packages). */
export const INSTALL_COMMAND = 'apt-get update && apt-get install -y etcd-server mariadb-server prometheus chromium';

// Debian installs mariadbd in /usr/sbin, which many non-root PATHs leave out.
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** Absolute path of an executable, or an error that says how to install it. */
export function findBinary(name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SBIN_DIRS];
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${name} is not installed (looked in PATH and ${SBIN_DIRS.join(', ')}). Install it with: ${INSTALL_COMMAND}`);
}
