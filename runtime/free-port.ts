import { createServer, type AddressInfo } from 'node:net';

/**
 * A TCP port on `host` that was free when we asked the kernel for it: for servers that must be
 * told a port up front (Nginx cannot listen on port 0 and report it).
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
