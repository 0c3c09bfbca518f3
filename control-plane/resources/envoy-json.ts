/** An Envoy message in proto3 JSON form, as Envoy's YAML files write it. */
export type EnvoyJson = { [field: string]: unknown };
