import { DataType, type CollectionSchema, type FieldSchema, type SchemaFunction } from '../core/schema.js';
import type { FunctionSchema, FunctionSchema__Output } from '../proto/generated/milvus/proto/schema/FunctionSchema.js';
import { analyzerFor, AnalyzerError } from '../text/analyzer.js';
import { isGoTrue } from './key-values.js';
import { Code, invalidParameter, MilvusError } from './status.js';

/**
 * A schema's text settings and functions, checked as Milvus's proxy checks them
 * (validateFunction, checkFunctionBasicParams, checkFunctionInputField,
 * checkFunctionOutputField, ctokenizer.ValidateTextSchema), with its messages.
 */

/** An analyzer refusal as a Milvus status: Milvus's own as invalid parameters, Mishards's gaps as not implemented. */
export function analyzerStatus(e: AnalyzerError, prefix: string): MilvusError {
  return e.notSupported ? new MilvusError(Code.ServiceUnimplemented, e.message) : invalidParameter(`${prefix}: ${e.message}`);
}

/** A VarChar field's text settings from its type params (`enable_analyzer`, `analyzer_params`, `enable_match`). */
export function decodeTextParams(field: FieldSchema, params: Map<string, string>): void {
  if (field.dataType !== DataType.VarChar) return;
  if (params.has('multi_analyzer_params'))
    throw new MilvusError(Code.ServiceUnimplemented, `field ${field.name}: multi_analyzer_params is not supported by Mishards`);
  if (isGoTrue(params.get('enable_analyzer'))) field.enableAnalyzer = true;
  if (isGoTrue(params.get('enable_match'))) field.enableMatch = true;
  const analyzer = params.get('analyzer_params');
  if (analyzer !== undefined && analyzer !== '') field.analyzerParams = analyzer;
}

/** A VarChar field's text settings as type params, for DescribeCollection. */
export function encodeTextParams(f: FieldSchema): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  if (f.enableAnalyzer) out.push({ key: 'enable_analyzer', value: 'true' });
  if (f.analyzerParams !== undefined) out.push({ key: 'analyzer_params', value: f.analyzerParams });
  if (f.enableMatch) out.push({ key: 'enable_match', value: 'true' });
  return out;
}

/**
 * Checks the analyzer of a field that text_match or a BM25 function analyzes (Milvus checks
 * only those): the analyzer must be enabled and its params build.
 */
export function checkTextField(field: FieldSchema, bm25Input: boolean): void {
  if (!field.enableMatch && !bm25Input) return;
  if (!field.enableAnalyzer) throw invalidParameter(`field ${field.name} is set to enable match or bm25 function but not enable analyzer`);
  try {
    analyzerFor(field.analyzerParams);
  } catch (e) {
    if (e instanceof AnalyzerError) throw analyzerStatus(e, 'failed to validate text schema');
    throw e;
  }
}

function checkBasics(f: FunctionSchema__Output): void {
  if (!f.name) throw invalidParameter('function name cannot be empty');
  if (f.input_field_names.length === 0) throw invalidParameter(`function input field names cannot be empty, function: ${f.name}`);
  if (f.output_field_names.length === 0) throw invalidParameter(`function output field names cannot be empty, function: ${f.name}`);
  for (const input of f.input_field_names) {
    if (input === '') throw invalidParameter(`function input field name cannot be empty string, function: ${f.name}`);
    if (f.input_field_names.filter((n) => n === input).length > 1)
      throw invalidParameter(
        `each function input field should be used exactly once in the same function, function: ${f.name}, input field: ${input}`,
      );
  }
  for (const output of f.output_field_names) {
    if (output === '') throw invalidParameter(`function output field name cannot be empty string, function: ${f.name}`);
    if (f.input_field_names.includes(output))
      throw invalidParameter(`a single field cannot be both input and output in the same function, function: ${f.name}, field: ${output}`);
    if (f.output_field_names.filter((n) => n === output).length > 1)
      throw invalidParameter(
        `each function output field should be used exactly once in the same function, function: ${f.name}, output field: ${output}`,
      );
  }
  if (String(f.type) !== 'BM25') {
    throw new MilvusError(Code.ServiceUnimplemented, `function type ${String(f.type)} is not supported by Mishards: only BM25 is`);
  }
  if (f.params.length !== 0) throw invalidParameter('BM25 function accepts no params');
}

/**
 * The functions of a CreateCollection schema, checked against its fields; each output field
 * is marked as a function output, and each input field's analyzer is checked.
 */
export function decodeFunctions(functions: FunctionSchema__Output[], schema: CollectionSchema): SchemaFunction[] {
  const byName = new Map(schema.fields.map((f) => [f.name, f] as const));
  const names = new Set<string>();
  const outputs = new Set<string>();
  return functions.map((f) => {
    checkBasics(f);
    if (names.has(f.name)) throw invalidParameter(`duplicate function name: ${f.name}`);
    names.add(f.name);
    const inputs = f.input_field_names.map((name) => {
      const field = byName.get(name);
      if (!field) throw invalidParameter(`function input field not found: ${name}`);
      if (field.nullable) throw invalidParameter(`function input field cannot be nullable: function ${f.name}, field ${name}`);
      return field;
    });
    if (inputs.length !== 1 || inputs[0]!.dataType !== DataType.VarChar)
      throw invalidParameter(
        `BM25 function input field must be a VARCHAR field, got ${inputs.length} field with type ${DataType[inputs[0]!.dataType]}`,
      );
    if (!inputs[0]!.enableAnalyzer) throw invalidParameter('BM25 function input field must set enable_analyzer to true');
    const outputFields = f.output_field_names.map((name) => {
      const field = byName.get(name);
      if (!field) throw invalidParameter(`function output field not found: ${name}`);
      if (field.isPrimaryKey) throw invalidParameter(`function output field cannot be primary key: function ${f.name}, field ${name}`);
      if (field.isPartitionKey)
        throw invalidParameter(`function output field cannot be partition key or clustering key: function ${f.name}, field ${name}`);
      if (field.nullable) throw invalidParameter(`function output field cannot be nullable: function ${f.name}, field ${name}`);
      if (outputs.has(name)) throw invalidParameter(`duplicate function output field: function ${f.name}, field ${name}`);
      outputs.add(name);
      return field;
    });
    if (outputFields.length !== 1) throw invalidParameter(`BM25 function only need 1 output field, but got ${outputFields.length}`);
    const output = outputFields[0]!;
    if (output.dataType !== DataType.SparseFloatVector)
      throw invalidParameter(`BM25 function output field must be a SparseFloatVector field, but got ${DataType[output.dataType]}`);
    output.isFunctionOutput = true;
    checkTextField(inputs[0]!, true);
    return { name: f.name, description: f.description ?? '', type: 'BM25', inputField: inputs[0]!.name, outputField: output.name };
  });
}

/** Milvus numbers functions apart from fields; Mishards numbers them by position from this. */
const FIRST_FUNCTION_ID = 100;

/** The schema's functions as DescribeCollection shows them. */
export function encodeFunctions(schema: CollectionSchema): FunctionSchema[] {
  const idOf = (name: string) => String(schema.fields.find((f) => f.name === name)?.fieldId ?? 0);
  return (schema.functions ?? []).map((f, i) => ({
    name: f.name,
    id: String(FIRST_FUNCTION_ID + i),
    description: f.description,
    type: f.type,
    input_field_names: [f.inputField],
    input_field_ids: [idOf(f.inputField)],
    output_field_names: [f.outputField],
    output_field_ids: [idOf(f.outputField)],
    params: [],
  }));
}
