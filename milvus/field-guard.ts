/**
 * Enforces the refusals of milvus/field-rules.ts: a request (or a carried message) that sets a
 * refused field or parameter key fails with a parameter error naming it, before any work.
 * The checks are compiled once per method from the Milvus descriptors, so a request pays a
 * property read per refused field and a table lookup per key-value pair.
 */
import protobuf from 'protobufjs';
import { METHOD_FIELDS, NESTED_FIELDS, type FieldRule, type FieldRules, type NestedTable } from './field-rules.js';
import { milvusRoot } from './proto.js';
import { invalidParameter } from './status.js';

type Refusal = Extract<FieldRule, { kind: 'refused' }>;

/** Throws when `value` (a decoded message, or key-value pairs) sets something refused; `path` names it in the error. */
type Check = (value: unknown, path: string) => void;

const KEY_VALUE_PAIR = 'milvus.proto.common.KeyValuePair';

/** Whether a decoded field holds its proto3 default: absent, empty, zero, false or the enum's first value. */
function unsetChecker(field: protobuf.Field): (v: unknown) => boolean {
  const enumZero = field.resolvedType instanceof protobuf.Enum ? field.resolvedType.valuesById[0] : undefined;
  return (v) => {
    if (v === undefined || v === null || v === '' || v === false || v === 0 || v === '0' || v === enumZero) return true;
    if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
    return field.map && typeof v === 'object' && Object.keys(v).length === 0;
  };
}

function refuse(rule: Refusal, path: string): never {
  throw invalidParameter(`${rule.why} (${path})`);
}

/** The check of key-value pairs against a table of keys: refused keys with a value it does not accept fail. */
function keyCheck(rules: FieldRules): Check {
  return (pairs, path) => {
    if (!Array.isArray(pairs)) return;
    for (const pair of pairs as { key: string; value: string }[]) {
      const rule = Object.hasOwn(rules, pair.key) ? rules[pair.key] : undefined;
      if (rule?.kind !== 'refused' || pair.value === '' || rule.accepts?.(pair.value)) continue;
      refuse(rule, `${path}.${pair.key}`);
    }
  };
}

/** The check of a message of `type` against `rules`; fields of other kinds need nothing at run time. */
function messageCheck(type: protobuf.Type, rules: FieldRules): Check {
  const checks: { name: string; check: Check }[] = [];
  for (const field of type.fieldsArray) {
    field.resolve();
    const rule = rules[field.name];
    if (rule?.kind === 'refused') {
      const unset = unsetChecker(field);
      checks.push({
        name: field.name,
        check: (v, path) => {
          if (!unset(v) && !rule.accepts?.(v)) refuse(rule, path);
        },
      });
    } else if (rule?.kind === 'nested' && field.resolvedType instanceof protobuf.Type) {
      const inner = tableCheck(rule.table, field.resolvedType);
      checks.push({
        name: field.name,
        check:
          field.repeated && field.resolvedType.fullName !== `.${KEY_VALUE_PAIR}`
            ? (v, path) => {
                for (const [i, item] of ((v as unknown[] | null) ?? []).entries()) inner(item, `${path}[${i}]`);
              }
            : inner,
      });
    }
  }
  return (message, path) => {
    if (message === null || typeof message !== 'object') return;
    const fields = message as Record<string, unknown>;
    for (const { name, check } of checks) check(fields[name], path ? `${path}.${name}` : name);
  };
}

/** The check of a nested table: key-value pairs by key, messages by field. */
function tableCheck(table: NestedTable, type: protobuf.Type): Check {
  const rules = NESTED_FIELDS[table];
  return type.fullName === `.${KEY_VALUE_PAIR}` ? keyCheck(rules) : messageCheck(type, rules);
}

const byMethod = new Map<string, Check>();
const service = milvusRoot.lookupService('milvus.proto.milvus.MilvusService');
for (const [method, rules] of Object.entries(METHOD_FIELDS)) {
  const m = service.methods[method];
  if (!m) throw new Error(`field rules name ${method}, which MilvusService does not have`);
  m.resolve();
  byMethod.set(method, messageCheck(m.resolvedRequestType!, rules));
}

/** Refuses a decoded request of `method` that sets a field or key Mishards refuses. */
export function checkRequestFields(method: string, request: unknown): void {
  byMethod.get(method)?.(request, '');
}

const carried = new Map<NestedTable, Check>();

/**
 * Refuses a message carried as bytes inside a request (a collection's schema) that sets a
 * refused field; `path` names where it came from (e.g. `schema`).
 */
export function checkCarriedMessage(table: NestedTable, typeName: string, message: unknown, path: string): void {
  let check = carried.get(table);
  if (!check) {
    check = tableCheck(table, milvusRoot.lookupType(typeName));
    carried.set(table, check);
  }
  check(message, path);
}
