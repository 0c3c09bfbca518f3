import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { checkCarriedMessage, checkRequestFields } from '../../milvus/field-guard.js';
import { METHOD_FIELDS, NESTED_FIELDS, type FieldRule, type FieldRules, type NestedTable } from '../../milvus/field-rules.js';
import { milvusRoot } from '../../milvus/proto.js';
import { Code, MilvusError } from '../../milvus/status.js';
import { writerMilvusHandlers, type WriterProcess } from '../../nodes/writer/api/index.js';
import type { Writer } from '../../nodes/writer/writer.js';

/**
 * The audit of "nothing silently ignored": every field of every request Mishards implements,
 * and of the messages those requests carry, is listed as handled, ignored (with the reason) or
 * refused in milvus/field-rules.ts, and every refusal is enforced. A new SDK whose protocol
 * adds a field, or a new handler, fails here until the field is classified.
 */

const service = milvusRoot.lookupService('milvus.proto.milvus.MilvusService');
const unary = service.methodsArray.filter((m) => !m.requestStream && !m.responseStream);
const requestType = (m: protobuf.Method): protobuf.Type => {
  m.resolve();
  return m.resolvedRequestType!;
};

/** Methods with a handler on the writer; the coordinator answers a subset of them itself. */
const implemented = Object.keys(writerMilvusHandlers({} as Writer, {} as WriterProcess)).sort();

/** The message type each table of message fields describes. */
const NESTED_TYPES: Partial<Record<NestedTable, string>> = {
  CollectionSchema: 'milvus.proto.schema.CollectionSchema',
  FieldSchema: 'milvus.proto.schema.FieldSchema',
  'HybridSearch.requests': 'milvus.proto.milvus.SearchRequest',
};

/** A value of `field` that is not its default. */
function setValue(field: protobuf.Field): unknown {
  field.resolve();
  let one: unknown;
  if (field.resolvedType instanceof protobuf.Enum) one = field.resolvedType.valuesById[1] ?? Object.keys(field.resolvedType.values)[1];
  else if (field.resolvedType instanceof protobuf.Type) one = {};
  else if (field.type === 'bool') one = true;
  else if (field.type === 'string') one = 'x';
  else if (field.type === 'bytes') one = Buffer.from([1]);
  else one = field.type.includes('64') ? '7' : 7;
  return field.repeated ? [one] : field.map ? { k: one } : one;
}

function expectRefused(run: () => void, rule: Extract<FieldRule, { kind: 'refused' }>, path: string): void {
  let thrown: unknown;
  try {
    run();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `${path} was not refused`).toBeInstanceOf(MilvusError);
  const err = thrown as MilvusError;
  expect(err.code).toBe(Code.ParameterInvalid);
  expect(err.message).toContain(rule.why);
  expect(err.message).toContain(path);
}

const refusals = (rules: FieldRules) =>
  Object.entries(rules).filter((e): e is [string, Extract<FieldRule, { kind: 'refused' }>] => e[1].kind === 'refused');

describe('request field audit', () => {
  it('lists exactly the implemented methods', () => {
    expect(Object.keys(METHOD_FIELDS).sort()).toEqual(implemented);
    const names = new Set(unary.map((m) => m.name));
    expect(implemented.filter((m) => !names.has(m))).toEqual([]);
  });

  it.each(implemented)('%s: every request field is classified, and nothing else', (method) => {
    const fields = requestType(service.methods[method]!).fieldsArray.map((f) => f.name);
    expect(Object.keys(METHOD_FIELDS[method as keyof typeof METHOD_FIELDS]).sort()).toEqual([...fields].sort());
  });

  it.each(Object.entries(NESTED_TYPES))('%s: every field of the carried message is classified', (table, typeName) => {
    const fields = milvusRoot.lookupType(typeName).fieldsArray.map((f) => f.name);
    expect(Object.keys(NESTED_FIELDS[table as NestedTable]).sort()).toEqual([...fields].sort());
  });

  it('every nested rule names a table, and every message-typed handled field is a known kind', () => {
    for (const [method, rules] of Object.entries(METHOD_FIELDS)) {
      for (const field of requestType(service.methods[method]!).fieldsArray) {
        const rule: FieldRule = (rules as FieldRules)[field.name]!;
        if (rule.kind === 'nested') expect(NESTED_FIELDS[rule.table], `${method}.${field.name}`).toBeDefined();
      }
    }
  });

  it.each(implemented)('%s: every refused field is refused, naming it', (method) => {
    const type = requestType(service.methods[method]!);
    for (const [name, rule] of refusals(METHOD_FIELDS[method as keyof typeof METHOD_FIELDS])) {
      const request = type.toObject(type.create(), { defaults: true, enums: String, longs: String });
      request[name] = setValue(type.fields[name]!);
      expectRefused(() => checkRequestFields(method, request), rule, name);
    }
  });

  it('a request with every field at its default passes', () => {
    for (const method of implemented) {
      const type = requestType(service.methods[method]!);
      const request = type.toObject(type.create(), { defaults: true, enums: String, longs: String });
      expect(() => checkRequestFields(method, request), method).not.toThrow();
    }
  });

  it('refused keys of key-value parameters are refused in Search, HybridSearch sub-searches and Query', () => {
    for (const [key, rule] of refusals(NESTED_FIELDS.search_params)) {
      const pairs = [{ key, value: 'x' }];
      expectRefused(() => checkRequestFields('Search', { search_params: pairs }), rule, `search_params.${key}`);
      expectRefused(
        () => checkRequestFields('HybridSearch', { requests: [{}, { search_params: pairs }] }),
        rule,
        `requests[1].search_params.${key}`,
      );
    }
    for (const [key, rule] of refusals(NESTED_FIELDS.query_params)) {
      expectRefused(() => checkRequestFields('Query', { query_params: [{ key, value: 'x' }] }), rule, `query_params.${key}`);
    }
  });

  it('keys Milvus does not read, and accepted values of refused keys, pass', () => {
    const pairs = [
      { key: 'ef', value: '64' },
      { key: 'ignore_growing', value: 'true' },
      { key: 'iterator', value: 'false' },
      { key: 'some_client_key', value: 'x' },
    ];
    expect(() => checkRequestFields('Search', { search_params: pairs })).not.toThrow();
  });

  it('refused schema attributes are refused, naming the field and its position', () => {
    const schemaType = 'milvus.proto.schema.CollectionSchema';
    for (const [name, rule] of refusals(NESTED_FIELDS.CollectionSchema)) {
      const field = milvusRoot.lookupType(schemaType).fields[name]!;
      expectRefused(
        () => checkCarriedMessage('CollectionSchema', schemaType, { [name]: setValue(field) }, 'schema'),
        rule,
        `schema.${name}`,
      );
    }
    const fieldType = milvusRoot.lookupType('milvus.proto.schema.FieldSchema');
    for (const [name, rule] of refusals(NESTED_FIELDS.FieldSchema)) {
      const message = { fields: [{ name: 'id' }, { name: 'v', [name]: setValue(fieldType.fields[name]!) }] };
      expectRefused(() => checkCarriedMessage('CollectionSchema', schemaType, message, 'schema'), rule, `schema.fields[1].${name}`);
    }
    for (const [key, rule] of refusals(NESTED_FIELDS.type_params)) {
      const message = { fields: [{ name: 'text', type_params: [{ key, value: 'x' }] }] };
      expectRefused(
        () => checkCarriedMessage('CollectionSchema', schemaType, message, 'schema'),
        rule,
        `schema.fields[0].type_params.${key}`,
      );
    }
  });
});
