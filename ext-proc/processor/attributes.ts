import type { AttributeValue, Attributes } from '@opentelemetry/api';

/**
 * `google.protobuf.Value` / `Struct` as the proto loader gives them: the oneof named by `kind`,
 * and camelCase field names even with `keepCase`, because protobufjs supplies the well-known
 * types from its own (camelCase) descriptors.
 */
export interface Value {
  kind?: 'nullValue' | 'numberValue' | 'stringValue' | 'boolValue' | 'structValue' | 'listValue';
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: Struct;
  listValue?: { values?: Value[] };
}

export interface Struct {
  fields?: Record<string, Value>;
}

function plain(v: Value): unknown {
  switch (v.kind) {
    case 'numberValue':
      return v.numberValue;
    case 'stringValue':
      return v.stringValue;
    case 'boolValue':
      return v.boolValue;
    case 'structValue':
      return Object.fromEntries(Object.entries(v.structValue?.fields ?? {}).map(([k, x]) => [k, plain(x)]));
    case 'listValue':
      return (v.listValue?.values ?? []).map(plain);
    default:
      return null;
  }
}

function attributeValue(v: Value): AttributeValue {
  const p = plain(v);
  if (typeof p === 'string' || typeof p === 'number' || typeof p === 'boolean') return p;
  // Lists, maps and nulls (e.g. `request.headers`) are kept readable as JSON text.
  return JSON.stringify(p);
}

/**
 * The `attributes` of a ProcessingRequest as span attributes. Envoy puts the values of the
 * filter's `request_attributes` (`request.id`, `source.address`, `xds.route_name`, ...) in a
 * Struct under the filter's name; each becomes `envoy.<attribute>`.
 */
export function envoyAttributes(attributes: Record<string, Struct> | undefined): Attributes {
  const out: Attributes = {};
  for (const struct of Object.values(attributes ?? {})) {
    for (const [name, value] of Object.entries(struct.fields ?? {})) out[`envoy.${name}`] = attributeValue(value);
  }
  return out;
}
