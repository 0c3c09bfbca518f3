import { execFile } from 'node:child_process';

/**
 * `nginx -t` on a configuration: resolves when Nginx accepts it, rejects with Nginx's own
 * words (its [emerg] lines) when not. `args` name the configuration (-c, -p).
 */
export function testConfig(binary: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(binary, ['-t', '-q', ...args], { timeout: 30_000 }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const lines = stderr
        .split('\n')
        .filter((l) => /\[(emerg|alert|crit|error)\]/.test(l))
        .map((l) => l.replace(/^.*?\[(emerg|alert|crit|error)\] \d+#\d+: /, ''));
      reject(new Error(`nginx -t: ${lines.join('; ') || stderr.trim() || error.message}`));
    });
  });
}
