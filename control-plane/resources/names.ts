/**
 * xDS resource names, the contract with Envoy's front listener and with proxyless gRPC
 * clients (`xds:///mishards-coordinator`): a listener, its route configuration and its
 * default cluster share one name.
 */

export { FRONT_LISTENER } from '../../cluster/front-contract.js';
export const COORDINATOR = 'mishards-coordinator';
export const WRITER = 'mishards-writer';
/** The coordinators' REST port: where the front Envoy sends the Milvus REST API. */
export const COORDINATOR_HTTP = 'mishards-coordinator-http';

export function readerGroupName(group: string): string {
  return `mishards-reader-${group}`;
}

/** The ext_proc filter's name, the key of its per-route settings. */
export const EXT_PROC_FILTER = 'envoy.filters.http.ext_proc';

export const ROUTER_FILTER = {
  name: 'envoy.filters.http.router',
  typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' },
};

/** Every dynamic resource comes over the same ADS stream. */
export const ADS_CONFIG_SOURCE = { ads: {}, resource_api_version: 'V3' };

export const HCM_TYPE = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
