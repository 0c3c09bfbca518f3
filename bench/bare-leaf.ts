/**
 * A bare unary server (bench/bare-unary.ts) that answers every call with `argv[2]` zero bytes;
 * it reports its port to the parent process once serving.
 */
import { serveBare } from './bare-unary.js';

const answer = Buffer.alloc(Number(process.argv[2]));
process.send!(await serveBare(async () => answer));
