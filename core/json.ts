/**
 * JSON for stored values that may hold bigints: an Int64 field's default value in a
 * collection schema is a bigint, which JSON.stringify rejects. A bigint is written as
 * {"$bigint":"<decimal>"} and read back as the same bigint. No stored object can clash with
 * the tag: schemas hold only fixed-shape objects, properties only strings.
 */
const TAG = '$bigint';

export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? { [TAG]: v.toString() } : v));
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => (isTaggedBigint(v) ? BigInt(v[TAG]) : v)) as T;
}

function isTaggedBigint(v: unknown): v is { [TAG]: string } {
  return typeof v === 'object' && v !== null && Object.keys(v).length === 1 && typeof (v as Record<string, unknown>)[TAG] === 'string';
}
