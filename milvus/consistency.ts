import type { ConsistencyLevel__Output } from '../proto/generated/milvus/proto/common/ConsistencyLevel.js';

/**
 * Milvus's `common.ConsistencyLevel`: the names the API speaks (gRPC enums arrive as names,
 * REST takes them as strings) and the numbers the metadata store keeps.
 */
export const ConsistencyLevel = {
  Strong: 0,
  Session: 1,
  Bounded: 2,
  Eventually: 3,
  Customized: 4,
} as const satisfies Record<ConsistencyLevel__Output, number>;

export type ConsistencyLevelName = keyof typeof ConsistencyLevel;

/** Every level's name, in the enum's order. */
export const CONSISTENCY_LEVEL_NAMES = Object.keys(ConsistencyLevel) as ConsistencyLevelName[];

export function isConsistencyLevelName(name: string): name is ConsistencyLevelName {
  return Object.hasOwn(ConsistencyLevel, name);
}

/** A request's level as its number: a number as it is, a name by the table; undefined for anything else. */
export function consistencyLevelNumber(level: unknown): number | undefined {
  if (typeof level === 'number') return level;
  return typeof level === 'string' && isConsistencyLevelName(level) ? ConsistencyLevel[level] : undefined;
}

/** The name of a level number; undefined for a number outside the enum. */
export function consistencyLevelName(level: number): ConsistencyLevelName | undefined {
  return CONSISTENCY_LEVEL_NAMES[level];
}
