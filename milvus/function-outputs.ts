import type { Column } from '../core/columns.js';
import { DataType, type CollectionSchema } from '../core/schema.js';
import { analyzerFor } from '../text/analyzer.js';
import { sparseRow, termFrequencies } from '../text/bm25.js';

/**
 * The columns a schema's functions compute from an insert's columns: each BM25 output holds,
 * per row, the term frequencies of its input's text by term hash (text/bm25.ts), as Milvus's
 * BM25 function runner computes them. Stored like any sparse column, so that the write-ahead
 * log, segments and their files hold them and no node analyzes a text twice.
 */
export function computeFunctionOutputs(schema: CollectionSchema, columns: Map<string, Column>): void {
  for (const fn of schema.functions ?? []) {
    const input = schema.fields.find((f) => f.name === fn.inputField)!;
    const texts = columns.get(input.name)!.values as string[];
    const analyzer = analyzerFor(input.analyzerParams);
    const rows = texts.map((text) => sparseRow(termFrequencies(analyzer.terms(text))));
    columns.set(fn.outputField, { type: DataType.SparseFloatVector, values: rows });
  }
}
