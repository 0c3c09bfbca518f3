import { parseServerOptions, type ServerOptions } from '../../cli/options.js';

/**
 * Parses deployment settings as the executable would, strictly: each MISHARDS_<OPTION> becomes
 * its flag `--option`, so an unknown option or a bad value fails, where the executable itself
 * would ignore an unknown variable. `args` are flags given on the command line.
 */
export function parseSettings(env: Record<string, string>, args: string[] = []): ServerOptions {
  const flags = Object.entries(env).flatMap(([name, value]) => {
    if (!name.startsWith('MISHARDS_')) throw new Error(`${name} is not a Mishards setting`);
    return [`--${name.slice('MISHARDS_'.length).toLowerCase().replace(/_/g, '-')}`, value];
  });
  return parseServerOptions([...flags, ...args], {});
}
