import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { envoyRoot } from '../../envoy-schema/root.js';
import { fieldRules } from '../../envoy-schema/options.js';
import { compileFieldRules, HANDLED_RULES, ruleKinds, UnsupportedRuleError } from '../../envoy-schema/rules-compile.js';
import { planOf } from '../../envoy-schema/validate-rules.js';

function allTypes(ns: protobuf.NamespaceBase, out: protobuf.Type[] = []): protobuf.Type[] {
  for (const child of ns.nestedArray) {
    if (child instanceof protobuf.Type) out.push(child);
    if (child instanceof protobuf.Namespace || child instanceof protobuf.Type) allTypes(child as protobuf.NamespaceBase, out);
  }
  return out;
}

const handled = new Set(Object.entries(HANDLED_RULES).flatMap(([kind, rules]) => rules.map((r) => `${kind}.${r}`)));

describe('protoc-gen-validate rule kinds', () => {
  const types = allTypes(envoyRoot());

  it('enforces every rule kind the loaded Envoy types use', () => {
    const used = new Map<string, string>();
    for (const type of types) {
      for (const field of type.fieldsArray) {
        const rules = fieldRules(field);
        if (!rules) continue;
        for (const kind of ruleKinds(rules)) if (!used.has(kind)) used.set(kind, `${type.fullName.slice(1)}.${field.name}`);
      }
    }
    console.log(`PGV rules used by the ${types.length} loaded types:\n  ${[...used.keys()].sort().join('\n  ')}`);
    expect(used.size).toBeGreaterThan(20);
    const unhandled = [...used].filter(([kind]) => !handled.has(kind)).map(([kind, where]) => `${kind} (e.g. ${where})`);
    expect(unhandled).toEqual([]);
  });

  it('compiles the rules of every field of every loaded type', () => {
    const failures: string[] = [];
    for (const type of types) {
      try {
        planOf(type);
      } catch (err) {
        failures.push(String(err));
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses a rule it does not know instead of skipping it', () => {
    const target = { kind: 'scalar', type: 'string' } as const;
    expect(() => compileFieldRules({ string: { min_len: 1, frobnicate: true } }, target, 'x.y')).toThrow(UnsupportedRuleError);
    expect(() => compileFieldRules({ uuid_v7: {} }, target, 'x.y')).toThrow(/unsupported rule kind/);
    const list = { kind: 'repeated', item: target } as const;
    expect(() => compileFieldRules({ repeated: { items: { string: { nope: 1 } } } }, list, 'x.y')).toThrow(/string\.nope/);
  });

  it('refuses rules that do not fit the field type', () => {
    expect(() => compileFieldRules({ uint32: { lte: 5 } }, { kind: 'scalar', type: 'string' }, 'x.y')).toThrow(UnsupportedRuleError);
    expect(() => compileFieldRules({ repeated: { min_items: 1 } }, { kind: 'scalar', type: 'string' }, 'x.y')).toThrow(
      UnsupportedRuleError,
    );
  });
});
