import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

// Debian installs daemons (mariadbd, nginx) in /usr/sbin, which many non-root PATHs leave out.
export const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** Absolute path of an executable found in PATH or the sbin directories, or undefined. */
export function findExecutable(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SBIN_DIRS]) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
