import { isIP } from 'node:net';
import type { EnvoyJson } from '../../envoy-schema/index.js';
import { TypeUrl } from '../../proto/xds.js';
import { durationMs, type FrontSpec, type Notes, onlyFields, Unrenderable } from './model.js';

const HCM = 'envoy.filters.network.http_connection_manager';
const ROUTER = 'envoy.filters.http.router';
const EXT_PROC = 'envoy.filters.http.ext_proc';

/** A listener with an HTTP connection manager whose routes come over RDS, as Nginx servers. */
export function frontOf(listener: EnvoyJson, notes: Notes): FrontSpec {
  const name = String(listener.name);
  const fail = (reason: string): never => {
    throw new Unrenderable(TypeUrl.listener, name, reason);
  };
  if (listener.api_listener) fail('an API listener (for proxyless gRPC clients) has no address to serve');
  onlyFields(listener, ['name', 'address', 'filter_chains', 'per_connection_buffer_limit_bytes'], '', fail);
  const socket = (listener.address as EnvoyJson | undefined)?.socket_address as EnvoyJson | undefined;
  if (!socket || socket.port_value === undefined || isIP(String(socket.address)) === 0) fail('no IP socket address and port');
  const chains = (listener.filter_chains ?? []) as EnvoyJson[];
  if (chains.length !== 1) fail(`${chains.length} filter chains (one is rendered)`);
  onlyFields(chains[0]!, ['filters'], 'filter chain ', fail);
  const filters = (chains[0]!.filters ?? []) as EnvoyJson[];
  if (filters.length !== 1 || filters[0]!.name !== HCM) fail(`network filters other than the HTTP connection manager`);
  const hcm = (filters[0]!.typed_config ?? {}) as EnvoyJson;
  onlyFields(
    hcm,
    ['@type', 'stat_prefix', 'codec_type', 'rds', 'http_filters', 'common_http_protocol_options', 'http2_protocol_options'],
    'HTTP connection manager ',
    fail,
  );
  const rds = hcm.rds as EnvoyJson | undefined;
  if (!rds?.route_config_name) fail('routes not from RDS');
  httpFilters((hcm.http_filters ?? []) as EnvoyJson[], notes, fail);
  if (hcm.codec_type === 'AUTO' || hcm.codec_type === undefined)
    notes.add(
      'codec AUTO: Nginx 1.22 serves gRPC (HTTP/2) on the front port and REST (HTTP/1.1) on a second port, or both on one TLS port',
    );
  const common = (hcm.common_http_protocol_options ?? {}) as EnvoyJson;
  onlyFields(common, ['idle_timeout'], 'common HTTP protocol options ', fail);
  const http2 = (hcm.http2_protocol_options ?? {}) as EnvoyJson;
  onlyFields(http2, ['max_concurrent_streams'], 'HTTP/2 options ', fail);
  return {
    name,
    address: String(socket!.address),
    port: Number(socket!.port_value),
    routeConfig: String(rds!.route_config_name),
    maxBodyBytes: Number(listener.per_connection_buffer_limit_bytes ?? 0),
    idleTimeoutMs: common.idle_timeout === undefined ? undefined : durationMs(common.idle_timeout),
    maxConcurrentStreams: http2.max_concurrent_streams === undefined ? undefined : Number(http2.max_concurrent_streams),
  };
}

/**
 * The router last, and before it only the ext_proc filter, which Nginx has no counterpart for:
 * the REST paths it processes reach their route's cluster directly, where Mishards'
 * coordinators answer them with the same bytes (docs/rest.md).
 */
function httpFilters(filters: EnvoyJson[], notes: Notes, fail: (reason: string) => never): void {
  if (filters.at(-1)?.name !== ROUTER) fail('the router is not the last HTTP filter');
  for (const f of filters.slice(0, -1)) {
    if (f.name !== EXT_PROC) fail(`HTTP filter ${String(f.name)}`);
    notes.add("ext_proc: Nginx has no external processing; the coordinators' REST port answers the paths it would process");
  }
}
