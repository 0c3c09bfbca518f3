import { invalidParameter } from './status.js';

/**
 * The build and search parameters of each vector index type, checked as Milvus checks them:
 * the proxy hands an index's parameters to knowhere's config checks, whose ranges, defaults
 * and messages these are (knowhere's ivf_config.h, base_hnsw_config.h, faiss_hnsw_config.h,
 * diskann_config.h, sparse config), wrapped as the proxy wraps them ("... invalid
 * parameter[expected=valid index params][actual=invalid index params]").
 */

const INT_MAX = 2147483647;
const FLOAT_MAX = 3.4028234663852886e38;

interface IntParam {
  kind: 'int';
  /** Inclusive bounds. */
  min: number;
  max: number;
  /** What the index uses when the parameter is absent; undefined with `required`: refused when absent. */
  default?: number;
  required?: boolean;
}

interface FloatParam {
  kind: 'float';
  min: number;
  max: number;
  /** Whether the upper bound is excluded ([min, max)). */
  openMax?: boolean;
  default?: number;
}

interface ChoiceParam {
  kind: 'choice';
  values: readonly string[];
  /** The refusal of another value. */
  refusal: (value: string) => string;
}

interface BoolParam {
  kind: 'bool';
}

type ParamSpec = IntParam | FloatParam | ChoiceParam | BoolParam;

const int = (min: number, max: number, dflt?: number): IntParam => ({ kind: 'int', min, max, default: dflt });

const NLIST = int(1, 65536, 128);
const HNSW_PARAMS = { M: int(2, 2048, 30), efConstruction: int(1, INT_MAX, 360) };
const goList = (items: readonly string[]) => `[${items.join(' ')}]`;
const SPARSE_ALGOS = ['TAAT_NAIVE', 'DAAT_WAND', 'DAAT_MAXSCORE'];
const SPARSE_PARAMS: Record<string, ParamSpec> = {
  drop_ratio_build: { kind: 'float', min: 0, max: 1, openMax: true, default: 0 },
  inverted_index_algo: {
    kind: 'choice',
    values: SPARSE_ALGOS,
    refusal: (v) => `sparse inverted index algo ${v} not found or not supported, supported: ${goList(SPARSE_ALGOS)}`,
  },
};
const REFINE_TYPES = ['SQ6', 'SQ8', 'FP16', 'BF16', 'FP32', 'FLAT'];

/** Build parameters per index type (knowhere's for_train fields). Index types without an entry take none. */
const TRAIN: Record<string, Record<string, ParamSpec>> = {
  IVF_FLAT: { nlist: NLIST },
  IVF_SQ8: { nlist: NLIST },
  IVF_PQ: { nlist: NLIST, m: { ...int(1, 65536), required: true }, nbits: int(1, 24, 8) },
  IVF_RABITQ: { nlist: NLIST },
  SCANN: { nlist: NLIST, sub_dim: int(1, 65536, 2), with_raw_data: { kind: 'bool' } },
  BIN_IVF_FLAT: { nlist: NLIST },
  HNSW: HNSW_PARAMS,
  HNSW_SQ: {
    ...HNSW_PARAMS,
    sq_type: { kind: 'choice', values: ['SQ6', 'SQ8', 'FP16', 'BF16'], refusal: () => 'invalid scalar quantizer type' },
    refine: { kind: 'bool' },
    refine_type: { kind: 'choice', values: REFINE_TYPES, refusal: () => 'invalid refine type type' },
  },
  HNSW_PQ: { ...HNSW_PARAMS, m: int(1, 65536, 32), nbits: int(1, 16, 8), refine: { kind: 'bool' } },
  HNSW_PRQ: { ...HNSW_PARAMS, m: int(1, 65536, 2), nrq: { ...int(1, 64), required: true }, nbits: int(1, 64, 8), refine: { kind: 'bool' } },
  DISKANN: {
    max_degree: int(1, 2048, 48),
    search_list_size: int(1, INT_MAX),
    pq_code_budget_gb_ratio: { kind: 'float', min: 0, max: FLOAT_MAX, default: 0 },
    search_cache_budget_gb_ratio: { kind: 'float', min: 0, max: FLOAT_MAX, default: 0 },
  },
  SPARSE_INVERTED_INDEX: SPARSE_PARAMS,
  SPARSE_WAND: SPARSE_PARAMS,
};

