import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Certificates made at test time with openssl, in a temporary directory (never committed): a
 * CA, the cluster's certificate it signed (for 127.0.0.1 and localhost, usable by servers and
 * as a client), a client certificate it signed for an SDK user, and a rogue CA's certificate
 * that no listener may accept.
 */
export interface KeyPair {
  cert: string;
  key: string;
}

export interface TestCertificates {
  dir: string;
  /** The CA's certificate file. */
  ca: string;
  /** The cluster's certificate and key (--tls-cert, --tls-key). */
  node: KeyPair;
  /** An SDK user's client certificate, signed by the CA. */
  client: KeyPair;
  /** A certificate signed by another CA. */
  rogue: KeyPair;
  remove(): void;
}

const openssl = (dir: string, ...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function authority(dir: string, name: string): void {
  openssl(
    dir,
    'req',
    '-x509',
    ...EC,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
}

function signed(dir: string, name: string, ca: string, cn: string): KeyPair {
  writeFileSync(join(dir, `${name}.ext`), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
  openssl(dir, 'req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  );
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

export function makeCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'mishards-certs-'));
  authority(dir, 'ca');
  authority(dir, 'rogue-ca');
  return {
    dir,
    ca: join(dir, 'ca.crt'),
    node: signed(dir, 'node', 'ca', 'localhost'),
    client: signed(dir, 'client', 'ca', 'sdk-user'),
    rogue: signed(dir, 'rogue', 'rogue-ca', 'localhost'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** What a client trusts and presents over TLS: file paths. */
export interface ClientTls {
  ca?: string;
  cert?: string;
  key?: string;
}

const tlsOptions = (t: ClientTls) => ({
  ...(t.ca ? { ca: readFileSync(t.ca) } : {}),
  ...(t.cert ? { cert: readFileSync(t.cert) } : {}),
  ...(t.key ? { key: readFileSync(t.key) } : {}),
});

/** One HTTPS request; rejects when the TLS handshake or the connection fails. */
export function httpsRequest(
  url: string,
  t: ClientTls,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: init.method ?? 'GET', headers: init.headers ?? {}, ...tlsOptions(t) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A `fetch` over HTTPS with a client's certificates, for the SDK's HttpClient. */
export function tlsFetch(t: ClientTls): typeof fetch {
  return (async (url: string | URL, init: RequestInit = {}) => {
    const { status, text } = await httpsRequest(String(url), t, {
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      ...(typeof init.body === 'string' ? { body: init.body } : {}),
    });
    return new Response(text, { status });
  }) as typeof fetch;
}
