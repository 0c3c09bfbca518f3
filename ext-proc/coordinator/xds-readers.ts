import { hostname } from 'node:os';
import * as xds from '@grpc/grpc-js-xds';

/**
 * Reader groups reached through the xDS control plane: a search sub-request for group G goes
 * to `xds:///mishards-reader-G`, and gRPC's xDS client picks the replica from the endpoints,
 * health and operator routes the control plane serves. The bootstrap names the control plane;
 * an operator's own GRPC_XDS_BOOTSTRAP or GRPC_XDS_BOOTSTRAP_CONFIG wins over `--xds`.
 */
export function enableXdsReaders(adsAddress: string): (group: string) => string {
  if (!process.env.GRPC_XDS_BOOTSTRAP && !process.env.GRPC_XDS_BOOTSTRAP_CONFIG) {
    process.env.GRPC_XDS_BOOTSTRAP_CONFIG = JSON.stringify({
      xds_servers: [{ server_uri: adsAddress, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
      // grpc-js requires a locality, though Mishards has no zones.
      node: { id: `coordinator-${hostname()}-${process.pid}`, cluster: 'mishards-coordinator', locality: {} },
    });
  }
  xds.register();
  return (group) => `xds:///mishards-reader-${group}`;
}
