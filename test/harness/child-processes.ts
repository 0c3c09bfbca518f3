import { readdir, readFile } from 'node:fs/promises';

/** Direct children of a process (Linux /proc: every thread's children list). */
export async function childPids(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`);
  const lists = await Promise.all(tasks.map((t) => readFile(`/proc/${pid}/task/${t}/children`, 'utf8').catch(() => '')));
  return lists.flatMap((l) => l.split(' ').filter(Boolean).map(Number));
}

/** A process's command line. */
const argvOf = async (pid: number): Promise<string[]> => (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');

/** The `mishards` subcommand a process runs (`writer`, `reader`, `coordinator`). */
export async function roleOf(pid: number): Promise<string> {
  const argv = await argvOf(pid);
  return argv[argv.findIndex((a) => a.endsWith('mishards.js')) + 1] ?? '';
}

/** The value of a process's `--group` option (a reader's group), or undefined. */
export async function groupOf(pid: number): Promise<string | undefined> {
  const argv = await argvOf(pid);
  const i = argv.indexOf('--group');
  return i < 0 ? undefined : argv[i + 1];
}

/** The children of a `mishards up` process with their roles. */
export async function clusterProcesses(upPid: number): Promise<{ role: string; pid: number }[]> {
  return Promise.all((await childPids(upPid)).map(async (pid) => ({ role: await roleOf(pid), pid })));
}
