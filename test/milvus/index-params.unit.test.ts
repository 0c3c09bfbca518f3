import { describe, expect, it } from 'vitest';
import { DataType, type FieldSchema } from '../../core/schema.js';
import { checkBuildParams, searchParam } from '../../milvus/index-params.js';
import { milvusEngineParams, nodeSearchParams, parseSearchParams } from '../../milvus/search-params.js';
import { MilvusError } from '../../milvus/status.js';
import { engineBuildParams, engineIndexType } from '../../milvus/vector-indexes.js';
import { fieldSchema } from '../harness/schemas.js';

/**
 * Index parameters checked as Milvus checks them (knowhere's ranges and messages, wrapped as the
 * proxy wraps them), and which engine index serves each Milvus index type.
 */
const WRAP = ': invalid parameter[expected=valid index params][actual=invalid index params]';

function refusal(f: () => unknown): [number, string] {
  try {
    f();
  } catch (e) {
    if (e instanceof MilvusError) return [e.code, e.message];
    throw e;
  }
  throw new Error('no refusal');
}

const field = (dataType: DataType, dim: number): FieldSchema => fieldSchema(101, 'v', dataType, { dim });

describe('index build parameters', () => {
  it('checks IVF nlist as knowhere does', () => {
    expect(refusal(() => checkBuildParams('IVF_FLAT', { nlist: '0' }, 128))).toEqual([
      1100,
      `Out of range in json: param 'nlist' (0) should be in range [1, 65536]${WRAP}`,
    ]);
    expect(refusal(() => checkBuildParams('BIN_IVF_FLAT', { nlist: '65537' }, 128))[1]).toContain("param 'nlist' (65537)");
    expect(refusal(() => checkBuildParams('IVF_SQ8', { nlist: 'many' }, 128))[1]).toBe(
      `Type conflict in json: param 'nlist' ("many") should be integer${WRAP}`,
    );
    expect(() => checkBuildParams('IVF_SQ8', { nlist: '65536' }, 128)).not.toThrow();
    expect(() => checkBuildParams('IVF_FLAT', {}, 128)).not.toThrow();
  });

  it("checks IVF_PQ's m (required, dividing dim) and nbits", () => {
    expect(refusal(() => checkBuildParams('IVF_PQ', { nlist: '128' }, 128))[1]).toBe(`param 'm' not exist in json${WRAP}`);
    expect(refusal(() => checkBuildParams('IVF_PQ', { m: '7' }, 128))[1]).toBe(
      `The dimension of a vector (dim) should be a multiple of the number of subquantizers (m). Dimension: 128, m: 7${WRAP}`,
    );
    expect(refusal(() => checkBuildParams('IVF_PQ', { m: '8', nbits: '25' }, 128))[1]).toContain(
      "param 'nbits' (25) should be in range [1, 24]",
    );
    expect(() => checkBuildParams('IVF_PQ', { m: '16', nbits: '8' }, 128)).not.toThrow();
  });

  it('checks SCANN, HNSW variants and DISKANN', () => {
    expect(refusal(() => checkBuildParams('SCANN', { sub_dim: '3' }, 128))[1]).toBe(
      `The dimension of a vector (dim) should be a multiple of sub_dim. Dimension:128, sub_dim:3${WRAP}`,
    );
    expect(refusal(() => checkBuildParams('HNSW', { M: '1' }, 128))[1]).toContain("param 'M' (1) should be in range [2, 2048]");
    expect(refusal(() => checkBuildParams('HNSW', { efConstruction: '0' }, 128))[1]).toContain(
      "param 'efConstruction' (0) should be in range [1, 2147483647]",
    );
    expect(refusal(() => checkBuildParams('HNSW_SQ', { sq_type: 'SQ4' }, 128))[1]).toBe(`invalid scalar quantizer type${WRAP}`);
    expect(refusal(() => checkBuildParams('HNSW_PRQ', {}, 128))[1]).toBe(`param 'nrq' not exist in json${WRAP}`);
    expect(refusal(() => checkBuildParams('DISKANN', { max_degree: '4096' }, 128))[1]).toContain("param 'max_degree' (4096)");
    expect(() => checkBuildParams('HNSW_SQ', { sq_type: 'FP16', M: '16' }, 128)).not.toThrow();
  });

  it('checks the sparse indexes: drop_ratio_build in [0, 1) and the algorithm', () => {
    expect(refusal(() => checkBuildParams('SPARSE_WAND', { drop_ratio_build: '1' }, 0))[1]).toBe(
      `Out of range in json: param 'drop_ratio_build' (1) should be in range [0.000000, 1.000000)${WRAP}`,
    );
    expect(refusal(() => checkBuildParams('SPARSE_INVERTED_INDEX', { inverted_index_algo: 'BM' }, 0))[1]).toBe(
      `sparse inverted index algo BM not found or not supported, supported: [TAAT_NAIVE DAAT_WAND DAAT_MAXSCORE]${WRAP}`,
    );
    expect(() =>
      checkBuildParams('SPARSE_INVERTED_INDEX', { drop_ratio_build: '0.2', inverted_index_algo: 'DAAT_MAXSCORE' }, 0),
    ).not.toThrow();
  });
});

