import { type ChildProcess, spawn } from 'node:child_process';

/**
 * The server runs under a tiny `sh` watchdog whose stdin is a pipe from this Node process.
 * When that pipe closes, the watchdog sends the server `signal`, then (if given) deletes
 * `removeDir`. The kernel closes the pipe whenever this process ends, however it ends
 * (a clean stop, an uncaught error, even SIGKILL), so a private server and its files never
 * outlive their owner, and no signal handlers are needed. The shell's own stderr goes to
 * /dev/null: once Node is gone, its "Killed" job notice would hit a closed pipe and SIGPIPE
 * would end the shell before it cleans up. The server's stdout and stderr are the child's.
 */
const WATCHDOG = `
signal=$1
dir=$2
shift 2
exec 3<&0 4>&2 2>/dev/null
"$@" </dev/null 2>&4 3<&- 4>&- &
server=$!
{ read -r _ <&3; kill -"$signal" "$server" 2>/dev/null; } &
watcher=$!
wait "$server"
status=$?
kill "$watcher" 2>/dev/null
[ -n "$dir" ] && rm -rf "$dir"
exit "$status"
`;

export interface WatchdogOptions {
  /** What the server gets when its owner goes (KILL for disposable servers, TERM to let it stop). */
  signal: 'KILL' | 'TERM' | 'QUIT';
  /** A directory the server owns, deleted once it has exited. */
  removeDir?: string;
}

/**
 * Spawns `command` under the watchdog. Ending the child's stdin (`child.stdin.end()`) stops
 * the server as the owner's death would; the child exits once the server has.
 */
export function spawnWatched(command: string, args: readonly string[], o: WatchdogOptions): ChildProcess {
  return spawn('/bin/sh', ['-c', WATCHDOG, 'watchdog', o.signal, o.removeDir ?? '', command, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}
