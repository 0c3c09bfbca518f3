import { describe, expect, it } from 'vitest';
import { validateEnvoyYamlText } from '../../envoy-schema/index.js';

const BOOTSTRAP = `
admin:
  address:
    socket_address: { address: 127.0.0.1, port_value: 9901 }
static_resources:
  clusters:
  - name: local
    type: STATIC
    connect_timeout: 1s
    load_assignment:
      cluster_name: local
      endpoints:
      - lb_endpoints:
        - endpoint:
            address:
              socket_address: { address: 127.0.0.1, port_value: 8080 }
`;

describe('validateEnvoyYamlText', () => {
  it('validates a document as a Bootstrap', () => {
    expect(validateEnvoyYamlText(BOOTSTRAP, 'b.yaml')).toEqual({ errors: [], warnings: [] });
  });

  it('reports the file, document, path and line of a problem', () => {
    const text = BOOTSTRAP.replace('port_value: 8080', 'port_value: 80800');
    expect(validateEnvoyYamlText(text, 'b.yaml').errors).toEqual([
      {
        file: 'b.yaml',
        document: 0,
        line: 16,
        path: 'static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value',
        message: 'must be at most 65535, got 80800',
      },
    ]);
  });

  it('finds lines for camelCase keys and unknown fields too', () => {
    const text = 'staticResources:\n  clusters:\n  - name: a\n    connectTimeout: 1s\n    typo: 1\n';
    expect(validateEnvoyYamlText(text, 'c.yaml').errors).toEqual([
      {
        file: 'c.yaml',
        document: 0,
        line: 5,
        path: 'static_resources.clusters[0].typo',
        message: expect.stringMatching(/^unknown field "typo"/),
      },
    ]);
  });

  it('validates a document with a top-level @type as that type', () => {
    const text = `${BOOTSTRAP}---
"@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter
name: envoy.filters.http.router
typed_config:
  "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
  suppress_envoy_headers: 3
---
`;
    expect(validateEnvoyYamlText(text, 's.yaml').errors).toEqual([
      // Lines count from the start of the file.
      {
        file: 's.yaml',
        document: 1,
        line: 22,
        path: 'typed_config.suppress_envoy_headers',
        message: 'expected true or false, got number 3',
      },
    ]);
    expect(validateEnvoyYamlText(text.replace(': 3', ': true'), 's.yaml').errors).toEqual([]);
  });

  it('reads plain scalars as Envoy (yaml-cpp) does: yes/on are booleans, quoted ones strings', () => {
    const bootstrap = (value: string) => `node: { id: ${value} }\nstats_flush_on_admin: ${value}\n`;
    expect(validateEnvoyYamlText(bootstrap('On'), 'y.yaml').errors).toEqual([
      { file: 'y.yaml', document: 0, line: 1, path: 'node.id', message: 'expected a string, got boolean true' },
    ]);
    // stats_flush_on_admin is a bool (that must be true): a quoted "On" is a string.
    expect(validateEnvoyYamlText(bootstrap('"On"'), 'y.yaml').errors).toEqual([
      { file: 'y.yaml', document: 0, line: 2, path: 'stats_flush_on_admin', message: 'expected true or false, got "On"' },
    ]);
  });

  it('keeps 64-bit integers written in YAML exact', () => {
    const text = '"@type": type.googleapis.com/google.protobuf.UInt64Value\nvalue: 18446744073709551615\n';
    expect(validateEnvoyYamlText(text, 'u.yaml').errors).toEqual([]);
    const over = text.replace('615', '616');
    expect(validateEnvoyYamlText(over, 'u.yaml').errors).toEqual([
      { file: 'u.yaml', document: 0, line: 2, path: 'value', message: '18446744073709551616 is out of range for uint64' },
    ]);
  });

  it('refuses an unknown @type at the top level', () => {
    const result = validateEnvoyYamlText('"@type": type.googleapis.com/envoy.config.listener.v3.Listenr\nname: x\n', 't.yaml');
    expect(result.errors).toEqual([
      { file: 't.yaml', document: 0, line: 1, path: '@type', message: expect.stringMatching(/^unknown type/) },
    ]);
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    const broken = validateEnvoyYamlText('admin:\n  address: [\n', 'x.yaml').errors;
    expect(broken.length).toBeGreaterThan(0);
    expect(broken[0]).toMatchObject({ file: 'x.yaml', document: 0, path: '' });
    const duplicate = validateEnvoyYamlText('admin: {}\nadmin: {}\n', 'd.yaml').errors;
    expect(duplicate).toEqual([expect.objectContaining({ line: 2, message: expect.stringMatching(/unique/i) })]);
  });

  it('drops keys tagged !ignore, as Envoy does, and follows anchors', () => {
    const text = `
!ignore defaults: &timeout 2s
static_resources:
  clusters:
  - name: a
    connect_timeout: *timeout
`;
    expect(validateEnvoyYamlText(text, 'i.yaml')).toEqual({ errors: [], warnings: [] });
  });

  it('passes warnings through with their line', () => {
    const text = 'static_resources:\n  clusters:\n  - name: a\n    http2_protocol_options: {}\n';
    expect(validateEnvoyYamlText(text, 'w.yaml').warnings).toEqual([
      {
        file: 'w.yaml',
        document: 0,
        line: 4,
        path: 'static_resources.clusters[0].http2_protocol_options',
        message: 'is deprecated since API 3.0',
      },
    ]);
  });

  it('accepts an empty file', () => {
    expect(validateEnvoyYamlText('', 'e.yaml')).toEqual({ errors: [], warnings: [] });
    expect(validateEnvoyYamlText('# nothing\n', 'e.yaml')).toEqual({ errors: [], warnings: [] });
  });
});
