/** The classes of filter errors; data nodes map each to a Milvus status reason. */
export type FilterErrorKind =
  | 'syntax'
  | 'unknown_field'
  | 'type_mismatch'
  | 'invalid_literal'
  | 'vector_field'
  | 'template'
  | 'unsupported';

/** A rejected filter expression: what is wrong, and where (0-based offset into the expression). */
export class FilterError extends Error {
  override readonly name = 'FilterError';

  constructor(
    readonly kind: FilterErrorKind,
    readonly position: number,
    readonly detail: string,
  ) {
    super(`${detail} (at position ${position})`);
  }
}
