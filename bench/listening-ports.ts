/**
 * The TCP ports a process listens on (Linux /proc): how the cluster benchmark finds the
 * metrics port of each child of `mishards up`, which reports only the coordinator's.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';

const LISTEN = '0A';

/** Socket inodes of the process's open file descriptors. */
async function socketInodes(pid: number): Promise<Set<string>> {
  const fds = await readdir(`/proc/${pid}/fd`);
  const links = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
  return new Set(links.flatMap((l) => /^socket:\[(\d+)\]$/.exec(l)?.[1] ?? []));
}

/** Ports of the listening sockets among `inodes` in one /proc/<pid>/net/tcp{,6} table. */
function listeningIn(table: string, inodes: Set<string>): number[] {
  return table
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[3] === LISTEN && inodes.has(f[9] ?? ''))
    .map((f) => Number.parseInt(f[1]!.split(':')[1]!, 16));
}

export async function listeningPorts(pid: number): Promise<number[]> {
  const inodes = await socketInodes(pid);
  const tables = await Promise.all(['tcp', 'tcp6'].map((t) => readFile(`/proc/${pid}/net/${t}`, 'utf8').catch(() => '')));
  return [...new Set(tables.flatMap((t) => listeningIn(t, inodes)))];
}
