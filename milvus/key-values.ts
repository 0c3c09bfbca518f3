/** Milvus `common.KeyValuePair` lists (params, properties) as a map; a missing list is empty. */
export const keyValueMap = (pairs: { key: string; value: string }[] | undefined): Map<string, string> =>
  new Map((pairs ?? []).map((p) => [p.key, p.value] as const));

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/**
 * A boolean parameter as Milvus reads one (Go's strconv.ParseBool): absent or empty is false;
 * anything but the spellings of true and false is refused naming the key.
 */
export function boolParam(pairs: Map<string, string>, key: string, invalid: (message: string) => Error): boolean {
  const raw = pairs.get(key);
  if (raw === undefined || raw === '' || FALSE.has(raw)) return false;
  if (TRUE.has(raw)) return true;
  throw invalid(`${key} [${raw}] is invalid: expected true or false`);
}

/** Whether a pair's value is true as Go's strconv.ParseBool reads it (Milvus reads its flags so; anything else is false). */
export const isGoTrue = (v: string | undefined): boolean => v !== undefined && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);
