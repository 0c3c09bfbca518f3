/** Milvus `common.KeyValuePair` lists (params, properties) as a map; a missing list is empty. */
export const keyValueMap = (pairs: { key: string; value: string }[] | undefined): Map<string, string> =>
  new Map((pairs ?? []).map((p) => [p.key, p.value] as const));

/** Whether a pair's value is true as Go's strconv.ParseBool reads it (Milvus reads its flags so; anything else is false). */
export const isGoTrue = (v: string | undefined): boolean => v !== undefined && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);
