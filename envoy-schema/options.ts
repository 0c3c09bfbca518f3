/**
 * Reading the custom options the validator acts on from protobufjs reflection objects.
 *
 * protobufjs keeps an aggregate option such as
 * `[(validate.rules).string = {min_len: 1, well_known_regex: HTTP_HEADER_NAME, strict: false}]`
 * in `parsedOptions` as `[{"(validate.rules)": {string: {min_len: 1, well_known_regex:
 * "HTTP_HEADER_NAME", strict: false}}}]` (enum values as their names, numbers as numbers,
 * nested messages as objects, repeated values as arrays), and in `options` flattened as
 * `"(validate.rules).string.min_len": 1`. We read `parsedOptions`; an option written in several
 * statements may appear in several entries, which are merged here.
 */
import type protobuf from 'protobufjs';

export type OptionValue = Record<string, unknown>;

/** The merged value of one option (`(validate.rules)`, `deprecated`...) on an element. */
export function optionValue(element: protobuf.ReflectionObject, name: string): unknown {
  const parsed = element.parsedOptions as unknown as Array<Record<string, unknown>> | undefined;
  let value: unknown;
  if (parsed) {
    for (const entry of parsed) {
      if (!Object.hasOwn(entry, name)) continue;
      value = value === undefined ? entry[name] : deepMerge(value, entry[name]);
    }
  }
  if (value === undefined && element.options && Object.hasOwn(element.options, name)) value = element.options[name];
  return value;
}

function deepMerge(a: unknown, b: unknown): unknown {
  if (!isRecord(a) || !isRecord(b)) return b;
  const out: OptionValue = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = Object.hasOwn(out, k) ? deepMerge(out[k], v) : v;
  return out;
}

export function isRecord(value: unknown): value is OptionValue {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `(validate.rules)` of a field, or undefined. */
export function fieldRules(field: protobuf.Field): OptionValue | undefined {
  const rules = optionValue(field, '(validate.rules)');
  return isRecord(rules) ? rules : undefined;
}

/** `(validate.required)` on a oneof: one member must be set. */
export function isOneofRequired(oneof: protobuf.OneOf): boolean {
  return optionValue(oneof, '(validate.required)') === true;
}

/** `(validate.disabled)` / `(validate.ignored)` on a message: PGV generates no checks for it. */
export function isValidationDisabled(type: protobuf.Type): boolean {
  return optionValue(type, '(validate.disabled)') === true || optionValue(type, '(validate.ignored)') === true;
}

export interface Deprecation {
  /** Envoy release the field was deprecated in, when annotated. */
  readonly since: string | undefined;
  /** `disallowed_by_default`: Envoy refuses it unless a runtime override re-enables it. */
  readonly disallowed: boolean;
}

export function fieldDeprecation(field: protobuf.Field): Deprecation | undefined {
  const since = optionValue(field, '(envoy.annotations.deprecated_at_minor_version)');
  const disallowed = optionValue(field, '(envoy.annotations.disallowed_by_default)') === true;
  if (optionValue(field, 'deprecated') !== true && since === undefined && !disallowed) return undefined;
  return { since: typeof since === 'string' ? since : undefined, disallowed };
}

/** Deprecated values of an enum, by number (enum value options sit in `valuesOptions`). */
export function enumDeprecations(type: protobuf.Enum): Map<number, Deprecation> | undefined {
  let out: Map<number, Deprecation> | undefined;
  for (const [name, opts] of Object.entries(type.valuesOptions ?? {})) {
    if (!opts) continue;
    const since = opts['(envoy.annotations.deprecated_at_minor_version_enum)'];
    const disallowed = opts['(envoy.annotations.disallowed_by_default_enum)'] === true;
    if (opts.deprecated !== true && since === undefined && !disallowed) continue;
    out ??= new Map();
    out.set(type.values[name]!, { since: typeof since === 'string' ? since : undefined, disallowed });
  }
  return out;
}

/** Fields Envoy marks work in progress: accepted, but their behaviour may still change. */
export function isWorkInProgress(field: protobuf.Field): boolean {
  const status = optionValue(field, '(xds.annotations.v3.field_status)');
  return isRecord(status) && status.work_in_progress === true;
}
