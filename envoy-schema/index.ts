/**
 * Envoy configuration checked against Envoy's own protos: the stand-in for Envoy's config
 * loading in tests, and the last gate before the control plane pushes a resource. This is the
 * library's whole public surface; the other modules are its internals.
 *
 * Input is proto3 JSON (Envoy YAML after YAML parsing, or plain objects built in code):
 * snake_case or lowerCamelCase field names, enum names, Durations as "1.5s", Any as
 * `{"@type": "type.googleapis.com/<type>", ...fields}`. Errors are what Envoy would refuse
 * (proto3 JSON mapping, protoc-gen-validate rules, the checks of envoy-checks.ts); warnings are
 * deprecated or work-in-progress fields that Envoy accepts.
 *
 * Cost: parse + validate + encode of a 1,000-endpoint ClusterLoadAssignment takes about 4 ms
 * on a quiet core once warm (test/envoy-schema/valid-configs.test.ts prints it).
 */
export type { Issue } from './issues.js';
export { decodeEnvoy, encodeEnvoyJson, EnvoyConfigError, type EnvoyJson, type EnvoyValidation, validateEnvoyJson } from './envoy-json.js';
export { validateEnvoyYamlText, type YamlIssue, type YamlValidation } from './yaml.js';
