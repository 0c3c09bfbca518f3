/**
 * One party of the grpc-js floor (bench/grpc-floor.ts), forked by it:
 *   leaf <answerBytes>               answers every call with a fixed buffer;
 *   relay <answerBytes> <port>...    calls every leaf in parallel, then answers.
 * Sends its port to the parent once serving.
 */
import { call, connect, serve } from './grpc-floor.js';

const [role, answerBytes, ...leafPorts] = process.argv.slice(2);
const answer = Buffer.alloc(Number(answerBytes));

if (role === 'leaf') {
  process.send!(await serve(async () => answer));
} else if (role === 'relay') {
  const leaves = leafPorts.map((p) => connect(Number(p)));
  process.send!(
    await serve(async (req) => {
      await Promise.all(leaves.map((l) => call(l, req)));
      return answer;
    }),
  );
} else {
  throw new Error(`floor-party: unknown role ${role}`);
}
