import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { PEERS_PATH } from '../render/render.js';
import type { ServerSpec } from '../render/model.js';

/** Where `mishards_balancer.lua` lives: Nginx's `lua_package_path` points here. */
export const LUA_PACKAGE_DIR = fileURLToPath(new URL('.', import.meta.url)).replace(/\/$/, '');

/** The peers as the balancer reads them: one line per upstream, `ip:port[*weight]` each. */
export function peersText(peers: ReadonlyMap<string, readonly ServerSpec[]>): string {
  return [...peers]
    .map(([name, servers]) =>
      [name, ...servers.map((s) => `${s.ip.includes(':') ? `[${s.ip}]` : s.ip}:${s.port}${s.weight === 1 ? '' : `*${s.weight}`}`)].join(
        ' ',
      ),
    )
    .join('\n');
}

/** Replaces the balancer's peers through the admin socket; rejects with Nginx's answer when it fails. */
export function pushPeers(socketPath: string, text: string, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: PEERS_PATH, method: 'PUT', timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () =>
        res.statusCode === 200 ? resolve() : reject(new Error(`Nginx refused the peers: ${res.statusCode} ${body.trim()}`)),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`Nginx did not take the peers within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(text);
  });
}
