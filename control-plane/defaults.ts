import type { ControlPlaneOptions } from './server.js';

/**
 * The control plane's settings besides etcd and its own ports. The front listener takes the
 * Milvus port; the ext_proc message timeout is one second above the REST API's default
 * deadline (30 s), so Mishards' own JSON error arrives before Envoy's 504, and REST bodies
 * are accepted up to 64 MiB, the processor's limit (docs/ext-proc.md).
 */
export const CONTROL_PLANE_DEFAULTS: Omit<ControlPlaneOptions, 'etcd' | 'prefix' | 'host' | 'port' | 'metricsPort' | 'log'> = {
  front: { address: '0.0.0.0', port: 19530, messageTimeoutMs: 31_000, maxBodyBytes: 64 * 1024 * 1024, requestTimeoutMs: 60_000 },
  debounceMs: 20,
  maxDebounceMs: 100,
  health: { intervalMs: 5000, timeoutMs: 1000, unhealthyThreshold: 2 },
  guard: { maxRemovedFraction: 0.5, minEndpoints: 4, holdMs: 30_000 },
};

/** The ADS port when --port is not given: the control-plane convention, clear of Milvus's. */
export const DEFAULT_ADS_PORT = 18000;
