import { fromJson, toJson } from '../core/json.js';
import type { TemplateArrayValue__Output } from '../proto/generated/milvus/proto/schema/TemplateArrayValue.js';
import type { TemplateValue__Output } from '../proto/generated/milvus/proto/schema/TemplateValue.js';
import { invalidParameter } from './status.js';

/**
 * `expr_template_values` (map<string, schema.TemplateValue>) as plain JS values for the
 * filter compiler: int64 as bigint, floats as numbers, arrays recursively.
 */
export function decodeTemplateValues(map: Record<string, TemplateValue__Output> | undefined): Record<string, unknown> | undefined {
  if (!map || Object.keys(map).length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(map)) out[name] = templateValue(v, name);
  return out;
}

function templateValue(v: TemplateValue__Output, name: string): unknown {
  switch (v?.val) {
    case 'bool_val':
      return Boolean(v.bool_val);
    case 'int64_val':
      return BigInt(v.int64_val!);
    case 'float_val':
      return Number(v.float_val);
    case 'string_val':
      return String(v.string_val);
    case 'array_val':
      return templateArray(v.array_val, name);
    default:
      throw invalidParameter(`template value ${name} has an unsupported type`);
  }
}

function templateArray(a: TemplateArrayValue__Output | null | undefined, name: string): unknown[] {
  switch (a?.data) {
    case 'long_data':
      return (a.long_data?.data ?? []).map((x) => BigInt(x));
    case 'array_data':
      return (a.array_data?.data ?? []).map((x) => templateArray(x, name));
    case 'json_data':
      return (a.json_data?.data ?? []).map((x) => JSON.parse(x.toString('utf8')));
    case 'bool_data':
    case 'double_data':
    case 'string_data':
      return a[a.data]?.data ?? [];
    default:
      throw invalidParameter(`template value ${name} has an unsupported array type`);
  }
}

/** Template values as JSON for internal requests (bigints tagged, see core/json.ts). */
export function templateValuesToJson(values: Record<string, unknown> | undefined): string {
  return values ? toJson(values) : '';
}

export function templateValuesFromJson(json: string): Record<string, unknown> | undefined {
  return json ? fromJson<Record<string, unknown>>(json) : undefined;
}