/** Search parameters per index type (knowhere's for_search fields) that Mishards reads. */
const SEARCH: Record<string, Record<string, ParamSpec>> = {
  IVF: { nprobe: int(1, 65536, 8) },
  SPARSE: { drop_ratio_search: { kind: 'float', min: 0, max: 1, openMax: true, default: 0 } },
};

/** The proxy's wrapping of a refused index parameter (merr.WrapErrParameterInvalid). */
const refused = (reason: string) =>
  invalidParameter(`${reason}: invalid parameter[expected=valid index params][actual=invalid index params]`);

/** C++'s std::to_string of a float, as knowhere prints its float ranges. */
const cFloat = (x: number) => x.toFixed(6);

/** One parameter's value checked against its spec: the knowhere message of the first fault. */
function checkValue(name: string, raw: string, spec: ParamSpec): string | undefined {
  const shown = `'${name}' (${raw})`;
  switch (spec.kind) {
    case 'int': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isInteger(n)) return `Type conflict in json: param '${name}' ("${raw}") should be integer`;
      if (n > INT_MAX) return `Arithmetic overflow: param ${shown} should not bigger than ${INT_MAX}`;
      if (n < spec.min || n > spec.max) return `Out of range in json: param ${shown} should be in range [${spec.min}, ${spec.max}]`;
      return undefined;
    }
    case 'float': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) return `Type conflict in json: param '${name}' ("${raw}") should be a number`;
      if (n < spec.min || n > spec.max || (spec.openMax && n === spec.max))
        return `Out of range in json: param ${shown} should be in range [${cFloat(spec.min)}, ${cFloat(spec.max)}${spec.openMax ? ')' : ']'}`;
      return undefined;
    }
    case 'choice':
      return spec.values.includes(raw) ? undefined : spec.refusal(raw);
    case 'bool':
      return raw === 'true' || raw === 'false' ? undefined : `Type conflict in json: param '${name}' ("${raw}") should be a boolean`;
  }
}

/**
 * Checks an index's build parameters as Milvus does for the index type on a field of `dim`
 * dimensions (0 for sparse vectors): each known parameter's type and range, the required ones
 * present, and the cross checks (IVF_PQ's m divides dim, SCANN's sub_dim divides dim).
 * Parameters the index type does not read are left alone, as knowhere leaves them.
 */
export function checkBuildParams(indexType: string, params: Record<string, string>, dim: number): void {
  const specs = TRAIN[indexType] ?? {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw = params[name];
    if (raw === undefined) {
      if (spec.kind === 'int' && spec.required) throw refused(`param '${name}' not exist in json`);
      continue;
    }
    const fault = checkValue(name, raw, spec);
    if (fault) throw refused(fault);
  }
  if (indexType === 'IVF_PQ' && dim % Number(params.m) !== 0) {
    throw refused(
      `The dimension of a vector (dim) should be a multiple of the number of subquantizers (m). Dimension: ${dim}, m: ${params.m}`,
    );
  }
  const subDim = Number(params.sub_dim ?? 2);
  if (indexType === 'SCANN' && dim % subDim !== 0) {
    throw refused(`The dimension of a vector (dim) should be a multiple of sub_dim. Dimension:${dim}, sub_dim:${subDim}`);
  }
}

/** A build parameter's value, or its knowhere default (undefined when it has none). */
export function buildParam(indexType: string, params: Record<string, string>, name: string): number | undefined {
  if (params[name] !== undefined) return Number(params[name]);
  const spec = TRAIN[indexType]?.[name];
  return spec && (spec.kind === 'int' || spec.kind === 'float') ? spec.default : undefined;
}

/** The search parameters a family of index reads: `IVF` (nprobe), `HNSW` (ef), `SPARSE` (drop_ratio_search). */
export type SearchFamily = keyof typeof SEARCH;

/**
 * A search parameter read from the request's `params` JSON (or a top-level pair), checked as
 * knowhere checks it; undefined when absent.
 */
export function searchParam(family: SearchFamily, name: string, raw: unknown): number | undefined {
  const spec = SEARCH[family]?.[name];
  if (!spec || raw === undefined || raw === '') return undefined;
  const fault = checkValue(name, String(raw), spec);
  if (fault) throw invalidParameter(fault);
  return Number(raw);
}
