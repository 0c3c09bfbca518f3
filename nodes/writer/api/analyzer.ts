import { fieldNotFound, invalidParameter } from '../../../milvus/status.js';
import { analyzerStatus } from '../../../milvus/schema-functions.js';
import { analyzerFor, AnalyzerError, type Analyzer } from '../../../text/analyzer.js';
import { termHash } from '../../../text/term-hash.js';
import type { Handlers, WriterApi } from './context.js';

/**
 * RunAnalyzer: texts analyzed by the analyzer of `analyzer_params`, or, with a collection
 * named, by the analyzer of its `field_name`; each token with its offsets and position
 * (`with_detail`) and its term hash (`with_hash`, the sparse index a BM25 output gives it).
 */
export function analyzerHandlers(api: WriterApi): Handlers<'RunAnalyzer'> {
  const analyzerOf = (req: { db_name?: string; collection_name?: string; field_name?: string; analyzer_params?: string }): Analyzer => {
    let params = req.analyzer_params;
    if (req.collection_name) {
      const c = api.collection(req.db_name ?? '', req.collection_name);
      const field = c.schema.fields.find((f) => f.name === req.field_name);
      if (!field) throw fieldNotFound(req.field_name ?? '', c.record.name);
      if (!field.enableAnalyzer) throw invalidParameter(`field ${field.name} does not enable analyzer`);
      params = field.analyzerParams;
    }
    try {
      return analyzerFor(params);
    } catch (e) {
      if (e instanceof AnalyzerError) throw analyzerStatus(e, 'create analyzer failed');
      throw e;
    }
  };
  return {
    async RunAnalyzer(req) {
      if (req.analyzer_names?.length)
        throw invalidParameter('analyzer_names apply to multi-analyzer fields, which Mishards does not support');
      const analyzer = analyzerOf(req);
      const results = (req.placeholder ?? []).map((bytes) => ({
        tokens: analyzer.analyze(Buffer.from(bytes).toString('utf8')).map((t) => ({
          token: t.token,
          ...(req.with_detail
            ? { start_offset: String(t.start), end_offset: String(t.end), position: String(t.position), position_length: '1' }
            : {}),
          ...(req.with_hash ? { hash: termHash(t.token) } : {}),
        })),
      }));
      return { results };
    },
  };
}
