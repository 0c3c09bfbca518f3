import type * as http from 'node:http';
import type { z } from 'zod';
import { RestCode, RestError } from './reply.js';

/** Bodies above this are refused with HTTP 413 before they are buffered whole. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

const tooLarge = (limit: number) => new RestError(413, `request body exceeds the limit of ${limit} bytes`, 413);

/** For bodies another party buffered (Envoy): the same 413 as one read here would get. */
export function checkBodySize(bytes: number, limit: number): void {
  if (bytes > limit) throw tooLarge(limit);
}

/** Reads the whole body, whatever its content-type says (the SDK sends JSON as text/plain). */
export function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    // Discarded unread, so that the client, still sending, gets to read the 413.
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop buffering; the rest is discarded unread, so the client gets to read the 413.
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Parses a body as a JSON object; Milvus answers 1801 for anything that is not one. */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (!text.trim()) {
    throw new RestError(RestCode.IncorrectParameterFormat, 'can only accept json format request, the request body is empty ({} is valid)');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new RestError(RestCode.IncorrectParameterFormat, `can only accept json format request, error: ${(e as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RestError(RestCode.IncorrectParameterFormat, 'can only accept json format request, error: the body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

const valueAt = (obj: unknown, path: PropertyKey[]): unknown =>
  path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), obj);

/**
 * Checks a body against its schema. As in Milvus, a missing (or empty) required parameter is
 * 1802 and a value of the wrong type is 1801; the message names the parameter.
 */
export function validate<S extends z.ZodType>(schema: S, body: Record<string, unknown>): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.map(String).join('.') || 'body';
  if (issue.code === 'unrecognized_keys') {
    throw new RestError(
      RestCode.IncorrectParameterFormat,
      `${issue.keys.map((k) => `${where === 'body' ? '' : `${where}.`}${k}`).join(', ')}: not supported by Mishards (see docs/compatibility.md)`,
    );
  }
  const value = valueAt(body, issue.path);
  if (value === undefined || value === '') {
    throw new RestError(RestCode.MissingRequiredParameters, `missing required parameters, error: ${where} is required`);
  }
  throw new RestError(RestCode.IncorrectParameterFormat, `can only accept json format request, error: ${where}: ${issue.message}`);
}
