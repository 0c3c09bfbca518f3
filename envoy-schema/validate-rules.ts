/**
 * Applies protoc-gen-validate rules, Envoy's deprecation annotations and the Envoy load-time
 * checks (envoy-checks.ts) to a parsed message, recursively through nested messages, lists,
 * maps and Any payloads.
 *
 * Per message type a plan is compiled once: the fields that carry rules or annotations, or
 * lead to a type that does. The walk then touches only those, keeps one path stack and builds
 * strings only for the issues it reports, so validating a snapshot costs little next to
 * encoding it.
 */
import protobuf from 'protobufjs';
import { fullNameOf } from './names.js';
import { isLong } from './long.js';
import { anyPayload } from './any-payload.js';
import { ENVOY_CHECKS, type EnvoyCheck } from './envoy-checks.js';
import { type Issue, PathStack } from './issues.js';
import {
  type Deprecation,
  enumDeprecations,
  fieldDeprecation,
  fieldRules,
  isOneofRequired,
  isValidationDisabled,
  isWorkInProgress,
} from './options.js';
import { fieldsWithParseErrors, hasExplicitPresence, SPECIAL_JSON_TYPES } from './proto-json.js';
import { compileFieldRules, type FieldRules, type Sink, type Target, type ValueRules } from './rules-compile.js';

type Fields = Record<string, unknown>;

export interface RuleIssues {
  errors: Issue[];
  /** Deprecated or work-in-progress fields and enum values that are set: Envoy accepts them. */
  warnings: Issue[];
}

/** Validates `message` (of `type`) and returns every problem found. */
export function validateMessage(type: protobuf.Type, message: protobuf.Message): RuleIssues {
  const walker = new Walker();
  walker.message(type, message as unknown as Fields, false);
  return { errors: walker.errors, warnings: walker.warnings };
}

interface FieldPlan {
  readonly name: string;
  readonly shape: 'single' | 'repeated' | 'map';
  /** The message type of the value (of each item, of each map value), when it is one. */
  readonly messageType: protobuf.Type | undefined;
  /** Whether the walk must descend into values of messageType. */
  readonly descend: boolean;
  readonly keyType: string | undefined;
  readonly explicitPresence: boolean;
  /** A member of a real oneof: its rules (even `required`) apply only when it is the one set. */
  readonly inOneof: boolean;
  readonly rules: FieldRules | undefined;
  readonly deprecation: Deprecation | undefined;
  readonly workInProgress: boolean;
  readonly deprecatedValues: Map<number, Deprecation> | undefined;
  readonly enumType: protobuf.Enum | undefined;
}

interface TypePlan {
  readonly isAny: boolean;
  /** `(validate.disabled)`: PGV checks nothing in this message or below it. */
  readonly disabled: boolean;
  readonly requiredOneofs: readonly protobuf.OneOf[];
  readonly envoyCheck: EnvoyCheck | undefined;
  readonly fields: readonly FieldPlan[];
}

const plans = new WeakMap<protobuf.Type, TypePlan>();

/** Compiles (and caches) the plan of a type; exported so tests can compile every loaded type. */
export function planOf(type: protobuf.Type): TypePlan {
  let plan = plans.get(type);
  if (plan) return plan;
  const isAny = fullNameOf(type) === '.google.protobuf.Any';
  const fields: FieldPlan[] = [];
  for (const field of type.fieldsArray) {
    const fieldPlan = planField(type, field);
    const interesting =
      fieldPlan.rules || fieldPlan.deprecation || fieldPlan.workInProgress || fieldPlan.deprecatedValues || fieldPlan.descend;
    if (interesting) fields.push(fieldPlan);
  }
  plan = {
    isAny,
    disabled: isValidationDisabled(type),
    requiredOneofs: type.oneofsArray.filter(isOneofRequired),
    envoyCheck: ENVOY_CHECKS.get(fullNameOf(type)),
    fields,
  };
  plans.set(type, plan);
  return plan;
}

