import { DataType } from '../core/schema.js';
import { formatTimestamptz, TimestamptzError } from '../core/timestamptz.js';
import { invalidParameter } from './status.js';

/**
 * Timestamptz at the edges of the Milvus API: refusals of timestamps and time zones as
 * parameter errors, and the last step of a query or search answer, as Milvus's proxy takes it:
 * Timestamptz columns travel between nodes as UTC microseconds (`timestamptz_data`) and reach
 * the client as RFC 3339 strings (`string_data`) in the request's time zone (its `timezone`
 * parameter, else the collection's).
 */

/** Runs a parse or check of core/timestamptz.ts, its refusal (Milvus's message) a code 1100 status. */
export function timestamptzParameter<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof TimestamptzError) throw invalidParameter(e.message);
    throw e;
  }
}

interface ScalarsLike {
  timestamptz_data?: { data?: unknown[] } | null;
}

interface FieldLike {
  type?: unknown;
  scalars?: ScalarsLike | null;
}

const isTimestamptz = (f: FieldLike) => f.type === 'Timestamptz' || f.type === DataType.Timestamptz;

/** `fields` with every Timestamptz column's values formatted in `timezone` (null rows keep their placeholder's string, as in Milvus). */
export function formatTimestamptzFields<F extends FieldLike>(fields: F[], timezone: string): F[] {
  return fields.map((f) => {
    const micros = f.scalars?.timestamptz_data?.data;
    if (!isTimestamptz(f) || !micros) return f;
    const strings = micros.map((v) => formatTimestamptz(BigInt(v as string | number | bigint), timezone));
    return { ...f, scalars: { data: 'string_data', string_data: { data: strings } } };
  });
}
