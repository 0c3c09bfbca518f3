import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { envoyRoot, envoyRootLoadMillis, lookupEnvoyType } from '../../envoy-schema/root.js';
import { fieldRules, isOneofRequired, optionValue } from '../../envoy-schema/options.js';

describe('envoy proto root', () => {
  it('loads once, well under a second or two', () => {
    const root = envoyRoot();
    const millis = envoyRootLoadMillis();
    console.log(`envoy proto root: ${root.files.length} files loaded in ${millis.toFixed(0)} ms`);
    expect(millis).toBeLessThan(3000);
    expect(envoyRoot()).toBe(root); // cached
  });

  it.each([
    'envoy.config.bootstrap.v3.Bootstrap',
    'envoy.config.listener.v3.Listener',
    'envoy.config.route.v3.RouteConfiguration',
    'envoy.config.cluster.v3.Cluster',
    'envoy.config.endpoint.v3.ClusterLoadAssignment',
    'envoy.config.core.v3.HealthCheck',
    'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
    'envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter',
    'envoy.extensions.filters.http.router.v3.Router',
    'envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor',
    'envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute',
    'envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
    'envoy.extensions.access_loggers.stream.v3.StdoutAccessLog',
    'envoy.extensions.access_loggers.file.v3.FileAccessLog',
    'envoy.service.discovery.v3.DiscoveryRequest',
    'envoy.service.discovery.v3.DiscoveryResponse',
    'envoy.service.discovery.v3.DeltaDiscoveryRequest',
    'envoy.service.discovery.v3.DeltaDiscoveryResponse',
    'envoy.service.ext_proc.v3.ProcessingRequest',
    'envoy.service.ext_proc.v3.ProcessingResponse',
    'envoy.service.status.v3.ClientStatusRequest',
    'envoy.service.status.v3.ClientStatusResponse',
  ])('has %s', (name) => {
    expect(lookupEnvoyType(name)).toBeInstanceOf(protobuf.Type);
    expect(lookupEnvoyType(`type.googleapis.com/${name}`)).toBe(lookupEnvoyType(name));
  });

  it('has the ADS, ext_proc and CSDS services', () => {
    for (const name of [
      'envoy.service.discovery.v3.AggregatedDiscoveryService',
      'envoy.service.ext_proc.v3.ExternalProcessor',
      'envoy.service.status.v3.ClientStatusDiscoveryService',
    ]) {
      expect(envoyRoot().lookup(name)).toBeInstanceOf(protobuf.Service);
    }
  });

  it('keeps aggregate PGV options as nested objects, enum values as names', () => {
    const name = lookupEnvoyType('envoy.config.route.v3.HeaderMatcher')!.fields.name!;
    // [(validate.rules).string = {min_len: 1 well_known_regex: HTTP_HEADER_NAME strict: false}]
    expect(fieldRules(name)).toEqual({ string: { min_len: 1, well_known_regex: 'HTTP_HEADER_NAME', strict: false } });
  });

  it('exposes (validate.required) on oneofs and deprecation annotations on fields', () => {
    const address = lookupEnvoyType('envoy.config.core.v3.Address')!;
    expect(isOneofRequired(address.oneofs.address!)).toBe(true);
    const cluster = lookupEnvoyType('envoy.config.cluster.v3.Cluster')!;
    const field = cluster.fields.http2_protocol_options!;
    expect(optionValue(field, 'deprecated')).toBe(true);
    expect(optionValue(field, '(envoy.annotations.deprecated_at_minor_version)')).toBe('3.0');
  });
});
