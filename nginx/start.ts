import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { FRONT_LISTENER } from '../cluster/front-contract.js';
import { MetricsServer } from '../runtime/metrics-server.js';
import { NginxAgent, type NginxTarget } from './agent.js';
import { PrivateNginx } from './apply/private-nginx.js';
import { SystemNginx } from './apply/system-nginx.js';
import { LUA_PACKAGE_DIR } from './lua/peers.js';
import { privateMainConfig } from './render/main.js';

export type BalancerMode = 'reload' | 'lua';

export interface NginxAgentConfig {
  /** The control plane's ADS address. */
  xds: string;
  nodeId: string;
  /** The agent's own metrics and status (`/nginx/status`) listen here (loopback by default, docs/security.md). */
  metricsHost: string;
  metricsPort: number;
  /** Without TLS, the REST server's port (default: the front port + 1). */
  restPort: number | undefined;
  tls: { certificate: string; key: string } | undefined;
  mode: BalancerMode;
  /** load_module paths for Lua mode (found by nginx/lua/modules.ts). */
  luaModules: string[];
  binary: string;
  /** The agent's directory: the private Nginx's prefix, the Lua admin socket. */
  dir: string;
  /** An operator's Nginx instead of a private one: the include file the agent owns, its main configuration. */
  include: { file: string; mainConfig: string | undefined } | undefined;
  debounceMs: number;
  maxDebounceMs: number;
  log: Logger;
  /** The private Nginx exited on its own: the agent cannot serve without it. */
  onNginxExit: (reason: string) => void;
}

/** How long the first configuration waits for every cluster's endpoints. */
const WARMUP_MS = 5000;

/**
 * Starts the agent: its metrics, the ADS session, and Nginx (a private one, or the
 * operator's through an include file). Resolves once Nginx serves the first configuration,
 * with the proxy's addresses.
 */
export async function startNginxAgent(
  c: NginxAgentConfig,
): Promise<{ grpc: string; http: string; metrics: string; stop(): Promise<void> }> {
  const dir = resolve(c.dir);
  await mkdir(dir, { recursive: true });
  const lua = c.mode === 'lua' ? { packageDir: LUA_PACKAGE_DIR, adminSocket: join(dir, 'admin.sock') } : undefined;
  let target: NginxTarget;
  let wrap: (http: string) => string;
  let running: () => boolean;
  if (c.include) {
    const system = new SystemNginx({ binary: c.binary, includeFile: resolve(c.include.file), mainConfig: c.include.mainConfig });
    target = system;
    wrap = (http) => http;
    running = () => true;
  } else {
    const nginx = new PrivateNginx({ binary: c.binary, prefix: dir, log: c.log });
    nginx.on('exit', (reason) => c.onNginxExit(`nginx ${reason}`));
    target = nginx;
    const settings = { prefix: dir, modules: lua ? c.luaModules : [], runAsRoot: process.getuid?.() === 0 };
    wrap = (http) => privateMainConfig(http, settings);
    running = () => nginx.running;
  }
  const metrics = new MetricsServer('nginx-agent');
  const agent = new NginxAgent({
    xds: c.xds,
    nodeId: c.nodeId,
    render: { listener: FRONT_LISTENER, restPort: c.restPort, tls: c.tls, lua },
    wrap,
    target,
    debounceMs: c.debounceMs,
    maxDebounceMs: c.maxDebounceMs,
    warmupMs: WARMUP_MS,
    metrics,
    log: c.log,
  });
  agent.start();
  let configured = false;
  const metricsAddress = await metrics.listen({ host: c.metricsHost, port: c.metricsPort, healthy: () => configured && running() });
  try {
    const first = await agent.ready;
    configured = true;
    c.log.info({ grpc: first.grpc, rest: first.rest, mode: c.mode }, 'Nginx serves the snapshot');
    return {
      grpc: first.grpc,
      http: first.rest,
      metrics: metricsAddress,
      async stop() {
        await agent.stop();
        await metrics.close();
      },
    };
  } catch (e) {
    await agent.stop();
    await metrics.close();
    throw e;
  }
}
