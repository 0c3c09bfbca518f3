import type { EnvoyJson } from '../../envoy-schema/index.js';

/**
 * Envoy's side of the cluster's TLS: the certificate, key and CA files of the control plane's
 * own --tls-* options, which Envoy reads at the same paths (a shared mount). The front
 * listener serves Milvus clients over TLS, requiring a client certificate the CA signed when
 * there is one; every cluster dials the Mishards processes over TLS, presenting the same
 * certificate, as their listeners require with mutual TLS.
 */
export interface EnvoyTlsFiles {
  cert: string;
  key: string;
  /** Mutual TLS: clients must present a certificate it signed; upstreams are verified against it. */
  ca?: string;
}

const TLS_SOCKET = 'envoy.transport_sockets.tls';
const TLS_TYPES = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3';

const certificates = (f: EnvoyTlsFiles) => [{ certificate_chain: { filename: f.cert }, private_key: { filename: f.key } }];

/** The front listener's DownstreamTlsContext: gRPC (h2) and REST (HTTP/1.1) clients. */
export function downstreamTls(f: EnvoyTlsFiles): EnvoyJson {
  return {
    name: TLS_SOCKET,
    typed_config: {
      '@type': `${TLS_TYPES}.DownstreamTlsContext`,
      common_tls_context: {
        tls_certificates: certificates(f),
        alpn_protocols: ['h2', 'http/1.1'],
        ...(f.ca ? { validation_context: { trusted_ca: { filename: f.ca } } } : {}),
      },
      ...(f.ca ? { require_client_certificate: true } : {}),
    },
  };
}

/**
 * A cluster's UpstreamTlsContext: the processes' certificates are verified against the CA
 * (or, without one, against the shared certificate itself).
 */
export function upstreamTls(f: EnvoyTlsFiles, alpn: string): EnvoyJson {
  return {
    name: TLS_SOCKET,
    typed_config: {
      '@type': `${TLS_TYPES}.UpstreamTlsContext`,
      common_tls_context: {
        tls_certificates: certificates(f),
        alpn_protocols: [alpn],
        validation_context: { trusted_ca: { filename: f.ca ?? f.cert } },
      },
    },
  };
}
