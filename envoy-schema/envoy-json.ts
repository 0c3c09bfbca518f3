/**
 * validateEnvoyJson, encodeEnvoyJson and decodeEnvoy: parse (proto-json.ts), then rules
 * (validate-rules.ts), then encode; the public API re-exports them from index.ts.
 */
import type protobuf from 'protobufjs';
import { formatIssues, type Issue } from './issues.js';
import { parseMessageJson } from './proto-json.js';
import { lookupEnvoyType } from './root.js';
import { messageToJson } from './to-json.js';
import { validateMessage } from './validate-rules.js';

/** An Envoy message in proto3 JSON form, as Envoy's YAML files write it. */
export type EnvoyJson = { [field: string]: unknown };

export interface EnvoyValidation {
  errors: Issue[];
  warnings: Issue[];
}

/** Everything wrong with `json` as the Envoy message `typeName` (a full name or a type URL). */
export function validateEnvoyJson(typeName: string, json: unknown): EnvoyValidation {
  return check(typeName, json).result;
}

/** The encoded message; throws an EnvoyConfigError listing every error when `json` is invalid. */
export function encodeEnvoyJson(typeName: string, json: unknown): Uint8Array {
  const { type, message, result } = check(typeName, json);
  if (!type || !message || result.errors.length > 0) throw new EnvoyConfigError(typeName, result.errors);
  return type.encode(message).finish();
}

/** Encoded bytes → proto3 JSON object (proto field names, Any payloads expanded). */
export function decodeEnvoy(typeName: string, bytes: Uint8Array): EnvoyJson {
  const type = requireType(typeName);
  return messageToJson(type, type.decode(bytes)) as EnvoyJson;
}

export class EnvoyConfigError extends Error {
  constructor(
    readonly typeName: string,
    readonly issues: readonly Issue[],
  ) {
    super(`invalid ${typeName} (${issues.length} error${issues.length === 1 ? '' : 's'}):\n${formatIssues(issues)}`);
    this.name = 'EnvoyConfigError';
  }
}

function requireType(typeName: string): protobuf.Type {
  const type = lookupEnvoyType(typeName);
  if (!type) throw new Error(`unknown Envoy message type "${typeName}"`);
  return type;
}

function check(typeName: string, json: unknown): { type?: protobuf.Type; message?: protobuf.Message; result: EnvoyValidation } {
  const type = lookupEnvoyType(typeName);
  if (!type) return { result: { errors: [{ path: '', message: `unknown Envoy message type "${typeName}"` }], warnings: [] } };
  const parsed = parseMessageJson(type, json);
  if (!parsed.message) return { type, result: { errors: parsed.issues, warnings: [] } };
  const rules = validateMessage(type, parsed.message);
  const errors = parsed.issues.length === 0 ? rules.errors : [...parsed.issues, ...rules.errors];
  return { type, message: parsed.message, result: { errors, warnings: rules.warnings } };
}