describe('index search parameters', () => {
  it('reads nprobe in [1, 65536], from the params JSON or a pair', () => {
    expect(searchParam('IVF', 'nprobe', 16)).toBe(16);
    expect(refusal(() => searchParam('IVF', 'nprobe', 0))[1]).toBe(
      "Out of range in json: param 'nprobe' (0) should be in range [1, 65536]",
    );
    const parsed = parseSearchParams([
      { key: 'topk', value: '10' },
      { key: 'params', value: '{"nprobe": 32}' },
    ]);
    expect(parsed.engine.nprobe).toBe(32);
    expect(
      parseSearchParams([
        { key: 'topk', value: '10' },
        { key: 'nprobe', value: '4' },
      ]).engine.nprobe,
    ).toBe(4);
  });

  it('reads drop_ratio_search in [0, 1), and names every parameter as Milvus does for the data nodes', () => {
    const parsed = parseSearchParams([
      { key: 'topk', value: '10' },
      { key: 'params', value: '{"drop_ratio_search": 0.3, "nprobe": 2, "ef": 20}' },
    ]);
    expect(parsed.engine).toEqual({ dropRatioSearch: 0.3, nprobe: 2, ef: 20 });
    expect(nodeSearchParams(JSON.stringify(milvusEngineParams(parsed.engine))).engine).toEqual(parsed.engine);
    expect(refusal(() => searchParam('SPARSE', 'drop_ratio_search', 1))[1]).toBe(
      "Out of range in json: param 'drop_ratio_search' (1) should be in range [0.000000, 1.000000)",
    );
  });
});

describe('the engine index serving each index type', () => {
  const f32 = field(DataType.FloatVector, 128);
  const f16 = field(DataType.Float16Vector, 128);
  it.each([
    ['FLAT', 'FloatVector', 'FLAT'],
    ['HNSW', 'FloatVector', 'HNSW'],
    ['HNSW_PQ', 'FloatVector', 'HNSW'],
    ['DISKANN', 'FloatVector', 'HNSW'],
    ['AUTOINDEX', 'FloatVector', 'HNSW'],
    ['IVF_FLAT', 'FloatVector', 'IVF_FLAT'],
    ['IVF_SQ8', 'FloatVector', 'IVF_SQ8'],
    ['IVF_PQ', 'FloatVector', 'IVF_SQ8'],
    ['SCANN', 'FloatVector', 'IVF_SQ8'],
    ['HNSW', 'Float16Vector', 'HNSW'],
    ['AUTOINDEX', 'BinaryVector', 'HNSW'],
    ['IVF_FLAT', 'Float16Vector', 'IVF_FLAT'],
    ['BIN_FLAT', 'BinaryVector', 'FLAT'],
    ['BIN_IVF_FLAT', 'BinaryVector', 'IVF_FLAT'],
    ['SPARSE_WAND', 'SparseFloatVector', 'SPARSE_INVERTED'],
    ['AUTOINDEX', 'SparseFloatVector', 'SPARSE_INVERTED'],
  ] as const)('%s on a %s field', (indexType, on, engine) => {
    expect(engineIndexType(indexType, field(DataType[on], 128))).toBe(engine);
  });

  it('builds with the parameters of the served index', () => {
    expect(engineBuildParams('IVF_PQ', f32, { nlist: '64', m: '8' })).toEqual({ nlist: 64 });
    expect(engineBuildParams('IVF_FLAT', f32, {})).toEqual({ nlist: 128 });
    expect(engineBuildParams('HNSW', f32, { M: '16', efConstruction: '100' })).toEqual({ M: 16, efConstruction: 100 });
    expect(engineBuildParams('DISKANN', f32, {})).toEqual({ M: 24 });
    expect(engineBuildParams('HNSW', f16, { M: '16' })).toEqual({ M: 16 });
    expect(engineBuildParams('SPARSE_WAND', field(DataType.SparseFloatVector, 0), { drop_ratio_build: '0.2' })).toEqual({
      dropRatioBuild: 0.2,
    });
  });
});
