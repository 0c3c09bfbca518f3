/** Milvus `common.KeyValuePair` lists (params, properties) as a map; a missing list is empty. */
export const keyValueMap = (pairs: { key: string; value: string }[] | undefined): Map<string, string> =>
  new Map((pairs ?? []).map((p) => [p.key, p.value] as const));
