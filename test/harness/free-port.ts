import { freePort } from '../../runtime/free-port.js';

/** N port numbers, as a tuple of that length. */
type Ports<N extends number, Acc extends number[] = []> = Acc['length'] extends N ? Acc : Ports<N, [...Acc, number]>;

/**
 * Runs `launch` with `count` distinct free ports. Another process can take a port between
 * our probe and the server's bind, so a launch that fails with "address already in use"
 * is retried on fresh ports instead of failing the test run.
 */
export async function withFreePorts<N extends number, T>(count: N, launch: (ports: Ports<N>) => Promise<T>): Promise<T> {
  const attempts = 3;
  for (let attempt = 1; ; attempt++) {
    const ports = new Set<number>();
    while (ports.size < count) ports.add(await freePort());
    try {
      return await launch([...ports] as Ports<N>);
    } catch (err) {
      if (attempt >= attempts || !/address already in use/i.test(String(err))) throw err;
    }
  }
}
