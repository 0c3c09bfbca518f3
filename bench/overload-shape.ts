/** What bench:overload and its heavy client (overload-heavy-client.ts) agree on. */
export const COLLECTION = 'overload';
export const DIM = 32;
/** Query vectors of a heavy search: the nq. */
export const HEAVY_NQ = 10_000;

/** `nq` query vectors of a large search. */
export const queryVectors = (nq: number): number[][] =>
  Array.from({ length: nq }, (_, i) => Array.from({ length: DIM }, (_, j) => Math.cos(i * 0.37 + j * 1.1)));

/** The heavy searches' query vectors. */
export const heavyQueries = (): number[][] => queryVectors(HEAVY_NQ);

/** What the heavy client is asked to search, and what it answers. */
export interface HeavySearch {
  limit: number;
  timeoutMs: number;
}
export interface HeavyOutcome {
  /** The status's code and reason, or the gRPC error. */
  outcome: string;
  ms: number;
}
