import { z } from 'zod';
import { CONSISTENCY_LEVEL_NAMES, isConsistencyLevelName } from '../../milvus/consistency.js';
import { invalidParameter } from '../../milvus/status.js';
import type { ConsistencyLevel__Output } from '../../proto/generated/milvus/proto/common/ConsistencyLevel.js';
import type { TemplateArrayValue__Output } from '../../proto/generated/milvus/proto/schema/TemplateArrayValue.js';
import type { TemplateValue__Output } from '../../proto/generated/milvus/proto/schema/TemplateValue.js';

/**
 * Request pieces shared by every resource. Field names and defaults follow Milvus's REST v2
 * (`dbName`, `collectionName`, camelCase everywhere). A top-level key an endpoint does not
 * read is refused (1801, naming it) where Milvus's Go decoder would drop it: a parameter that
 * Mishards does not implement must not look accepted.
 */

export const name = z.string().min(1);

/** `dbName` is accepted everywhere: the database the request works in (see RestCall.database). */
export const base = z.strictObject({ dbName: z.string().optional() });

/** Collection and database properties as REST sends them: any JSON scalar. */
export const properties = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

/** Properties as Milvus's REST handler passes them on: values as Go's %v prints them. */
export const propertyPairs = (props: z.infer<typeof properties>) =>
  Object.entries(props).map(([key, value]) => ({ key, value: String(value) }));

export const collectionBody = base.extend({ collectionName: name });

export const partitionBody = collectionBody.extend({ partitionName: name });

export const consistencyLevel = z.string().optional();

/** The request's consistency fields: the collection's default unless a level is named. */
export function consistency(level: string | undefined): { consistency_level?: ConsistencyLevel__Output; use_default_consistency: boolean } {
  if (!level) return { use_default_consistency: true };
  if (!isConsistencyLevelName(level)) {
    throw invalidParameter(`consistencyLevel can only be [${CONSISTENCY_LEVEL_NAMES.join(', ')}], got ${level}`);
  }
  return { consistency_level: level, use_default_consistency: false };
}

/** `exprParams`: values bound to `{name}` placeholders of a filter. */
export const exprParams = z.record(z.string(), z.unknown()).optional();

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isNumber = (v: unknown): v is number => typeof v === 'number';
const isString = (v: unknown): v is string => typeof v === 'string';
const isArray = (v: unknown): v is unknown[] => Array.isArray(v);

/** Template values in the shape grpc-js decodes them into, which the coordinator reads. */
function templateArray(values: unknown[]): TemplateArrayValue__Output {
  if (values.every(isBoolean)) return { data: 'bool_data', bool_data: { data: values } };
  if (values.every(isInt)) return { data: 'long_data', long_data: { data: values.map(String) } };
  if (values.every(isNumber)) return { data: 'double_data', double_data: { data: values } };
  if (values.every(isString)) return { data: 'string_data', string_data: { data: values } };
  if (values.every(isArray)) return { data: 'array_data', array_data: { data: values.map((v) => templateArray(v)) } };
  return { data: 'json_data', json_data: { data: values.map((v) => Buffer.from(JSON.stringify(v))) } };
}

function templateValue(v: unknown, key: string): TemplateValue__Output {
  if (typeof v === 'boolean') return { val: 'bool_val', bool_val: v };
  if (isInt(v)) return { val: 'int64_val', int64_val: String(v) };
  if (typeof v === 'number') return { val: 'float_val', float_val: v };
  if (typeof v === 'string') return { val: 'string_val', string_val: v };
  if (Array.isArray(v)) return { val: 'array_val', array_val: templateArray(v) };
  throw invalidParameter(`exprParams.${key}: only booleans, numbers, strings and arrays can be bound to a filter`);
}

/** `exprParams` as the `expr_template_values` map of a Milvus request. */
export function templateValues(params: Record<string, unknown> | undefined): Record<string, TemplateValue__Output> {
  return Object.fromEntries(Object.entries(params ?? {}).map(([k, v]) => [k, templateValue(v, k)]));
}
