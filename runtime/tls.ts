import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { checkServerIdentity } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { certificateHost } from './server-names.js';

/**
 * TLS for every listener and every internal hop of a process, from the files of
 * `--tls-cert`, `--tls-key` and `--tls-ca`. With a CA, TLS is mutual: a listener requires a
 * client certificate the CA signed, and the process presents its own certificate when it
 * calls another (coordinator to readers and writer, reader to writer, control plane to the
 * processes it checks). Without a CA, listeners accept any client and a process trusts the
 * peers it calls by its own certificate (one certificate shared by the cluster) and the
 * system's roots. The files are read once, at start: to rotate, replace them and restart the
 * processes one at a time (docs/security.md).
 */
export interface TlsPaths {
  cert?: string | undefined;
  key?: string | undefined;
  ca?: string | undefined;
}

export interface Tls {
  /** The files, for what must name them (Envoy's configuration). */
  paths: { cert: string; key: string; ca?: string };
  cert: Buffer;
  key: Buffer;
  /** Present: clients must show a certificate it signed (mTLS). */
  ca: Buffer | undefined;
}

/** The process's TLS, or undefined when none is configured; throws on an incomplete or unreadable configuration. */
export function loadTls(paths: TlsPaths): Tls | undefined {
  if (!paths.cert && !paths.key && !paths.ca) return undefined;
  if (!paths.cert || !paths.key) throw new Error('TLS needs both --tls-cert and --tls-key (and --tls-ca for mutual TLS)');
  const read = (flag: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (e) {
      throw new Error(`--${flag} ${path}: ${(e as Error).message}`);
    }
  };
  return {
    paths: { cert: paths.cert, key: paths.key, ...(paths.ca ? { ca: paths.ca } : {}) },
    cert: read('tls-cert', paths.cert),
    key: read('tls-key', paths.key),
    ca: paths.ca ? read('tls-ca', paths.ca) : undefined,
  };
}

/** What a gRPC listener binds with: TLS (requiring a client certificate with a CA), or plaintext. */
export function serverCredentials(tls: Tls | undefined): grpc.ServerCredentials {
  if (!tls) return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(tls.ca ?? null, [{ cert_chain: tls.cert, private_key: tls.key }], tls.ca !== undefined);
}

/**
 * What a process dials its peers with: TLS presenting its own certificate, or plaintext. The
 * server's certificate must name the host dialled (that of the writer leader for a target that
 * follows it: runtime/server-names.ts).
 */
export function channelCredentials(tls: Tls | undefined): grpc.ChannelCredentials {
  if (!tls) return grpc.credentials.createInsecure();
  return grpc.credentials.createSsl(tls.ca ?? tls.cert, tls.key, tls.cert, {
    checkServerIdentity: (authority, cert) => checkServerIdentity(certificateHost(authority), cert),
  });
}

/** An HTTP listener (REST, metrics): HTTPS with the same rules as the gRPC ones, or plain HTTP. */
export function createHttpServer(tls: Tls | undefined, handler: http.RequestListener): http.Server {
  if (!tls) return http.createServer(handler);
  return https.createServer(
    { cert: tls.cert, key: tls.key, ...(tls.ca ? { ca: tls.ca, requestCert: true, rejectUnauthorized: true } : {}) },
    handler,
  );
}