function planField(type: protobuf.Type, field: protobuf.Field): FieldPlan {
  field.resolve();
  const resolved = field.resolvedType;
  const messageType = resolved instanceof protobuf.Type ? resolved : undefined;
  const valueTarget: Target = messageType
    ? { kind: 'message', type: messageType }
    : resolved instanceof protobuf.Enum
      ? { kind: 'enum', type: resolved }
      : { kind: 'scalar', type: field.type };
  const keyType = field.map ? (field as unknown as protobuf.MapField).keyType : undefined;
  const target: Target = keyType
    ? { kind: 'map', key: { kind: 'scalar', type: keyType }, value: valueTarget }
    : field.repeated
      ? { kind: 'repeated', item: valueTarget }
      : valueTarget;
  const raw = fieldRules(field);
  return {
    name: field.name,
    shape: keyType ? 'map' : field.repeated ? 'repeated' : 'single',
    messageType,
    descend: messageType !== undefined && needsVisit(messageType),
    keyType,
    explicitPresence: hasExplicitPresence(field),
    inOneof: field.partOf != null && field.options?.proto3_optional !== true,
    rules: raw ? compileFieldRules(raw, target, `${fullNameOf(type).slice(1)}.${field.name}`) : undefined,
    deprecation: fieldDeprecation(field),
    workInProgress: isWorkInProgress(field),
    deprecatedValues: resolved instanceof protobuf.Enum ? enumDeprecations(resolved) : undefined,
    enumType: resolved instanceof protobuf.Enum ? resolved : undefined,
  };
}

/**
 * Whether anything below a message of this type can be reported: it (or a type reachable from
 * it) has rules, annotations, Envoy checks or an Any. Computed for the whole reachable graph at
 * once, because message types are recursive.
 */
const visitNeeded = new WeakMap<protobuf.Type, boolean>();

function needsVisit(start: protobuf.Type): boolean {
  const known = visitNeeded.get(start);
  if (known !== undefined) return known;
  // Collect the types reachable from `start` whose answer is not known yet.
  const pending: protobuf.Type[] = [];
  const seen = new Set<protobuf.Type>([start]);
  for (let i = 0, stack = [start]; i < stack.length; i++) {
    const type = stack[i]!;
    pending.push(type);
    for (const field of type.fieldsArray) {
      const child = field.resolve().resolvedType;
      if (child instanceof protobuf.Type && !seen.has(child) && !visitNeeded.has(child)) {
        seen.add(child);
        stack.push(child);
      }
    }
  }
  const direct = new Map<protobuf.Type, boolean>(pending.map((t) => [t, directlyInteresting(t)]));
  // Fixpoint: a type needs a visit when a field leads to one that does.
  let changed = true;
  while (changed) {
    changed = false;
    for (const type of pending) {
      if (direct.get(type)) continue;
      for (const field of type.fieldsArray) {
        const child = field.resolvedType;
        if (child instanceof protobuf.Type && (visitNeeded.get(child) ?? direct.get(child))) {
          direct.set(type, true);
          changed = true;
          break;
        }
      }
    }
  }
  for (const type of pending) visitNeeded.set(type, direct.get(type) ?? false);
  return visitNeeded.get(start)!;
}

function directlyInteresting(type: protobuf.Type): boolean {
  if (fullNameOf(type) === '.google.protobuf.Any' || ENVOY_CHECKS.has(fullNameOf(type))) return true;
  if (type.oneofsArray.some(isOneofRequired)) return true;
  return type.fieldsArray.some(
    (f) =>
      fieldRules(f) !== undefined ||
      fieldDeprecation(f) !== undefined ||
      isWorkInProgress(f) ||
      (f.resolve().resolvedType instanceof protobuf.Enum && enumDeprecations(f.resolvedType as protobuf.Enum) !== undefined),
  );
}

