/** Milvus timestamps are hybrid: physical milliseconds shifted left by 18 logical bits. */
export const hybridTs = (ms: number): string => (BigInt(ms) << 18n).toString();

/** The physical milliseconds of a hybrid timestamp (an empty one is 0). */
export const physicalMs = (ts: string): number => Number(BigInt(ts || '0') >> 18n);
