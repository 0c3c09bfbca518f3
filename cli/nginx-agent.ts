import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { findLuaModules } from '../nginx/lua/modules.js';
import type { NginxAgentConfig } from '../nginx/start.js';
import { findExecutable } from '../runtime/executables.js';
import { type ServerOptions, UsageError } from './options.js';

/** The install command of what the agent runs (Debian packages). */
export const NGINX_PACKAGES = 'apt-get install -y nginx libnginx-mod-http-lua';

/**
 * Why the agent takes no CA, and `up --nginx` no TLS (docs/nginx.md, "TLS"): the agent's
 * Nginx serves clients over TLS with --tls-cert/--tls-key, but it dials the coordinators in
 * plaintext and the agent reaches the control plane's ADS port in plaintext, so it cannot
 * join a cluster whose processes serve TLS only.
 */
export const NGINX_NO_MUTUAL_TLS =
  'nginx-agent: no --tls-ca: the agent speaks plaintext to the control plane and its Nginx to the coordinators, so it cannot join a cluster with mutual TLS; put Envoy in front of one (envoy/bootstrap-ads-tls.yaml)';
export const NGINX_NO_CLUSTER_TLS =
  'up --nginx cannot be combined with --tls-cert/--tls-key/--tls-ca: the agent speaks plaintext to the control plane and its Nginx to the coordinators; with TLS, use Envoy in front (envoy/bootstrap-ads-tls.yaml)';

/**
 * `mishards nginx-agent` flags as the agent's configuration. Lua mode is the default where
 * the Lua module is installed (docs/nginx.md, "Reload or Lua").
 */
export function nginxAgentConfig(o: ServerOptions, log: Logger): NginxAgentConfig {
  if (!o.xds) throw new UsageError('nginx-agent needs --xds HOST:PORT (the control plane)');
  const binary = o.nginxBin ?? findExecutable('nginx');
  if (!binary) throw new UsageError(`nginx-agent needs nginx: ${NGINX_PACKAGES}, or --nginx-bin PATH`);
  const luaModules = findLuaModules();
  if (o.nginxMode === 'lua' && !luaModules) throw new UsageError(`--nginx-mode lua needs the Lua module: ${NGINX_PACKAGES}`);
  if (o.nginxConf && !o.nginxInclude) throw new UsageError('--nginx-conf goes with --nginx-include');
  if (o.tls.ca) throw new UsageError(NGINX_NO_MUTUAL_TLS);
  return {
    xds: o.xds,
    nodeId: o.name ?? `nginx-${hostname()}-${process.pid}`,
    metricsHost: o.metricsHost,
    metricsPort: o.metricsPort,
    restPort: o.httpPort,
    tls: o.tls.cert && o.tls.key ? { certificate: o.tls.cert, key: o.tls.key } : undefined,
    mode: o.nginxMode === 'auto' ? (luaModules ? 'lua' : 'reload') : o.nginxMode,
    luaModules: luaModules ?? [],
    binary,
    dir: join(o.dataDir, 'nginx'),
    include: o.nginxInclude ? { file: o.nginxInclude, mainConfig: o.nginxConf } : undefined,
    debounceMs: o.debounceMs,
    maxDebounceMs: Math.max(1000, o.debounceMs),
    log,
    onNginxExit: (reason) => {
      log.fatal({ reason }, 'the private Nginx stopped; the agent stops with it');
      process.exit(1);
    },
  };
}