class Walker implements Sink {
  readonly errors: Issue[] = [];
  readonly warnings: Issue[] = [];
  private readonly path = new PathStack();

  error(message: string): void {
    this.errors.push({ path: this.path.toString(), message });
  }

  private warn(message: string): void {
    this.warnings.push({ path: this.path.toString(), message });
  }

  /** `rulesOff`: inside a `(validate.disabled)` message, where PGV checks nothing. */
  message(type: protobuf.Type, msg: Fields, rulesOff: boolean): void {
    const plan = planOf(type);
    if (plan.isAny) {
      this.any(msg);
      return;
    }
    const off = rulesOff || plan.disabled;
    // Fields whose JSON did not parse are not judged: their parse error says it already.
    const failed = fieldsWithParseErrors(msg);
    if (!off) {
      for (const oneof of plan.requiredOneofs) {
        if (failed && oneof.oneof.some((name) => failed.has(name))) continue;
        if (!oneof.oneof.some((name) => Object.hasOwn(msg, name) && msg[name] != null)) {
          this.error(`one of ${oneof.oneof.join(', ')} must be set (oneof "${oneof.name}" is required)`);
        }
      }
    }
    // Envoy's checks relate several fields: with one of them missing for a parse error, they
    // would judge a message the author did not write.
    if (plan.envoyCheck && !failed) plan.envoyCheck(msg, (relative, message) => this.reportAt(relative, message));
    for (const field of plan.fields) {
      // A field whose JSON did not parse keeps its own rules quiet, not those of its values.
      const parseFailed = failed?.has(field.name) === true;
      const rules = off || parseFailed ? undefined : field.rules;
      this.path.push(field.name);
      if (field.shape === 'single') this.single(field, msg, rules, off, parseFailed);
      else if (field.shape === 'repeated') this.repeated(field, msg[field.name] as unknown[] | undefined, rules, off);
      else this.map(field, msg[field.name] as Fields | undefined, rules, off);
      this.path.pop();
    }
  }

  private reportAt(relative: string, message: string): void {
    const base = this.path.toString();
    const path = relative === '' ? base : base === '' || relative.startsWith('[') ? base + relative : `${base}.${relative}`;
    this.errors.push({ path, message });
  }

  private single(field: FieldPlan, msg: Fields, rules: FieldRules | undefined, off: boolean, parseFailed: boolean): void {
    const value = msg[field.name];
    if (field.messageType) {
      if (value == null) {
        if (rules?.required && !field.inOneof) this.error('is required');
        return;
      }
      this.annotations(field);
      rules?.check?.(value, this);
      if (field.descend && !rules?.skip) this.message(field.messageType, value as Fields, off);
      return;
    }
    // A field without presence always has a value (its default); PGV checks it either way.
    // A oneof member or `optional` field is checked only when set.
    const set = field.explicitPresence ? Object.hasOwn(msg, field.name) && value != null : !isDefault(value);
    if (field.explicitPresence && !set) return;
    if (set) this.annotations(field);
    // Envoy also flags an enum left at a deprecated default ("Using the default now-deprecated
    // value ..."), so the value is checked set or not.
    if (field.deprecatedValues && !parseFailed) this.enumValue(field, value ?? 0, !set);
    rules?.check?.(value, this);
  }

  private repeated(field: FieldPlan, list: unknown[] | undefined, rules: FieldRules | undefined, off: boolean): void {
    const items = list ?? [];
    if (items.length > 0) this.annotations(field);
    // ignore_empty: an empty list is not checked (and has no items to check).
    if (rules && !(rules.ignoreEmpty && items.length === 0)) {
      rules.size?.(items.length, this);
      if (rules.unique) this.unique(items);
    }
    const itemRules = rules?.items;
    for (let i = 0; i < items.length; i++) {
      this.path.push(i);
      this.value(field, items[i], itemRules, off);
      this.path.pop();
    }
  }

