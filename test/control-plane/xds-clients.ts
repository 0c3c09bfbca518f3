import * as grpc from '@grpc/grpc-js';
import * as xds from '@grpc/grpc-js-xds';
import { HealthService } from '../../proto/health.js';
import { loadEnvoyService } from '../../proto/envoy-protos.js';
import { SERVED_BY_HEADER } from '../../runtime/health.js';

/**
 * Proxyless gRPC clients of the control plane: real @grpc/grpc-js-xds channels, each with its
 * own bootstrap (node id, ADS server), so one test process holds several xDS clients.
 */
xds.register();

const BOOTSTRAP_OPTION = 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config';

export function bootstrap(adsAddress: string, nodeId: string): string {
  return JSON.stringify({
    xds_servers: [{ server_uri: adsAddress, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
    node: { id: nodeId, cluster: 'mishards-tests', locality: { zone: 'test' } },
  });
}

/** A grpc.health.v1 client of `xds:///<listener>`, as node `nodeId`. */
export function xdsHealthClient(adsAddress: string, nodeId: string, listener: string): grpc.Client & Record<string, any> {
  return new HealthService(`xds:///${listener}`, grpc.credentials.createInsecure(), {
    [BOOTSTRAP_OPTION]: bootstrap(adsAddress, nodeId),
  }) as any;
}

/** One Health/Check; resolves with the address of the process that answered. */
export function servedBy(client: grpc.Client & Record<string, any>, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    let by = '';
    const call = client.Check({ service: '' }, { deadline: Date.now() + timeoutMs }, (err: grpc.ServiceError | null) =>
      err ? reject(err) : resolve(by),
    );
    call.on('metadata', (md: grpc.Metadata) => (by = String(md.get(SERVED_BY_HEADER)[0] ?? '')));
  });
}

/** Counts of answering processes over `n` sequential calls. */
export async function spread(client: grpc.Client & Record<string, any>, n: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const by = await servedBy(client);
    counts.set(by, (counts.get(by) ?? 0) + 1);
  }
  return counts;
}

const CsdsService = loadEnvoyService('envoy/service/status/v3/csds.proto', 'envoy.service.status.v3.ClientStatusDiscoveryService', true);

export interface ResourceStatus {
  nodeId: string;
  typeUrl: string;
  name: string;
  status: string;
  version: string;
  error?: string;
  /** The ACKed resource as the client holds it (encoded). */
  raw?: Buffer;
}

/**
 * This process's xDS clients as CSDS reports them: grpc-js-xds serves CSDS as an admin
 * service, so a server with the admin services answers for every client in the process.
 */
export async function startCsds(): Promise<{ fetch(): Promise<ResourceStatus[]>; close(): void }> {
  const server = new grpc.Server();
  grpc.addAdminServicesToServer(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  const client = new CsdsService(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as any;
  return {
    fetch: () =>
      new Promise((resolve, reject) =>
        client.FetchClientStatus({}, (err: Error | null, res: any) => {
          if (err) return reject(err);
          resolve(
            res.config.flatMap((c: any) =>
              c.generic_xds_configs.map((g: any) => ({
                nodeId: c.node.id,
                typeUrl: g.type_url,
                name: g.name,
                status: g.client_status,
                version: g.version_info,
                ...(g.error_state ? { error: g.error_state.details } : {}),
                ...(g.xds_config ? { raw: g.xds_config.value } : {}),
              })),
            ),
          );
        }),
      ),
    close() {
      client.close();
      server.forceShutdown();
    },
  };
}