  private map(field: FieldPlan, map: Fields | undefined, rules: FieldRules | undefined, off: boolean): void {
    const keys = map ? Object.keys(map) : [];
    if (keys.length > 0) this.annotations(field);
    // ignore_empty: an empty collection is not checked (and has no items to check).
    if (!(rules?.ignoreEmpty && keys.length === 0)) rules?.size?.(keys.length, this);
    for (const key of keys) {
      this.path.pushKey(key);
      if (rules?.keys?.check) rules.keys.check(mapKey(field.keyType!, key), this);
      this.value(field, map![key], rules?.values, off);
      this.path.pop();
    }
  }

  /** One item of a list or value of a map. */
  private value(field: FieldPlan, value: unknown, rules: ValueRules | undefined, off: boolean): void {
    if (field.deprecatedValues) this.enumValue(field, value);
    rules?.check?.(value, this);
    if (field.descend && value != null && !rules?.skip) this.message(field.messageType!, value as Fields, off);
  }

  private unique(items: unknown[]): void {
    const seen = new Set<unknown>();
    for (const item of items) {
      const key = item instanceof Uint8Array ? Buffer.from(item).toString('base64') : isLong(item) ? String(item) : item;
      if (seen.has(key)) {
        this.error(`items must be unique, ${JSON.stringify(String(key))} appears more than once`);
        return;
      }
      seen.add(key);
    }
  }

  /** Deprecation and work-in-progress notes on a field that is set. */
  private annotations(field: FieldPlan): void {
    const deprecation = field.deprecation;
    if (deprecation) {
      const since = deprecation.since ? ` since API ${deprecation.since}` : '';
      if (deprecation.disallowed) this.error(`is deprecated${since} and disallowed by default: Envoy refuses it`);
      else this.warn(`is deprecated${since}`);
    }
    if (field.workInProgress) this.warn('is work in progress: its behaviour may change');
  }

  private enumValue(field: FieldPlan, value: unknown, isDefault = false): void {
    const deprecation = field.deprecatedValues?.get(value as number);
    if (!deprecation) return;
    const since = deprecation.since ? ` since API ${deprecation.since}` : '';
    const name = field.enumType?.valuesById[value as number] ?? String(value);
    // Proto3 cannot tell a default enum that was written from one that was not.
    const what = isDefault ? `enum value ${name} (the field's default)` : `enum value ${name}`;
    if (deprecation.disallowed) this.error(`${what} is deprecated${since} and disallowed by default: Envoy refuses it`);
    else this.warn(`${what} is deprecated${since}`);
  }

  /**
   * An Any's payload is validated in place: its fields continue the Any's path as they do in
   * the JSON (`typed_config.route_config...`), or under `value` for a special JSON type. PGV
   * itself stops at an Any; Envoy validates the payload when it builds the extension.
   */
  private any(msg: Fields): void {
    const payload = anyPayload(msg);
    if ('problem' in payload) {
      this.path.push('@type');
      this.error(payload.problem);
      this.path.pop();
      return;
    }
    const wrapped = SPECIAL_JSON_TYPES.has(fullNameOf(payload.type));
    if (wrapped) this.path.push('value');
    // PGV rules apply again inside the payload: Envoy validates it on its own.
    if (needsVisit(payload.type)) this.message(payload.type, payload.message as unknown as Fields, false);
    if (wrapped) this.path.pop();
  }
}

function isDefault(value: unknown): boolean {
  if (value === 0 || value === false || value === '' || value == null) return true;
  // An unset bytes field reads as protobufjs's shared empty array.
  if (value instanceof Uint8Array || Array.isArray(value)) return value.length === 0;
  if (isLong(value)) return value.isZero();
  return false;
}

/** Map keys are strings in protobufjs; rules compare them as their key type. */
function mapKey(keyType: string, key: string): unknown {
  if (keyType === 'string') return key;
  if (keyType === 'bool') return key === 'true';
  if (keyType.endsWith('64')) return BigInt(key);
  return Number(key);
}
